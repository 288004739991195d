/** The `postgres-required-extensions` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { postgresRequiredExtensions as legacy } from "../../policies/migrations";

export const meta = defineMeta({
  name: "postgres-required-extensions",
  title: "Required Postgres extensions are created",
  area: "database",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "The service's migrations create the extensions it declares it needs (pg_trgm for registration).",
  remediation: "Add CREATE EXTENSION IF NOT EXISTS <name>; to an early migration of the service.",
  sources: [{ seed: "001", section: "Infrastructure", line: "pg_trgm extension enabled in target DB" }],
});

export const postgresRequiredExtensions = withMeta(meta, legacy);
