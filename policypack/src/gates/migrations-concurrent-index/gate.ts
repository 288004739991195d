/** The `migrations-concurrent-index` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { migrationsConcurrentIndex as legacy } from "../../policies/migrations";

export const meta = defineMeta({
  name: "migrations-concurrent-index",
  title: "Indexes built concurrently",
  area: "migrations",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves: "CREATE INDEX / DROP INDEX on existing tables use CONCURRENTLY.",
  remediation: "Use CREATE INDEX CONCURRENTLY (in a migration of its own, outside a transaction).",
  sources: [{ seed: "002", section: "5. Storage & migrations", line: "All CREATE INDEX statements use CONCURRENTLY in production migrations" }],
});

export const migrationsConcurrentIndex = withMeta(meta, legacy);
