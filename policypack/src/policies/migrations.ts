/**
 * Migration gates: the SQL each service ships to the cluster (a ConfigMap labelled as its
 * migrations), parsed with PostgreSQL's own parser and replayed in order. See docs/migrations.md
 * for the contract (labels, file names, declarations) and what each gate accepts.
 *
 *   migrations-tenant-rls         tenant tables have RLS enabled, forced, and tenant-tied policies
 *   migrations-concurrent-index   CREATE/DROP INDEX on existing tables use CONCURRENTLY
 *   migrations-expand-contract    destructive steps only in migrations declared contract steps
 *   migrations-money-bigint       money columns are bigint micro-units
 *   migrations-reversible         every up has a (non-empty, parseable) down
 *   postgres-required-extensions  the extensions a service needs are created by its migrations
 */
import { z } from "zod";
import { isRecord, T, type ResourceView, type StackView } from "../access";
import { stackRule, undecidedMessage, violation, type Reporter } from "../engine/rule";
import { memoByObject, memoByString } from "../memo";
import { migrationSet, type DataEntry, type MigrationFile, type MigrationSet, type SetProblemKind } from "../sql/migration-set";
import { loadParserOnce, parseSql, type ParseError } from "../sql/parser";
import { replay, type DestructiveOp, type Replay, type ReplayEvent, type TableState, type Where } from "../sql/replay";
import { policyFaults, type Command, type PolicyFault, type TenantSettings } from "../sql/tenant-policy";

/** Labels by which a ConfigMap is a service's migrations (the service: app.kubernetes.io/part-of). */
export const MIGRATIONS_COMPONENT_LABEL = "app.kubernetes.io/component";
export const MIGRATIONS_COMPONENT = "migrations";
/** Annotation by which a service declares the Postgres extensions it needs (comma-separated). */
export const REQUIRED_EXTENSIONS_ANNOTATION = "readiness.dev/required-extensions";

const init = (): Promise<void> => loadParserOnce();

// ------------------------------------------------------------------ the service's migration set

export interface ServiceMigrations {
  /** The service (from the ConfigMap's labels, or its parent's); undefined when unlabelled. */
  readonly service: string | undefined;
  /** "service 'registration'" or "ConfigMap 'x'". */
  readonly label: string;
  readonly maps: readonly ResourceView[];
  /** ConfigMaps whose whole `data` is unknown until apply. */
  readonly unknownData: readonly ResourceView[];
  readonly set: MigrationSet<ResourceView>;
  /** Replayed on first use and shared by the gates that need it. */
  replay(): Replay;
}

export function isMigrationsConfigMap(r: ResourceView): boolean {
  return r.type === T.configMap && r.label(MIGRATIONS_COMPONENT_LABEL) === MIGRATIONS_COMPONENT;
}

/** The migration sets of the stack, one per service (several ConfigMaps of a service merge); built once per stack. */
export const serviceMigrations: (stack: StackView) => readonly ServiceMigrations[] = memoByObject(buildServiceMigrations);

function buildServiceMigrations(stack: StackView): readonly ServiceMigrations[] {
  const groups = new Map<string, { service: string | undefined; maps: ResourceView[] }>();
  for (const r of stack.ofType(T.configMap)) {
    if (!isMigrationsConfigMap(r)) continue;
    const service = stack.serviceOf(r);
    const key = service !== undefined ? `service:${service}` : `urn:${r.urn}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { service, maps: [] }));
    g.maps.push(r);
  }
  const out: ServiceMigrations[] = [];
  for (const g of groups.values()) {
    const entries: DataEntry<ResourceView>[] = [];
    const unknownData: ResourceView[] = [];
    for (const m of g.maps) {
      const data = m.get("data");
      if (data.kind === "unknown") unknownData.push(m);
      else if (data.kind === "known" && isRecord(data.value)) {
        for (const [key, value] of Object.entries(data.value)) entries.push({ key, value, source: m });
      }
    }
    const set = migrationSet(entries);
    let replayed: Replay | undefined;
    out.push({
      service: g.service,
      label: g.service !== undefined ? `service '${g.service}'` : `ConfigMap '${(g.maps[0] as ResourceView).k8sName()}'`,
      maps: g.maps,
      unknownData,
      set,
      replay: () => (replayed ??= replay(set.migrations)),
    });
  }
  return out;
}

/** The ConfigMap that ships an up file (for the finding's subject). */
function sourceOf(sm: ServiceMigrations, file: string): ResourceView {
  return sm.set.migrations.find((m) => m.up?.key === file)?.up?.source ?? (sm.maps[0] as ResourceView);
}

function at(sm: ServiceMigrations, w: { file: string; line: number }): string {
  return `${sm.label} migration ${w.file} line ${w.line}`;
}

/** A list for a message, shortened after `max` items. */
function list(xs: readonly string[], max = 10): string {
  return xs.length > max ? `${xs.slice(0, max).join(", ")}, ... (${xs.length - max} more)` : xs.join(", ");
}

function quote(sql: string): string {
  return sql.length > 160 ? `${sql.slice(0, 157)}...` : sql;
}

/**
 * Reports the gate undecided for a service whose migrations are not all known at preview, and
 * returns true; else false.
 */
function undecidedService(sm: ServiceMigrations, report: Reporter, upOnly = false): boolean {
  const unknownKeys = sm.set.unknownKeys.filter((k) => !upOnly || k.endsWith(".up.sql"));
  if (sm.unknownData.length === 0 && unknownKeys.length === 0) return false;
  const what =
    sm.unknownData.length > 0
      ? `the data of ConfigMap ${sm.unknownData.map((m) => `'${m.k8sName()}'`).join(", ")}`
      : `the SQL of ${unknownKeys.join(", ")}`;
  report({ subject: sm.unknownData[0] ?? sm.maps[0], service: sm.service, undecided: true, message: undecidedMessage(`${sm.label} migrations`, what) });
  return true;
}

function parseErrorMessage(sm: ServiceMigrations, file: string, e: ParseError): string {
  return violation(
    at(sm, { file, line: e.line }),
    `does not parse as PostgreSQL: ${e.message} (line ${e.line}, column ${e.column}), so the gate cannot be proved for it`,
    e.lineText === "" ? undefined : `"${quote(e.lineText)}"`,
    "correct the SQL so that PostgreSQL accepts it (the pack parses it with PostgreSQL's own parser)",
  );
}

/** Reports up files that do not parse. */
function reportParseErrors(sm: ServiceMigrations, r: Replay, report: Reporter): void {
  for (const f of r.files) {
    if (f.error) report({ subject: sourceOf(sm, f.key), service: sm.service, message: parseErrorMessage(sm, f.key, f.error) });
  }
}

/** Runs `body` over each service's known, replayed migrations (undecided and parse errors handled). */
function eachReplayed(stack: StackView, report: Reporter, body: (sm: ServiceMigrations, r: Replay) => void): void {
  for (const sm of serviceMigrations(stack)) {
    if (undecidedService(sm, report, true)) continue;
    const r = sm.replay();
    reportParseErrors(sm, r, report);
    body(sm, r);
  }
}

// --------------------------------------------------------------------------- migrations-tenant-rls

const identifier = z.string().regex(/^[a-z_][a-z0-9_$]*$/, { message: "must be a lower-case SQL identifier such as tenant_id." });

export const tenantRlsSettings = z.strictObject({
  tenantColumn: identifier.default("tenant_id"),
  tenantSetting: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_.]*$/, { message: "must be a custom setting name with a prefix, such as app.tenant_id." })
    .default("app.tenant_id"),
  tenantFunctions: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, { message: "must be a function name, optionally schema-qualified." })).default([]),
  allowSharedRows: z.boolean().default(true),
});

function commandsText(cs: readonly Command[]): string {
  return cs.map((c) => c.toUpperCase()).join(", ");
}

function faultText(p: PolicyFault["policy"], faults: readonly PolicyFault[], s: TenantSettings): string {
  const parts = faults.map((f) => `${f.clause === "USING" ? "reach rows of other tenants" : "write rows for other tenants"} for ${commandsText(f.commands)} (its ${f.clause} ${f.scope === "shared" ? "also admits tenant_id IS NULL rows, acceptable only for SELECT" : `does not compare ${s.tenantColumn} to current_setting('${s.tenantSetting}')`})`);
  return `policy '${p.name}' (${p.where.file} line ${p.where.line}) lets a session ${parts.join(" and ")}: ${quote(p.where.text)}`;
}

function tenantExpr(s: TenantSettings): string {
  return `${s.tenantColumn} = NULLIF(current_setting('${s.tenantSetting}', true), '')::uuid`;
}

function checkTenantTable(sm: ServiceMigrations, t: TableState, s: TenantSettings, report: Reporter): void {
  const problems: string[] = [];
  const fixes: string[] = [];
  if (!t.rlsEnabled) {
    problems.push("row-level security is not enabled");
    fixes.push(`ALTER TABLE ${t.key} ENABLE ROW LEVEL SECURITY;`);
  }
  if (!t.rlsForced) {
    problems.push("row-level security is not forced, so the table's owner bypasses it");
    fixes.push(`ALTER TABLE ${t.key} FORCE ROW LEVEL SECURITY;`);
  }
  const faults = policyFaults(t, s);
  if (t.policies.size === 0) {
    problems.push(`it has no policy tying ${s.tenantColumn} to current_setting('${s.tenantSetting}')`);
  }
  for (const p of new Set(faults.map((f) => f.policy))) problems.push(faultText(p, faults.filter((f) => f.policy === p), s));
  if (t.policies.size === 0 || faults.length > 0) {
    const drops = [...new Set(faults.map((f) => f.policy.name))].map((p) => `DROP POLICY ${p} ON ${t.key}; `).join("");
    fixes.push(`${drops}CREATE POLICY tenant_isolation ON ${t.key} USING (${tenantExpr(s)}) WITH CHECK (${tenantExpr(s)});`);
  }
  if (problems.length === 0) return;
  const state = [
    `ENABLE ${t.rlsEnabled ? `in ${t.rlsEnabled.file} line ${t.rlsEnabled.line}` : "missing"}`,
    `FORCE ${t.rlsForced ? `in ${t.rlsForced.file} line ${t.rlsForced.line}` : "missing"}`,
    `policies: ${t.policies.size === 0 ? "none" : [...t.policies.keys()].join(", ")}`,
  ].join("; ");
  report({
    subject: sourceOf(sm, t.created.file),
    service: sm.service,
    message: violation(
      at(sm, t.created),
      `table ${t.key} has a ${s.tenantColumn} column but ${problems.join("; ")}`,
      state,
      `add a migration with ${fixes.join(" ")}`,
    ),
  });
}

export const migrationsTenantRls = stackRule({
  gate: "migrations-tenant-rls",
  settings: tenantRlsSettings,
  init,
  check(stack, s, report) {
    eachReplayed(stack, report, (sm, r) => {
      const tables = [...r.tables.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
      for (const t of tables) {
        if (t.columns.has(s.tenantColumn)) {
          checkTenantTable(sm, t, s, report);
          continue;
        }
        if (t.global) continue;
        const unreadable = !t.columnsComplete;
        report({
          subject: sourceOf(sm, t.created.file),
          service: sm.service,
          message: violation(
            at(sm, t.created),
            unreadable
              ? `table ${t.key} is created from a query whose columns cannot be read from the migration, and is not declared global, so the pack cannot tell whether it holds tenant data`
              : `table ${t.key} has no ${s.tenantColumn} column and is not declared global, so nothing keeps one tenant from reading another's rows in it`,
            `columns: ${list([...t.columns.keys()]) || "unknown"}`,
            `add ${s.tenantColumn} with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE ${t.key} IS 'readiness:global';`,
          ),
        });
      }
    });
  },
});

// ------------------------------------------------------------------- migrations-concurrent-index

export const noSettings = z.strictObject({});

function indexEvent(sm: ServiceMigrations, e: Extract<ReplayEvent, { kind: "create-index" | "drop-index" }>, report: Reporter): void {
  const where = at(sm, e.where);
  const subject = sourceOf(sm, e.where.file);
  const verb = e.kind === "create-index" ? "CREATE INDEX" : "DROP INDEX";
  if (e.concurrent && e.inTransactionBlock) {
    report({
      subject,
      service: sm.service,
      message: violation(
        where,
        `${verb} CONCURRENTLY runs inside BEGIN ... COMMIT, where PostgreSQL refuses it`,
        `"${quote(e.where.text)}"`,
        `remove the BEGIN/COMMIT around it and give it a migration of its own, run outside a transaction`,
      ),
    });
    return;
  }
  if (e.concurrent) return;
  if (e.kind === "create-index") {
    if (e.newTable) return;
    report({
      subject,
      service: sm.service,
      message: violation(
        where,
        `CREATE INDEX ${e.index ?? "(unnamed)"} on existing table ${e.table} without CONCURRENTLY blocks every write to the table while the index builds`,
        `"${quote(e.where.text)}"`,
        `use CREATE INDEX CONCURRENTLY ${e.index !== undefined ? `${e.index.slice(e.index.indexOf(".") + 1)} ` : ""}ON ${e.table} ..., in a migration of its own that runs outside a transaction`,
      ),
    });
    return;
  }
  if (e.newIndex) return;
  report({
    subject,
    service: sm.service,
    message: violation(
      where,
      `DROP INDEX ${e.index}${e.table ? ` (on ${e.table})` : ""} without CONCURRENTLY takes an exclusive lock that blocks reads and writes of the table`,
      `"${quote(e.where.text)}"`,
      `use DROP INDEX CONCURRENTLY IF EXISTS ${e.index}; in a migration of its own that runs outside a transaction`,
    ),
  });
}

export const migrationsConcurrentIndex = stackRule({
  gate: "migrations-concurrent-index",
  settings: noSettings,
  init,
  check(stack, _s, report) {
    eachReplayed(stack, report, (sm, r) => {
      for (const e of r.events) if (e.kind === "create-index" || e.kind === "drop-index") indexEvent(sm, e, report);
    });
  },
});

// -------------------------------------------------------------------- migrations-expand-contract

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

export const migrationsExpandContract = stackRule({
  gate: "migrations-expand-contract",
  settings: noSettings,
  init,
  check(stack, _s, report) {
    eachReplayed(stack, report, (sm, r) => {
      for (const e of r.events) {
        if (e.kind !== "destructive" || e.contract) continue;
        const target = e.column !== undefined ? `${e.table}.${e.column}` : e.table;
        report({
          subject: sourceOf(sm, e.where.file),
          service: sm.service,
          message: violation(
            at(sm, e.where),
            `${e.op} on ${target} outside a migration declared a contract step: ${EXPAND_WHY[e.op]}`,
            `"${quote(e.where.text)}"`,
            EXPAND_FIX[e.op],
          ),
        });
      }
    });
  },
});

// ----------------------------------------------------------------------- migrations-money-bigint

const word = z.string().regex(/^[a-z0-9]+$/, { message: "must be one lower-case word (letters and digits)." });

export const moneySettings = z.strictObject({
  /** A column is money when one of the words of its name (split on _) is one of these. */
  moneyWords: z
    .array(word)
    .default([
      "amount", "amounts", "price", "prices", "cost", "costs", "total", "totals", "subtotal", "fee", "fees", "balance",
      "balances", "cents", "micros", "tax", "taxes", "discount", "discounts", "refund", "refunds", "payment", "payments",
      "charge", "charges", "salary", "budget", "revenue", "money", "spend",
    ]),
  /** ...unless one of its words is one of these (quantities, ratios, counters). */
  notMoneyWords: z
    .array(word)
    .default(["count", "qty", "quantity", "hours", "minutes", "seconds", "days", "percent", "pct", "ratio", "rate", "weight", "score", "version", "id", "ids"]),
});

const MONEY_BAD: Readonly<Record<string, string>> = {
  numeric: "numeric/decimal is not the shared bigint micro-units representation and is slow to aggregate",
  money: "the money type depends on the server's lc_monetary and has a fixed scale",
  real: "floating point cannot represent amounts exactly",
  "double precision": "floating point cannot represent amounts exactly",
  integer: "integer overflows at 2,147 currency units in micro-units",
  smallint: "smallint overflows almost at once in micro-units",
};

/** Per settings object, a memoised verdict per column name (services repeat column names). */
const moneyVerdicts = memoByObject((s: z.infer<typeof moneySettings>) =>
  memoByString((c) => {
    const words = c.toLowerCase().split(/[^a-z0-9]+/);
    return words.some((w) => s.moneyWords.includes(w)) && !words.some((w) => s.notMoneyWords.includes(w));
  }),
);

/** True when a column's name says it holds money. */
export function isMoneyName(column: string, s: z.infer<typeof moneySettings>): boolean {
  return moneyVerdicts(s)(column);
}

export const migrationsMoneyBigint = stackRule({
  gate: "migrations-money-bigint",
  settings: moneySettings,
  init,
  check(stack, s, report) {
    eachReplayed(stack, report, (sm, r) => {
      for (const e of r.events) {
        if (e.kind !== "column-type" || !isMoneyName(e.column, s)) continue;
        const base = e.type.endsWith("[]") ? e.type.slice(0, -2) : e.type;
        const why = MONEY_BAD[base];
        if (why === undefined || r.notMoney.has(`${e.table}.${e.column}`)) continue;
        const micros = e.column.endsWith("_micros") ? e.column : `${e.column.replace(/_cents$/, "")}_micros`;
        report({
          subject: sourceOf(sm, e.where.file),
          service: sm.service,
          message: violation(
            at(sm, e.where),
            `money column ${e.table}.${e.column} is ${e.type}${e.domain ? ` (through domain ${e.domain})` : ""}: ${why}`,
            `${e.column} ${e.written}`,
            `store it as bigint micro-units (1 EUR = 1000000): ${micros} bigint NOT NULL, with a currency column; if it is not money, declare it: COMMENT ON COLUMN ${e.table}.${e.column} IS 'readiness:not-money'`,
          ),
        });
      }
    });
  },
});

// -------------------------------------------------------------------------- migrations-reversible

const SET_FIX: Readonly<Record<SetProblemKind, string>> = {
  "bad-name": "rename it NNNN_name.up.sql (and its pair NNNN_name.down.sql)",
  "duplicate-key": "ship each migration file in one ConfigMap of the service only",
  "duplicate-version": "give each migration a version number of its own",
  "not-text": "ship the file's SQL text as the value",
};

export const migrationsReversible = stackRule({
  gate: "migrations-reversible",
  settings: noSettings,
  init,
  check(stack, _s, report) {
    for (const sm of serviceMigrations(stack)) {
      if (sm.unknownData.length > 0 && undecidedService(sm, report)) continue;
      for (const p of sm.set.problems) {
        report({
          subject: p.source,
          service: sm.service,
          message: violation(`${sm.label} migration ${p.key}`, p.detail, `key ${JSON.stringify(p.key)}`, SET_FIX[p.kind]),
        });
      }
      const unknownDowns: string[] = [];
      for (const m of sm.set.migrations) {
        if (!m.down) {
          const up = m.up as MigrationFile<ResourceView>;
          report({
            subject: up.source,
            service: sm.service,
            message: violation(`${sm.label} migration ${up.key}`, "has no down migration, so a failed release cannot be rolled back", `no ${m.id}.down.sql`, `add ${m.id}.down.sql that undoes it`),
          });
          continue;
        }
        if (!m.up) {
          report({
            subject: m.down.source,
            service: sm.service,
            message: violation(`${sm.label} migration ${m.down.key}`, "has no up migration", `no ${m.id}.up.sql`, `add ${m.id}.up.sql or remove ${m.down.key}`),
          });
          continue;
        }
        if (m.down.text === undefined) {
          unknownDowns.push(m.down.key);
          continue;
        }
        const parsed = parseSql(m.down.text);
        if (!parsed.ok) {
          report({ subject: m.down.source, service: sm.service, message: parseErrorMessage(sm, m.down.key, parsed.error) });
        } else if (parsed.statements.length === 0) {
          report({
            subject: m.down.source,
            service: sm.service,
            message: violation(`${sm.label} migration ${m.down.key}`, `is empty, so it does not undo ${m.up.key}`, "no SQL statement", `write the statements that undo ${m.up.key}, in reverse order`),
          });
        }
      }
      if (unknownDowns.length > 0) {
        report({ subject: sm.maps[0], service: sm.service, undecided: true, message: undecidedMessage(`${sm.label} migrations`, `the SQL of ${unknownDowns.join(", ")}`) });
      }
    }
  },
});

// ------------------------------------------------------------------ postgres-required-extensions

const extensionName = z.string().regex(/^[a-z0-9_]+$/, { message: "must be an extension name such as pg_trgm." });

export const extensionSettings = z.strictObject({
  /** Extensions each service needs, whatever its ConfigMap declares. */
  required: z.record(z.string(), z.array(extensionName)).default({ registration: ["pg_trgm"] }),
});

/** The extensions a migrations ConfigMap declares in its annotation ("pg_trgm, citext"). */
export function declaredExtensions(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((x) => x.trim().toLowerCase())
    .filter((x) => x !== "");
}

export const postgresRequiredExtensions = stackRule({
  gate: "postgres-required-extensions",
  settings: extensionSettings,
  init,
  check(stack, s, report) {
    const all = serviceMigrations(stack);
    for (const [service, exts] of Object.entries(s.required)) {
      if (exts.length === 0 || all.some((sm) => sm.service === service)) continue;
      const members = stack.services().get(service) ?? [];
      if (members.length === 0) continue;
      report({
        subject: members[0],
        service,
        message: violation(
          `service '${service}'`,
          `needs the PostgreSQL extension${exts.length > 1 ? "s" : ""} ${exts.join(", ")} but ships no migrations ConfigMap, so nothing shows they are created`,
          "no ConfigMap labelled app.kubernetes.io/component: migrations",
          `ship the service's migrations as a ConfigMap labelled app.kubernetes.io/part-of: ${service} and app.kubernetes.io/component: migrations, with CREATE EXTENSION IF NOT EXISTS ${exts[0]}; in its first migration`,
        ),
      });
    }
    for (const sm of all) {
      const needs = new Map<string, string>();
      let annotationUnknown = false;
      for (const m of sm.maps) {
        const a = m.get(["metadata", "annotations", REQUIRED_EXTENSIONS_ANNOTATION]);
        if (a.kind === "unknown") annotationUnknown = true;
        else if (a.kind === "known" && typeof a.value === "string") {
          for (const e of declaredExtensions(a.value)) needs.set(e, `declared by annotation ${REQUIRED_EXTENSIONS_ANNOTATION} on ConfigMap '${m.k8sName()}'`);
        }
      }
      if (annotationUnknown) {
        report({ subject: sm.maps[0], service: sm.service, undecided: true, message: undecidedMessage(`${sm.label} migrations`, `annotation ${REQUIRED_EXTENSIONS_ANNOTATION}`) });
        continue;
      }
      for (const e of (sm.service !== undefined ? s.required[sm.service] : undefined) ?? []) if (!needs.has(e)) needs.set(e, "required by the pack config");
      if (undecidedService(sm, report, true)) continue;
      const r = sm.replay();
      const order = new Map(r.files.map((f, i) => [f.key, i]));
      const firstUse = new Map<string, Where & { via: string }>();
      for (const ev of r.events) {
        if (ev.kind !== "extension-use" || firstUse.has(ev.extension)) continue;
        firstUse.set(ev.extension, { ...ev.where, via: ev.via });
        if (!needs.has(ev.extension)) needs.set(ev.extension, `used by ${ev.via} in ${ev.where.file} line ${ev.where.line}`);
      }
      const broken = r.files.filter((f) => f.error).map((f) => f.key);
      for (const [ext, why] of [...needs.entries()].sort()) {
        const created = r.extensions.get(ext);
        const use = firstUse.get(ext);
        if (created && (!use || (order.get(use.file) as number) >= created.order)) continue;
        const first = sm.set.migrations.find((m) => m.up)?.up?.key ?? "the first migration";
        report({
          subject: sourceOf(sm, created?.where.file ?? use?.file ?? first),
          service: sm.service,
          message: created
            ? violation(
                at(sm, created.where),
                `creates extension ${ext} only after its first use (${use?.via} in ${use?.file} line ${use?.line}), so that earlier migration fails`,
                `"${quote(created.where.text)}"`,
                `move CREATE EXTENSION IF NOT EXISTS ${ext}; to ${first} or to a migration before ${use?.file}`,
              )
            : violation(
                `${sm.label} migrations`,
                `need the PostgreSQL extension ${ext} (${why}) but no up migration creates it${broken.length > 0 ? ` (${broken.join(", ")} did not parse)` : ""}`,
                `extensions created: ${[...r.extensions.keys()].join(", ") || "none"}`,
                `add CREATE EXTENSION IF NOT EXISTS ${ext}; to ${first}`,
              ),
        });
      }
    }
  },
});
