/**
 * `npm run verify:rls [service...]`: proves tenant isolation and reversibility of a service's
 * migrations on a real, throwaway PostgreSQL 15.
 *
 * For each service (a folder of stacks/migrations):
 *  1. applies every up migration in order, as a non-superuser owner role with BYPASSRLS (what the
 *     migration Job runs as), and snapshots the catalog before and after each one;
 *  2. as a non-owner application role (NOSUPERUSER, NOBYPASSRLS) inserts a sample row per tenant
 *     table for tenants A and B (values generated from the catalog: types, enums, defaults, foreign
 *     keys), then proves that tenant A cannot read, update or delete tenant B's rows, cannot insert
 *     rows for tenant B or move its own rows to B, cannot modify rows shared by all tenants
 *     (tenant_id NULL), and that a session with no tenant set (fresh, or after RESET) sees no
 *     tenant's row, without an error, and cannot insert;
 *  3. checks that every table without tenant_id is declared global (COMMENT 'readiness:global');
 *  4. applies every down migration in reverse order and checks that the catalog returns to the
 *     snapshot taken before the matching up migration.
 * See docs/migrations.md.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { Client } from "pg";
import { migrationSet, type Migration, type MigrationFile } from "../policypack/src/sql/migration-set";
import { loadParserOnce, parseSql, positionOf } from "../policypack/src/sql/parser";
import { GLOBAL_MARKER } from "../policypack/src/sql/replay";
import { startCluster, type PgCluster } from "./pg-cluster";

export const MIGRATOR_ROLE = "rg_migrator";
export const APP_ROLE = "rg_app";

export interface VerifyOptions {
  readonly service: string;
  /** The service's migrations folder (NNNN_name.up.sql / .down.sql). */
  readonly dir: string;
  readonly cluster: PgCluster;
  readonly tenantColumn?: string;
  readonly tenantSetting?: string;
}

export interface Check {
  readonly ok: boolean;
  readonly what: string;
}

export interface VerifyResult {
  readonly service: string;
  readonly ok: boolean;
  readonly checks: readonly Check[];
  readonly migrations: number;
  readonly tenantTables: number;
  readonly ms: number;
}

type Row = Record<string, unknown>;

interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  identity: string;
  generated: string;
  base: string;
  category: string;
  length: number | null;
  enumFirst: string | null;
}

interface TableInfo {
  oid: number;
  schema: string;
  name: string;
  qualified: string;
  rls: boolean;
  force: boolean;
  comment: string | null;
  columns: ColumnInfo[];
  fks: { cols: string[]; refOid: number; refCols: string[] }[];
}

interface PgError {
  code?: string;
  message: string;
  position?: string;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function errorOf(e: unknown): PgError {
  const x = e as { code?: string; message?: string; position?: string };
  return { code: x.code, message: x.message ?? String(e), position: x.position };
}

/** Reads a service's migrations folder as ConfigMap-like data. */
export function readMigrations(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f] = fs.readFileSync(p, "utf8");
  }
  return out;
}

async function connect(c: PgCluster, user: string, database: string): Promise<Client> {
  const client = new Client({ host: c.host, port: c.port, user, database, application_name: "readiness-verify-rls" });
  await client.connect();
  return client;
}

// ------------------------------------------------------------------------------ catalog snapshot

const USER_SCHEMA = `n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'`;
const NOT_EXTENSION = (cls: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${cls}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

const SNAPSHOT_SQL = `
SELECT 'schema ' || n.nspname AS line FROM pg_namespace n WHERE ${USER_SCHEMA}
UNION ALL
SELECT format('relation %s.%s kind=%s rls=%s force=%s', n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_SCHEMA} AND c.relkind IN ('r','p','v','m','S','f','i','I') AND ${NOT_EXTENSION("pg_class", "c.oid")}
UNION ALL
SELECT format('column %s.%s.%s %s notnull=%s default=%s identity=%s generated=%s', n.nspname, c.relname, a.attname,
       format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE ${USER_SCHEMA} AND c.relkind IN ('r','p','v','m','f') AND a.attnum > 0 AND NOT a.attisdropped AND ${NOT_EXTENSION("pg_class", "c.oid")}
UNION ALL
SELECT format('constraint %s.%s %s', n.nspname, co.conname, pg_get_constraintdef(co.oid))
  FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION("pg_constraint", "co.oid")}
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMA}
UNION ALL
SELECT format('policy %s.%s %s cmd=%s %s roles=%s using=%s check=%s', schemaname, tablename, policyname, cmd, permissive, roles, qual, with_check)
  FROM pg_policies
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal
UNION ALL
SELECT format('function %s.%s(%s) %s', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION("pg_proc", "p.oid")}
UNION ALL
SELECT format('type %s.%s %s %s', n.nspname, t.typname, t.typtype,
       CASE t.typtype WHEN 'e' THEN (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
                      WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod) END)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE ${USER_SCHEMA} AND t.typtype IN ('e','d') AND ${NOT_EXTENSION("pg_type", "t.oid")}
UNION ALL
SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
UNION ALL
SELECT format('comment %s.%s[%s] %s', n.nspname, c.relname, d.objsubid, d.description)
  FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMA}
ORDER BY 1`;

/** The schema of the database as sorted lines (no OIDs, positions, ACLs or data). */
export async function snapshot(client: Client): Promise<string[]> {
  const r = await client.query<{ line: string }>(SNAPSHOT_SQL);
  return r.rows.map((x) => x.line);
}

/**
 * What differs between two snapshots, ignoring differences already reported for a later
 * migration (`known`, updated), so that one faulty down is reported once.
 */
function diff(before: readonly string[], after: readonly string[], known: Set<string>): string {
  const b = new Set(before);
  const a = new Set(after);
  const extra = after.filter((x) => !b.has(x) && !known.has(`+${x}`));
  const missing = before.filter((x) => !a.has(x) && !known.has(`-${x}`));
  for (const x of extra) known.add(`+${x}`);
  for (const x of missing) known.add(`-${x}`);
  const show = (xs: string[]) => xs.slice(0, 8).join("; ") + (xs.length > 8 ? `; ... (${xs.length - 8} more)` : "");
  return [extra.length > 0 ? `left behind: ${show(extra)}` : "", missing.length > 0 ? `not restored: ${show(missing)}` : ""].filter(Boolean).join(" | ");
}

// ------------------------------------------------------------------------------ applying migrations

/** Statements PostgreSQL refuses inside a transaction block. */
function nonTransactional(node: unknown): boolean {
  const n = node as { IndexStmt?: { concurrent?: boolean }; DropStmt?: { concurrent?: boolean }; VacuumStmt?: unknown };
  return n.IndexStmt?.concurrent === true || n.DropStmt?.concurrent === true || n.VacuumStmt !== undefined;
}

/**
 * Runs one migration file, statement by statement (so that an error names its line): in one
 * transaction, or in autocommit when the file holds a statement that cannot run in a transaction
 * (CREATE/DROP INDEX CONCURRENTLY). Returns undefined on success, else the error and its line.
 */
async function applyFile(client: Client, f: MigrationFile): Promise<string | undefined> {
  const parsed = parseSql(f.text ?? "");
  if (!parsed.ok) return `does not parse: ${parsed.error.message} (line ${parsed.error.line})`;
  const tx = !parsed.statements.some((s) => nonTransactional(s.node));
  if (tx) await client.query("BEGIN");
  for (const s of parsed.statements) {
    try {
      await client.query(s.source);
    } catch (e) {
      if (tx) await client.query("ROLLBACK").catch(() => undefined);
      const err = errorOf(e);
      const line = err.position ? s.line - 1 + positionOf(s.source, Number(err.position) - 1).line : s.line;
      return `${err.message} (line ${line})`;
    }
  }
  if (tx) await client.query("COMMIT");
  return undefined;
}

// ------------------------------------------------------------------------------ sample rows

const TABLES_SQL = `
SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
       obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r','p') AND ${USER_SCHEMA} AND ${NOT_EXTENSION("pg_class", "c.oid")}
  ORDER BY 2, 3`;

const COLUMNS_SQL = `
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull", a.atthasdef AS "hasDefault",
       a.attidentity AS identity, a.attgenerated AS generated, bt.typname AS base, bt.typcategory AS category,
       CASE WHEN bt.typname IN ('bpchar', 'varchar') AND COALESCE(NULLIF(a.atttypmod, -1), t.typtypmod) > 4
            THEN COALESCE(NULLIF(a.atttypmod, -1), t.typtypmod) - 4 END AS length,
       (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = bt.oid ORDER BY e.enumsortorder LIMIT 1) AS "enumFirst"
  FROM pg_attribute a
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attnum`;

const FKS_SQL = `
SELECT c.confrelid::int AS "refOid",
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS "refCols"
  FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = $1`;

async function introspect(admin: Client): Promise<TableInfo[]> {
  const tables = await admin.query<Omit<TableInfo, "columns" | "fks" | "qualified">>(TABLES_SQL);
  const out: TableInfo[] = [];
  for (const t of tables.rows) {
    const columns = await admin.query<ColumnInfo>(COLUMNS_SQL, [t.oid]);
    const fks = await admin.query<TableInfo["fks"][number]>(FKS_SQL, [t.oid]);
    out.push({ ...t, qualified: `${ident(t.schema)}.${ident(t.name)}`, columns: columns.rows, fks: fks.rows });
  }
  return out;
}

/** Parents before children (foreign keys between the given tables; cycles keep catalog order). */
function topological(tables: readonly TableInfo[]): TableInfo[] {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const done = new Set<number>();
  const out: TableInfo[] = [];
  const visit = (t: TableInfo, depth: number) => {
    if (done.has(t.oid) || depth > tables.length) return;
    for (const fk of t.fks) {
      const p = byOid.get(fk.refOid);
      if (p && p.oid !== t.oid) visit(p, depth + 1);
    }
    if (!done.has(t.oid)) {
      done.add(t.oid);
      out.push(t);
    }
  };
  for (const t of tables) visit(t, 0);
  return out;
}

let counter = 0;

/** A value PostgreSQL accepts for a column, as text (the server casts it), or undefined. */
function sampleValue(c: ColumnInfo): string | undefined {
  const k = ++counter;
  if (c.category === "A") return "{}";
  if (c.enumFirst !== null) return c.enumFirst;
  switch (c.base) {
    case "uuid":
      return randomUUID();
    case "json":
    case "jsonb":
      return "{}";
    case "bytea":
      return "\\x00";
    case "date":
      return "2026-01-01";
    case "timestamp":
    case "timestamptz":
      return "2026-01-01T00:00:00Z";
    case "time":
    case "timetz":
      return "12:00";
    case "bool":
      return "true";
    default:
      break;
  }
  if (c.category === "S") {
    const s = `v${k}`;
    return c.length !== null ? s.padEnd(c.length, "x").slice(-c.length) : s;
  }
  if (c.category === "N") return String(k % 100 + 1);
  if (c.category === "T") return "1 hour";
  if (c.category === "I") return "127.0.0.1";
  return undefined;
}

interface SampleContext {
  readonly tenantColumn: string;
  readonly admin: Client;
  /** Sample row per tenant table oid per tenant value. */
  readonly rows: Map<number, Map<string, Row>>;
  readonly tenantTables: ReadonlySet<number>;
}

/** A row of `t` for tenant `tenant` (null: a shared row), foreign keys pointing at that tenant's rows. */
async function sampleRow(ctx: SampleContext, t: TableInfo, tenant: string | null): Promise<{ row: Row } | { error: string }> {
  const row: Row = {};
  for (const fk of t.fks) {
    if (fk.refOid === t.oid) continue;
    let ref: Row | undefined;
    if (ctx.tenantTables.has(fk.refOid)) {
      ref = tenant === null ? undefined : ctx.rows.get(fk.refOid)?.get(tenant);
    } else {
      const r = await ctx.admin.query(`SELECT ${fk.refCols.map(ident).join(", ")} FROM ${await qualifiedOf(ctx.admin, fk.refOid)} LIMIT 1`);
      ref = r.rows[0] as Row | undefined;
    }
    const needed = fk.cols.some((name) => {
      const c = t.columns.find((x) => x.name === name);
      return c !== undefined && c.notNull && !c.hasDefault && name !== ctx.tenantColumn;
    });
    if (!ref) {
      if (needed) return { error: `no row to point foreign key (${fk.cols.join(", ")}) at` };
      continue;
    }
    fk.cols.forEach((name, i) => {
      if (name !== ctx.tenantColumn) row[name] = ref[fk.refCols[i] as string];
    });
  }
  for (const c of t.columns) {
    if (c.generated !== "" || c.identity === "a" || c.name in row) continue;
    if (c.name === ctx.tenantColumn) {
      row[c.name] = tenant;
      continue;
    }
    if (c.hasDefault || c.identity === "d" || !c.notNull) continue;
    const v = sampleValue(c);
    if (v === undefined) return { error: `cannot generate a value for column ${c.name} (${c.type}); give it a default or make it nullable` };
    row[c.name] = v;
  }
  return { row };
}

async function qualifiedOf(admin: Client, oid: number): Promise<string> {
  const r = await admin.query<{ q: string }>("SELECT $1::int::regclass::text AS q", [oid]);
  return (r.rows[0] as { q: string }).q;
}

function insertSql(t: TableInfo, row: Row): { sql: string; params: unknown[] } {
  const cols = Object.keys(row);
  if (cols.length === 0) return { sql: `INSERT INTO ${t.qualified} DEFAULT VALUES RETURNING *`, params: [] };
  return {
    sql: `INSERT INTO ${t.qualified} (${cols.map(ident).join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")}) RETURNING *`,
    params: cols.map((c) => row[c]),
  };
}

/** Runs a statement in a transaction that is always rolled back. */
async function attempt(client: Client, sql: string, params: unknown[] = []): Promise<{ rowCount: number } | { error: PgError }> {
  await client.query("BEGIN");
  try {
    const r = await client.query(sql, params);
    return { rowCount: r.rowCount ?? 0 };
  } catch (e) {
    return { error: errorOf(e) };
  } finally {
    await client.query("ROLLBACK");
  }
}

const RLS_VIOLATION = "42501";

function tenantValues(c: ColumnInfo | undefined): [string, string] {
  if (c?.base === "uuid") return ["aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"];
  if (c?.category === "N") return ["1001", "1002"];
  return ["tenant-a", "tenant-b"];
}

// ------------------------------------------------------------------------------ the verification

/** Verifies one service's migrations on a fresh database of `cluster`. */
export async function verifyService(opts: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  const tenantColumn = opts.tenantColumn ?? "tenant_id";
  const setting = opts.tenantSetting ?? "app.tenant_id";
  const checks: Check[] = [];
  const pass = (what: string) => checks.push({ ok: true, what });
  const fail = (what: string) => checks.push({ ok: false, what });
  await loadParserOnce();
  const set = migrationSet(Object.entries(readMigrations(opts.dir)).map(([key, value]) => ({ key, value, source: key })));
  for (const p of set.problems) fail(`${p.key} ${p.detail}`);
  const migrations: Migration<string>[] = [...set.migrations];
  const db = `verify_${opts.service.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomUUID().slice(0, 8)}`;
  const clients: Client[] = [];
  const admin0 = await connect(opts.cluster, opts.cluster.superuser, "postgres");
  let tenantTableCount = 0;
  try {
    await admin0.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${MIGRATOR_ROLE}') THEN
        CREATE ROLE ${MIGRATOR_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; END IF;
    END $$`);
    await admin0.query(`CREATE DATABASE ${db} OWNER ${MIGRATOR_ROLE}`);
    const admin = await connect(opts.cluster, opts.cluster.superuser, db);
    clients.push(admin);
    const migrator = await connect(opts.cluster, MIGRATOR_ROLE, db);
    clients.push(migrator);

    // 1. up migrations, with a snapshot before and after each
    const snapshots: string[][] = [await snapshot(admin)];
    let applied = 0;
    for (const m of migrations) {
      if (!m.up) continue;
      const err = await applyFile(migrator, m.up);
      if (err) {
        fail(`apply ${m.up.key}: ${err}`);
        break;
      }
      applied++;
      snapshots.push(await snapshot(admin));
    }
    if (applied === migrations.filter((m) => m.up).length) pass(`applied ${applied} up migrations as ${MIGRATOR_ROLE} (NOSUPERUSER, BYPASSRLS)`);
    else return finish();

    // 2. tenant isolation, as the application role
    const tables = await introspect(admin);
    for (const schema of new Set(tables.map((t) => t.schema))) {
      await migrator.query(`GRANT USAGE ON SCHEMA ${ident(schema)} TO ${APP_ROLE}`);
      await migrator.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${ident(schema)} TO ${APP_ROLE}`);
      await migrator.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${ident(schema)} TO ${APP_ROLE}`);
    }
    const tenantTables = tables.filter((t) => t.columns.some((c) => c.name === tenantColumn));
    tenantTableCount = tenantTables.length;
    for (const t of tables.filter((x) => !tenantTables.includes(x))) {
      if ((t.comment ?? "").trim().toLowerCase().startsWith(GLOBAL_MARKER)) pass(`${t.schema}.${t.name}: no ${tenantColumn}, declared global`);
      else fail(`${t.schema}.${t.name}: has no ${tenantColumn} and is not declared global (COMMENT ON TABLE ... IS '${GLOBAL_MARKER}')`);
    }
    const session = async (tenant: string | null, reset = false): Promise<Client> => {
      const c = await connect(opts.cluster, APP_ROLE, db);
      clients.push(c);
      if (tenant !== null) await c.query("SELECT set_config($1, $2, false)", [setting, tenant]);
      if (reset) await c.query(`RESET ${setting}`);
      return c;
    };
    const [A, B] = tenantValues(tenantTables[0]?.columns.find((c) => c.name === tenantColumn));
    const appA = await session(A);
    const appB = await session(B);
    const appNone = await session(null);
    const appReset = await session(A, true);
    const ctx: SampleContext = { tenantColumn, admin, rows: new Map(), tenantTables: new Set(tenantTables.map((t) => t.oid)) };
    const ordered = topological(tenantTables);
    const usable = new Set<number>();
    for (const t of ordered) {
      const name = `${t.schema}.${t.name}`;
      if (t.rls && t.force) pass(`${name}: row-level security enabled and forced`);
      else fail(`${name}: row-level security ${t.rls ? "enabled but not forced" : "not enabled"}`);
      let ok = true;
      for (const [tenant, client, label] of [
        [A, appA, "A"],
        [B, appB, "B"],
      ] as const) {
        const sample = await sampleRow(ctx, t, tenant);
        if ("error" in sample) {
          fail(`${name}: cannot build a sample row for tenant ${label}: ${sample.error}`);
          ok = false;
          break;
        }
        const { sql, params } = insertSql(t, sample.row);
        try {
          const r = await client.query(sql, params);
          let rows = ctx.rows.get(t.oid);
          if (!rows) ctx.rows.set(t.oid, (rows = new Map()));
          rows.set(tenant, r.rows[0] as Row);
        } catch (e) {
          fail(`${name}: tenant ${label} cannot insert its own row: ${errorOf(e).message}`);
          ok = false;
          break;
        }
      }
      if (ok) usable.add(t.oid);
    }
    const col = ident(tenantColumn);
    for (const t of ordered.filter((x) => usable.has(x.oid))) {
      const name = `${t.schema}.${t.name}`;
      const read = await appA.query<{ own: number; other: number }>(
        `SELECT count(*) FILTER (WHERE ${col}::text = $1)::int AS own, count(*) FILTER (WHERE ${col}::text <> $1)::int AS other FROM ${t.qualified}`,
        [A],
      );
      const { own, other } = read.rows[0] as { own: number; other: number };
      if (other === 0 && own > 0) pass(`${name}: tenant A reads its ${own} row(s) and none of tenant B's`);
      else fail(`${name}: tenant A reads ${other} row(s) of other tenants (and ${own} of its own)`);

      const expectNone = (what: string, r: { rowCount: number } | { error: PgError }) => {
        if ("error" in r) fail(`${name}: ${what} failed with an error instead of touching no row: ${r.error.message}`);
        else if (r.rowCount === 0) pass(`${name}: ${what} touches no row`);
        else fail(`${name}: ${what} touched ${r.rowCount} row(s)`);
      };
      const expectRefused = (what: string, r: { rowCount: number } | { error: PgError }, zeroOk = false) => {
        if ("error" in r && r.error.code === RLS_VIOLATION) pass(`${name}: ${what} is refused by row-level security`);
        else if ("error" in r) fail(`${name}: ${what} was not refused by row-level security (${r.error.message})`);
        else if (zeroOk && r.rowCount === 0) pass(`${name}: ${what} touches no row`);
        else fail(`${name}: ${what} succeeded (${r.rowCount} row(s))`);
      };
      expectNone("tenant A updating tenant B's rows", await attempt(appA, `UPDATE ${t.qualified} SET ${col} = ${col} WHERE ${col}::text = $1`, [B]));
      expectNone("tenant A deleting tenant B's rows", await attempt(appA, `DELETE FROM ${t.qualified} WHERE ${col}::text = $1`, [B]));
      const forB = await sampleRow(ctx, t, B);
      if ("row" in forB) {
        const ins = insertSql(t, forB.row);
        expectRefused("tenant A inserting a row for tenant B", await attempt(appA, ins.sql, ins.params));
      }
      expectRefused("tenant A moving its row to tenant B", await attempt(appA, `UPDATE ${t.qualified} SET ${col} = $1 WHERE ${col}::text = $2`, [B, A]), true);
      const shared = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.qualified} WHERE ${col} IS NULL`);
      if ((shared.rows[0]?.n ?? 0) > 0) {
        expectNone("tenant A updating rows shared by all tenants", await attempt(appA, `UPDATE ${t.qualified} SET ${col} = ${col} WHERE ${col} IS NULL`));
        expectNone("tenant A deleting rows shared by all tenants", await attempt(appA, `DELETE FROM ${t.qualified} WHERE ${col} IS NULL`));
      }
      if (!t.columns.find((c) => c.name === tenantColumn)?.notNull) {
        const sharedRow = await sampleRow(ctx, t, null);
        if ("row" in sharedRow) {
          const ins = insertSql(t, sharedRow.row);
          expectRefused(`tenant A inserting a row with ${tenantColumn} NULL`, await attempt(appA, ins.sql, ins.params));
        }
      }
      for (const [client, label] of [
        [appNone, "a session with no tenant set"],
        [appReset, "a session whose tenant was RESET"],
      ] as const) {
        try {
          const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.qualified} WHERE ${col} IS NOT NULL`);
          const n = r.rows[0]?.n ?? 0;
          if (n === 0) pass(`${name}: ${label} sees no tenant's rows`);
          else fail(`${name}: ${label} sees ${n} tenant row(s)`);
        } catch (e) {
          fail(`${name}: ${label} gets an error instead of no rows (${errorOf(e).message}); use NULLIF(current_setting('${setting}', true), '')`);
        }
      }
      const forA = await sampleRow(ctx, t, A);
      if ("row" in forA) {
        const ins = insertSql(t, forA.row);
        expectRefused("a session with no tenant set inserting a row", await attempt(appNone, ins.sql, ins.params));
      }
    }

    // 3. down migrations, in reverse order, each back to the snapshot before its up
    const known = new Set<string>();
    for (let i = migrations.length - 1; i >= 0; i--) {
      const m = migrations[i] as Migration<string>;
      if (!m.up) continue;
      if (!m.down) {
        fail(`${m.id}: no down migration; rollback stops here`);
        break;
      }
      const err = await applyFile(migrator, m.down);
      if (err) {
        fail(`apply ${m.down.key}: ${err}`);
        break;
      }
      const index = migrations.slice(0, i).filter((x) => x.up).length;
      const d = diff(snapshots[index] as string[], await snapshot(admin), known);
      if (d === "") pass(`${m.down.key} restores the schema as it was before ${m.up.key}`);
      else fail(`${m.down.key} does not restore the schema as it was before ${m.up.key}: ${d}`);
    }
    return finish();
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
    await admin0.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await admin0.end().catch(() => undefined);
  }

  function finish(): VerifyResult {
    return {
      service: opts.service,
      ok: checks.length > 0 && checks.every((c) => c.ok),
      checks,
      migrations: migrations.length,
      tenantTables: tenantTableCount,
      ms: Date.now() - started,
    };
  }
}

/** The services of a migrations root: its sub-folders. */
export function servicesIn(root: string): string[] {
  return fs
    .readdirSync(root)
    .filter((d) => fs.statSync(path.join(root, d)).isDirectory())
    .sort();
}

export function formatResult(r: VerifyResult): string {
  const lines = [`${r.ok ? "PASS" : "FAIL"} ${r.service}: ${r.migrations} migrations, ${r.tenantTables} tenant tables, ${r.checks.filter((c) => !c.ok).length} failed of ${r.checks.length} checks (${r.ms} ms)`];
  for (const c of r.checks) lines.push(`  ${c.ok ? "ok  " : "FAIL"} ${c.what}`);
  return lines.join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("verify-rls")
    .description("Apply each service's migrations to a throwaway PostgreSQL and prove tenant isolation and reversibility.")
    .argument("[services...]", "services to verify (default: every folder of the migrations root)")
    .option("--migrations <dir>", "migrations root, one folder per service", "stacks/migrations")
    .option("--json", "print the results as JSON")
    .parse([...argv]);
  const o = program.opts<{ migrations: string; json?: boolean }>();
  const root = path.resolve(o.migrations);
  const services = program.args.length > 0 ? program.args : servicesIn(root);
  for (const s of services) {
    if (!fs.existsSync(path.join(root, s))) {
      console.error(`verify-rls: no migrations folder ${path.join(root, s)}. Fix: pass one of ${servicesIn(root).join(", ")}.`);
      return 2;
    }
  }
  const cluster = await startCluster();
  const results: VerifyResult[] = [];
  try {
    for (const s of services) {
      const r = await verifyService({ service: s, dir: path.join(root, s), cluster });
      results.push(r);
      if (!o.json) console.log(formatResult(r));
    }
  } finally {
    await cluster.stop();
  }
  if (o.json) console.log(JSON.stringify(results, null, 2));
  return results.every((r) => r.ok) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`verify-rls: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
