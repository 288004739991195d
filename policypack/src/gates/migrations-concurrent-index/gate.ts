/** The `migrations-concurrent-index` gate: its catalog record, settings and check. */
import { z } from "zod";
import { defineMeta } from "../../engine/meta";
import type { Reporter } from "../../engine/rule";
import { quote, replayedGate, reportAt, type ServiceMigrations } from "../../lib/migrations";
import type { ReplayEvent } from "../../sql/replay";

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

export const settings = z.strictObject({});

function indexEvent(sm: ServiceMigrations, e: Extract<ReplayEvent, { kind: "create-index" | "drop-index" }>, report: Reporter): void {
  const verb = e.kind === "create-index" ? "CREATE INDEX" : "DROP INDEX";
  if (e.concurrent && e.inTransactionBlock) {
    reportAt(
      sm,
      e.where,
      report,
      `${verb} CONCURRENTLY runs inside BEGIN ... COMMIT, where PostgreSQL refuses it`,
      `"${quote(e.where.text)}"`,
      `remove the BEGIN/COMMIT around it and give it a migration of its own, run outside a transaction`,
    );
    return;
  }
  if (e.concurrent) return;
  if (e.kind === "create-index") {
    if (e.newTable) return;
    reportAt(
      sm,
      e.where,
      report,
      `CREATE INDEX ${e.index ?? "(unnamed)"} on existing table ${e.table} without CONCURRENTLY blocks every write to the table while the index builds`,
      `"${quote(e.where.text)}"`,
      `use CREATE INDEX CONCURRENTLY ${e.index !== undefined ? `${e.index.slice(e.index.indexOf(".") + 1)} ` : ""}ON ${e.table} ..., in a migration of its own that runs outside a transaction`,
    );
    return;
  }
  if (e.newIndex) return;
  reportAt(
    sm,
    e.where,
    report,
    `DROP INDEX ${e.index}${e.table ? ` (on ${e.table})` : ""} without CONCURRENTLY takes an exclusive lock that blocks reads and writes of the table`,
    `"${quote(e.where.text)}"`,
    `use DROP INDEX CONCURRENTLY IF EXISTS ${e.index}; in a migration of its own that runs outside a transaction`,
  );
}

export const migrationsConcurrentIndex = replayedGate({
  meta,
  settings,
  check(sm, r, _s, report) {
    for (const e of r.events) if (e.kind === "create-index" || e.kind === "drop-index") indexEvent(sm, e, report);
  },
});

