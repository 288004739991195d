/** The `migrations-expand-contract` gate: its catalog record, settings and check. */
import { z } from "zod";
import { defineMeta } from "../../engine/meta";
import { quote, replayedGate, reportAt } from "../../lib/migrations";
import type { DestructiveOp } from "../../sql/replay";

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

export const settings = z.strictObject({
  /** The PostgreSQL major version the migrations run on: from 12, SET NOT NULL uses a validated CHECK (col IS NOT NULL) and does not scan. */
  postgresVersion: z.number().int().min(10).max(18).default(15),
});

const EXPAND_FIX: Readonly<Record<DestructiveOp, string>> = {
  "DROP TABLE": "stop using the table in a release first, then drop it in a later migration declared a contract step (first line: -- readiness: contract)",
  "DROP COLUMN": "stop reading and writing the column in a release first, then drop it in a later migration declared a contract step (first line: -- readiness: contract)",
  "RENAME TABLE": "expand: create the new table (or a view under the new name), backfill and dual-write, switch readers; then drop the old one in a migration declared a contract step (first line: -- readiness: contract)",
  "RENAME COLUMN": "expand: add the new column, backfill and dual-write, switch readers; then drop the old column in a migration declared a contract step (first line: -- readiness: contract)",
  "ALTER COLUMN TYPE": "expand: add a column of the new type, backfill and dual-write, switch readers; then drop the old column in a migration declared a contract step (first line: -- readiness: contract)",
  "SET NOT NULL":
    "expand: ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT; SET NOT NULL in a migration declared a contract step (first line: -- readiness: contract)",
};

const EXPAND_WHY: Readonly<Record<DestructiveOp, string>> = {
  "DROP TABLE": "the release still running reads and writes it",
  "DROP COLUMN": "the release still running reads and writes it",
  "RENAME TABLE": "the release still running uses the old name",
  "RENAME COLUMN": "the release still running uses the old name",
  "ALTER COLUMN TYPE": "it rewrites the table under an exclusive lock and breaks the release still running",
  "SET NOT NULL": "it scans the table under an exclusive lock and fails writes of the release still running",
};

export const migrationsExpandContract = replayedGate({
  meta,
  settings,
  check(sm, r, s, report) {
    for (const e of r.events) {
      if (e.kind !== "destructive" || e.contract) continue;
      // A validated CHECK (col IS NOT NULL) already keeps nulls out, and PostgreSQL >= 12 uses it instead of a scan.
      if (e.provenNotNull === true && s.postgresVersion >= 12) continue;
      const target = e.column !== undefined ? `${e.table}.${e.column}` : e.table;
      const why =
        e.provenNotNull === true
          ? `PostgreSQL ${s.postgresVersion} ignores the validated CHECK (${e.column ?? ""} IS NOT NULL) and still scans the table under an exclusive lock (12 and later skip the scan)`
          : EXPAND_WHY[e.op];
      const fix = e.provenNotNull === true ? `keep the validated CHECK (it enforces the same) until PostgreSQL 12 or later, or SET NOT NULL in a migration declared a contract step (first line: -- readiness: contract)` : EXPAND_FIX[e.op];
      reportAt(sm, e.where, report, `${e.op} on ${target} outside a migration declared a contract step: ${why}`, `"${quote(e.where.text)}"`, fix);
    }
  },
});
