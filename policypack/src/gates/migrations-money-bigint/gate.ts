/** The `migrations-money-bigint` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { migrationsMoneyBigint as legacy } from "../../policies/migrations";

export const meta = defineMeta({
  name: "migrations-money-bigint",
  title: "Money as bigint micro-units",
  area: "migrations",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves: "Money columns are bigint micro-units, never numeric/decimal/money/floating point.",
  remediation: "Store amounts as bigint micro-units (amount_micros bigint) with a currency column.",
  sources: [{ seed: "002", section: "5. Storage & migrations", line: "All money columns are bigint micro-units; never numeric decimal" }],
});

export const migrationsMoneyBigint = withMeta(meta, legacy);
