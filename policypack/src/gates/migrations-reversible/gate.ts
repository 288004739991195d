/** The `migrations-reversible` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { migrationsReversible as legacy } from "../../policies/migrations";

export const meta = defineMeta({
  name: "migrations-reversible",
  title: "Every migration has a down migration",
  area: "migrations",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "Every up migration has a down migration.",
  remediation: "Add NNNN_name.down.sql beside NNNN_name.up.sql that undoes it.",
  sources: [
    { seed: "000", section: "Migrations", line: "Rollback migration tested" },
    { seed: "001", section: "Infrastructure", line: "DB migrations idempotent and reversible" },
  ],
});

export const migrationsReversible = withMeta(meta, legacy);
