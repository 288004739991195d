/** The `migrations-lock-safety` gate: its catalog record, settings and check. */
import { z } from "zod";
import { defineMeta } from "../../engine/meta";
import type { Reporter } from "../../engine/rule";
import { quote, replayedGate, reportAt, type ServiceMigrations } from "../../lib/migrations";
import type { LockHazard, LockMode, Where } from "../../sql/replay";

export const meta = defineMeta({
  name: "migrations-lock-safety",
  title: "Migrations take no production-stopping lock",
  area: "migrations",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "No statement takes a lock that stops production traffic on an existing table: constraints (UNIQUE, PRIMARY KEY, FOREIGN KEY, CHECK) are added with a prebuilt index or NOT VALID, no volatile default or NOT NULL without a default is added to an existing table, no REINDEX without CONCURRENTLY, VACUUM FULL, CLUSTER, TRUNCATE ... CASCADE or DROP DATABASE, every locking statement runs under a lock_timeout, and transactions are neither nested nor left open.",
  remediation:
    "Use the lock-safe sequence the finding names: CREATE UNIQUE INDEX CONCURRENTLY then ADD CONSTRAINT ... USING INDEX; ADD CONSTRAINT ... NOT VALID then VALIDATE CONSTRAINT in a later migration; add columns without volatile defaults and backfill; SET lock_timeout before locking statements.",
  sources: [
    { seed: "002", section: "5. Storage & migrations", line: "Expand-then-contract migrations only; no destructive ops in single step" },
    { seed: "002", section: "5. Storage & migrations", line: "All CREATE INDEX statements use CONCURRENTLY in production migrations" },
  ],
});

export const settings = z.strictObject({
  /** The PostgreSQL major version the migrations run on (what is safe depends on it: 11 stores constant defaults, 12 has REINDEX CONCURRENTLY and uses a validated CHECK for SET NOT NULL). */
  postgresVersion: z.number().int().min(10).max(18).default(15),
  /** Every statement that queues for a traffic-blocking lock on an existing table needs a lock_timeout set before it in its file. */
  requireLockTimeout: z.boolean().default(true),
  /** The same for statement_timeout. */
  requireStatementTimeout: z.boolean().default(false),
});

type Settings = z.infer<typeof settings>;

/** " CONSTRAINT name" or "". */
function named(name: string | undefined): string {
  return name !== undefined ? ` CONSTRAINT ${name}` : "";
}

/** "a SHARE lock", "an ACCESS EXCLUSIVE lock". */
function aLock(mode: LockMode): string {
  return `${mode.startsWith("A") || mode.startsWith("E") ? "an" : "a"} ${mode} lock`;
}

/** The bare name of a "schema.table" key. */
function bare(key: string): string {
  return key.slice(key.lastIndexOf(".") + 1);
}

const NOT_VALID_THEN_VALIDATE =
  "NOT VALID (the ADD checks only new rows and its lock is brief), then VALIDATE CONSTRAINT in a later migration (it takes only a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes through)";

/** The problem and the fix for a hazard, or undefined when it is safe on the target version. */
function judge(h: LockHazard, s: Settings): { problem: string; fix: string } | undefined {
  const v = s.postgresVersion;
  switch (h.kind) {
    case "add-unique": {
      const cols = h.columns.join(", ");
      const idx = h.constraint ?? (h.written === "UNIQUE" ? `${bare(h.table)}_${h.columns.join("_")}_key` : `${bare(h.table)}_pkey`);
      return {
        problem: `ADD${named(h.constraint)} ${h.written} (${cols}) on existing table ${h.table} builds its unique index inside ALTER TABLE, under an ACCESS EXCLUSIVE lock: every read and write of ${h.table} waits until the whole index is built`,
        fix: `build the index first, in a migration of its own outside a transaction: CREATE UNIQUE INDEX CONCURRENTLY ${idx} ON ${h.table} (${cols}); then ALTER TABLE ${h.table} ADD CONSTRAINT ${idx} ${h.written} USING INDEX ${idx}${h.written === "PRIMARY KEY" ? ` (with ${cols} already NOT NULL, else it scans for nulls under the same lock)` : ""}`,
      };
    }
    case "add-foreign-key":
      return {
        problem: `ADD${named(h.constraint)} FOREIGN KEY (${h.columns.join(", ")}) REFERENCES ${h.references} on existing table ${h.table} is validated at once: it scans ${h.table} while holding ${h.references === h.table ? `a SHARE ROW EXCLUSIVE lock on it, so every write to it` : `SHARE ROW EXCLUSIVE locks on ${h.table} and ${h.references}, so every write to both`} waits until the scan ends`,
        fix: `add the constraint with ALTER TABLE ${h.table} ADD CONSTRAINT ... FOREIGN KEY ... ${NOT_VALID_THEN_VALIDATE}`,
      };
    case "add-check":
      return {
        problem: `ADD${named(h.constraint)} CHECK${h.column !== undefined ? ` on new column ${h.column}` : ""} on existing table ${h.table} is validated at once: it scans every row under an ACCESS EXCLUSIVE lock, so every read and write of ${h.table} waits until the scan ends`,
        fix: `add the constraint with ALTER TABLE ${h.table} ADD CONSTRAINT ... CHECK (...) ${NOT_VALID_THEN_VALIDATE}`,
      };
    case "validate-same-transaction":
      return {
        problem: `VALIDATE CONSTRAINT ${h.constraint} on ${h.table} runs in the same migration (one transaction) as its ADD ... NOT VALID at line ${h.addedLine}: the ADD's lock is held until COMMIT, through the whole validating scan, so NOT VALID gains nothing`,
        fix: `move ALTER TABLE ${h.table} VALIDATE CONSTRAINT ${h.constraint} to a later migration`,
      };
    case "add-column-default":
      return columnDefault(h, v);
    case "add-column-not-null":
      return {
        problem: `ADD COLUMN ${h.column} NOT NULL without a DEFAULT on existing table ${h.table} fails as soon as the table has a row, and every INSERT of the release still running (which does not set ${h.column}) fails after it`,
        fix: `add it with a constant DEFAULT${v < 11 ? " on PostgreSQL 11 or later (before 11 that rewrites the table)" : " (PostgreSQL 11+ stores it once, without a rewrite)"}, or add it nullable, backfill in batches, then ADD CONSTRAINT ... CHECK (${h.column} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT and SET NOT NULL in later migrations`,
      };
    case "set-not-null": {
      if (h.proven && v >= 12) return undefined;
      const contract = h.contract ? " (a contract step may destroy, not stop traffic)" : "";
      if (h.proven) {
        return {
          problem: `SET NOT NULL on ${h.table}.${h.column} scans the whole table under an ACCESS EXCLUSIVE lock: PostgreSQL ${v} does not use the validated CHECK (${h.column} IS NOT NULL) to skip the scan (12 and later do)${contract}`,
          fix: `on PostgreSQL ${v} keep the validated CHECK (${h.column} IS NOT NULL) instead (it enforces the same), and SET NOT NULL after upgrading to 12 or later`,
        };
      }
      return {
        problem: `SET NOT NULL on ${h.table}.${h.column} scans the whole table under an ACCESS EXCLUSIVE lock to prove no row is null: every read and write of ${h.table} waits until the scan ends${contract}`,
        fix: `first ALTER TABLE ${h.table} ADD CONSTRAINT ${bare(h.table)}_${h.column}_not_null CHECK (${h.column} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration, then SET NOT NULL${v >= 12 ? " (PostgreSQL 12+ then skips the scan) and drop the CHECK" : " after upgrading to PostgreSQL 12+ (before 12 keep the validated CHECK instead)"}`,
      };
    }
    case "reindex":
      return {
        problem: `REINDEX of ${h.target} without CONCURRENTLY rebuilds under locks that block every write to the table and every read that uses the index until it finishes`,
        fix:
          v >= 12
            ? "use REINDEX (CONCURRENTLY) ... (PostgreSQL 12+), in a migration of its own that runs outside a transaction"
            : `on PostgreSQL ${v} build a replacement with CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY the old one, then rename the new one (REINDEX CONCURRENTLY needs 12+)`,
      };
    case "vacuum-full":
      return {
        problem: `VACUUM FULL of ${h.target} rewrites each table under an ACCESS EXCLUSIVE lock: no read or write gets through until it finishes`,
        fix: "use plain VACUUM (it blocks no read or write), or reclaim the space online with pg_repack or pg_squeeze, outside the migrations",
      };
    case "cluster":
      return {
        problem: `CLUSTER of ${h.target} rewrites the table in index order under an ACCESS EXCLUSIVE lock: no read or write gets through until it finishes`,
        fix: "remove it from the migrations; reorder the table online with pg_repack if it must be",
      };
    case "truncate-cascade":
      return {
        problem: `TRUNCATE ... CASCADE of ${h.target} also empties every table with a foreign key to it (whichever they are when it runs), each under an ACCESS EXCLUSIVE lock`,
        fix: "name each table to empty, without CASCADE (or delete the rows in batches), so that the migration says what it destroys",
      };
    case "drop-database":
      return {
        problem: `DROP DATABASE ${h.target} in a migration destroys a whole database, and waits for (or, WITH (FORCE), ends) every session connected to it`,
        fix: "remove it from the migrations: dropping a database is an operator's decision, not a deploy step",
      };
    case "nested-transaction":
      return {
        problem: `BEGIN inside the transaction opened at line ${h.beganLine}: PostgreSQL ignores it with a warning, the first COMMIT ends the outer transaction early, and what follows runs outside it`,
        fix: "remove the inner BEGIN ... COMMIT (the runner runs each file in one transaction)",
      };
    case "unfinished-transaction":
      return {
        problem: "BEGIN without COMMIT or ROLLBACK before the end of the file: the transaction, and every lock its statements took, stay open until the runner's session ends",
        fix: "end the transaction with COMMIT in the same file, or drop the BEGIN (the runner runs each file in one transaction)",
      };
    case "domain-constraint":
      return {
        problem: `ALTER DOMAIN ${h.target} ADD${named(h.constraint) || " CONSTRAINT"} checks every column that uses the domain at once, holding locks that block writes to those tables until every row is checked`,
        fix: `add it with NOT VALID, then ALTER DOMAIN ${h.target} VALIDATE CONSTRAINT ${h.constraint ?? "<name>"} in a later migration`,
      };
  }
}

function columnDefault(h: Extract<LockHazard, { kind: "add-column-default" }>, v: number): { problem: string; fix: string } | undefined {
  const rewrite = `so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock: every read and write of ${h.table} waits until it is done`;
  const backfill = "backfill existing rows in small batches";
  switch (h.default) {
    case "volatile":
      return {
        problem: `ADD COLUMN ${h.column} DEFAULT ${h.via} on existing table ${h.table}: a volatile default is computed for every existing row, ${rewrite}`,
        fix: `add the column without a default, then ALTER COLUMN ${h.column} SET DEFAULT ${h.via} (it applies to new rows only) and ${backfill}`,
      };
    case "serial":
    case "identity":
      return {
        problem: `ADD COLUMN ${h.column} ${h.via} on existing table ${h.table}: every existing row draws its own value from a sequence, ${rewrite}`,
        fix: `add a nullable bigint column, create a sequence and ALTER COLUMN ${h.column} SET DEFAULT nextval('<sequence>') for new rows, then ${backfill}`,
      };
    case "generated":
      return {
        problem: `ADD COLUMN ${h.column} ${h.via} on existing table ${h.table}: the value is computed and stored for every existing row, ${rewrite}`,
        fix: `add a plain nullable column, fill it for new rows (application or trigger) and ${backfill}`,
      };
    case "constant":
      if (v >= 11) return undefined;
      return {
        problem: `ADD COLUMN ${h.column} with a DEFAULT on existing table ${h.table}: PostgreSQL ${v} writes the default into every existing row (11 and later store it once), ${rewrite}`,
        fix: `add the column without a default, then ALTER COLUMN ${h.column} SET DEFAULT ... (new rows only) and ${backfill}`,
      };
  }
}

function lockWaiters(mode: LockMode): string {
  return mode === "ACCESS EXCLUSIVE" || mode === "EXCLUSIVE" ? "read and write" : "write";
}

function timeoutMissing(sm: ServiceMigrations, e: { where: Where; table: string; mode: LockMode }, which: "lock_timeout" | "statement_timeout", report: Reporter): void {
  const why =
    which === "lock_timeout"
      ? `while any transaction holds a lock on ${e.table}, the statement waits in the lock queue, and every ${lockWaiters(e.mode)} of ${e.table} queues behind it`
      : `the statement can hold its ${e.mode} lock on ${e.table}, blocking every ${lockWaiters(e.mode)}, for as long as it runs`;
  reportAt(
    sm,
    e.where,
    report,
    `this statement takes ${aLock(e.mode)} on existing table ${e.table} with no ${which} set before it in the file: ${why}`,
    `"${quote(e.where.text)}"`,
    which === "lock_timeout"
      ? "start the migration with SET lock_timeout = '5s'; (a few seconds), so that a blocked migration fails fast instead of stopping traffic, and retry it"
      : "start the migration with SET statement_timeout = '...'; sized for its longest statement",
  );
}

export const migrationsLockSafety = replayedGate({
  meta,
  settings,
  check(sm, r, s, report) {
    const lockTimeoutReported = new Set<string>();
    const statementTimeoutReported = new Set<string>();
    for (const e of r.events) {
      if (e.kind === "lock-hazard") {
        const j = judge(e.hazard, s);
        if (j) reportAt(sm, e.where, report, j.problem, `"${quote(e.where.text)}"`, j.fix);
      } else if (e.kind === "locking") {
        if (s.requireLockTimeout && !e.lockTimeout && !lockTimeoutReported.has(e.where.file)) {
          lockTimeoutReported.add(e.where.file);
          timeoutMissing(sm, e, "lock_timeout", report);
        }
        if (s.requireStatementTimeout && !e.statementTimeout && !statementTimeoutReported.has(e.where.file)) {
          statementTimeoutReported.add(e.where.file);
          timeoutMissing(sm, e, "statement_timeout", report);
        }
      }
    }
  },
});
