/** The `migrations-expand-contract` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { migrationsExpandContract as legacy } from "../../policies/migrations";

export const meta = defineMeta({
  name: "migrations-expand-contract",
  title: "Expand-then-contract migrations",
  area: "migrations",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "No destructive or locking step (drop/rename column or table, type change, SET NOT NULL on an existing column) outside a migration declared as a contract step.",
  remediation:
    "Split the change: expand (add the new column, backfill, dual-write), release, then contract in a migration declared as a contract step.",
  sources: [
    { seed: "002", section: "5. Storage & migrations", line: "Expand-then-contract migrations only; no destructive ops in single step" },
    { seed: "001", section: "Infrastructure", line: "DB migrations idempotent and reversible" },
  ],
});

export const migrationsExpandContract = withMeta(meta, legacy);
