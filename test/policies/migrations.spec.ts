/**
 * Migration gates over the SQL a service ships in its migrations ConfigMap. Fixture cases live in
 * test/fixtures/sql/<gate>/<case>/ (pass-* cases must be clean, the others fail as asserted);
 * the shipped migrations of the three services (stacks/migrations) must pass every gate.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { unknownCheckingProxy, type PolicyResource, type StackValidationArgs, type StackValidationPolicy } from "@pulumi/policy";
import { toPulumiPolicy } from "../../policypack/src/engine/adapter";
import { T } from "../../policypack/src/access/tokens";
import { initRules, type Rule } from "../../policypack/src/engine/rule";
import type { Finding } from "../../policypack/src/engine/run";
import { declaredExtensions } from "../../policypack/src/gates/postgres-required-extensions/gate";
import { isMoneyName, settings as moneySettings } from "../../policypack/src/gates/migrations-money-bigint/gate";
import { migrationsConcurrentIndex } from "../../policypack/src/gates/migrations-concurrent-index/gate";
import { migrationsExpandContract } from "../../policypack/src/gates/migrations-expand-contract/gate";
import { migrationsMoneyBigint } from "../../policypack/src/gates/migrations-money-bigint/gate";
import { migrationsReversible } from "../../policypack/src/gates/migrations-reversible/gate";
import { migrationsTenantRls } from "../../policypack/src/gates/migrations-tenant-rls/gate";
import { postgresRequiredExtensions } from "../../policypack/src/gates/postgres-required-extensions/gate";
import { RULES } from "../../policypack/src/gates";
import { expectClean, expectOne, res, run, TODAY, UNKNOWN } from "../support/fixtures";
import { fixture, migrationsMap, shipped } from "../fixtures/sql/configmaps";

const ALL: readonly Rule[] = [
  postgresRequiredExtensions,
  migrationsTenantRls,
  migrationsConcurrentIndex,
  migrationsExpandContract,
  migrationsMoneyBigint,
  migrationsReversible,
] as readonly Rule[];

const EXT_ANNOTATION = "readiness.dev/required-extensions";
const ANNOTATIONS: Record<string, Record<string, string> | undefined> = { registration: { [EXT_ANNOTATION]: "pg_trgm" } };

function rule(gate: string): Rule {
  return ALL.find((r) => r.gate === gate) as Rule;
}

/** Runs one gate over a fixture case shipped as service 'svc'. */
function check(gate: string, name: string, config: Record<string, unknown> = {}, annotations?: Record<string, string>): Finding[] {
  return run(rule(gate), [migrationsMap("svc", fixture(gate, name), { annotations })], config);
}

/** Asserts exactly `expected.length` violations of `policy`, each matched by exactly one fact list. */
function expectEach(findings: readonly Finding[], policy: string, expected: readonly (readonly string[])[]): void {
  const mine = findings.filter((f) => f.policy === policy && f.kind === "violation");
  assert.equal(mine.length, expected.length, `expected ${expected.length} violations of ${policy}, got:\n${findings.map((f) => `  ${f.message}`).join("\n")}`);
  for (const facts of expected) {
    const hits = mine.filter((f) => facts.every((x) => f.message.includes(x)));
    assert.equal(hits.length, 1, `expected one ${policy} violation with ${JSON.stringify(facts)}, got:\n${mine.map((f) => `  ${f.message}`).join("\n")}`);
  }
}

before(async () => {
  await initRules(ALL);
});

describe("migration gates: wiring", () => {
  it("are registered in RULES in catalog order, with the parser as their init", () => {
    const names = RULES.map((r) => r.gate as string);
    const at = names.indexOf("postgres-required-extensions");
    assert.ok(at >= 0);
    assert.deepEqual(names.slice(at, at + 6), ALL.map((r) => r.gate));
    for (const r of ALL) assert.equal(typeof r.init, "function");
  });
});

describe("migration gates: the shipped migrations", () => {
  for (const service of ["config", "registration", "maintenance"]) {
    it(`${service}: every migration gate passes`, () => {
      const findings = run(ALL, [migrationsMap(service, shipped(service), { annotations: ANNOTATIONS[service] })]);
      expectClean(findings);
    });
  }

  it("registration: removing one table's FORCE ROW LEVEL SECURITY fails migrations-tenant-rls", () => {
    const data = shipped("registration");
    data["0003_registrations.up.sql"] = (data["0003_registrations.up.sql"] as string).replace(
      "ALTER TABLE registration.registrations FORCE ROW LEVEL SECURITY;",
      "",
    );
    const findings = run(ALL, [migrationsMap("registration", data, { annotations: ANNOTATIONS["registration"] })]);
    expectOne(findings, { policy: "migrations-tenant-rls", name: "registration-migrations" }, "0003_registrations.up.sql", "registration.registrations", "not forced", "FORCE ROW LEVEL SECURITY");
    assert.equal(findings.length, 1);
  });
});

describe("migrations-tenant-rls", () => {
  const G = "migrations-tenant-rls";
  for (const name of ["pass-secured-later", "pass-dropped-later", "pass-using-only", "pass-shared-rows", "pass-restrictive", "pass-renamed"]) {
    it(`${name} passes`, () => expectClean(check(G, name)));
  }

  it("pass-tenant-function passes with the function configured, and fails without", () => {
    expectClean(check(G, "pass-tenant-function", { [G]: { tenantFunctions: ["app.current_tenant_id"] } }));
    expectOne(check(G, "pass-tenant-function"), { policy: G }, "shop.items", "policy 'items_tenant'", "app.current_tenant_id()");
  });

  it("USING (true) is a violation", () => {
    expectOne(
      check(G, "fail-using-true"),
      { policy: G, name: "svc-migrations" },
      "service 'svc' migration 0001_notes.up.sql line 1",
      "table public.notes",
      "policy 'notes_open' (0001_notes.up.sql line 4) lets a session reach rows of other tenants for SELECT, UPDATE, DELETE",
      "USING (true)",
      "Fix: add a migration with DROP POLICY notes_open ON public.notes; CREATE POLICY tenant_isolation ON public.notes",
    );
  });

  it("a policy on another column is a violation", () => {
    expectOne(check(G, "fail-other-column"), { policy: G }, "table public.notes", "policy 'notes_owner'", "does not compare tenant_id to current_setting('app.tenant_id')");
  });

  it("RLS enabled but not forced is a violation", () => {
    expectOne(check(G, "fail-not-forced"), { policy: G }, "table public.notes", "not forced", "ENABLE in 0001_notes.up.sql line 2; FORCE missing", "ALTER TABLE public.notes FORCE ROW LEVEL SECURITY;");
  });

  it("RLS on only some tables is a violation for the others", () => {
    const f = expectOne(check(G, "fail-some-tables"), { policy: G }, "line 2", "table public.attachments", "not enabled", "not forced", "has no policy");
    assert.ok(!f.message.includes("public.notes "));
  });

  it("ALTER TABLE ADD COLUMN tenant_id makes a (global) table a tenant table", () => {
    expectOne(check(G, "fail-added-tenant-column"), { policy: G }, "table public.notes has a tenant_id column", "not enabled");
  });

  it("a table without tenant_id must be declared global", () => {
    expectOne(check(G, "fail-not-global"), { policy: G }, "table public.notes has no tenant_id column and is not declared global", "columns: id, body", "COMMENT ON TABLE public.notes IS 'readiness:global'");
  });

  it("tenant_id IS NULL rows are acceptable for SELECT only", () => {
    expectOne(check(G, "fail-shared-update"), { policy: G }, "policy 'roles_all'", "for UPDATE, DELETE", "for INSERT, UPDATE", "acceptable only for SELECT");
    expectOne(check(G, "pass-shared-rows", { [G]: { allowSharedRows: false } }), { policy: G }, "policy 'roles_read'", "reach rows of other tenants for SELECT");
  });

  it("an open WITH CHECK is a violation", () => {
    expectOne(check(G, "fail-with-check-open"), { policy: G }, "policy 'notes_tenant'", "write rows for other tenants for INSERT, UPDATE", "its WITH CHECK");
  });

  it("RLS disabled and the policy dropped by a later migration is a violation", () => {
    expectOne(check(G, "fail-disabled-later"), { policy: G }, "public.notes", "ENABLE missing; FORCE missing; policies: none");
  });

  it("a file that does not parse quotes the parser's error and line", () => {
    expectOne(check(G, "fail-parse-error"), { policy: G }, "migration 0001_notes.up.sql line 3", 'syntax error at or near "SECURTY" (line 3, column 35)', '"ALTER TABLE notes FORCE ROW LEVEL SECURTY;"');
  });

  it("a configured tenant column and setting", () => {
    const data = {
      "0001_a.up.sql":
        "CREATE TABLE a (id int, org_id text); ALTER TABLE a ENABLE ROW LEVEL SECURITY; ALTER TABLE a FORCE ROW LEVEL SECURITY; CREATE POLICY p ON a USING (org_id = current_setting('auth.org'));",
    };
    expectClean(run(migrationsTenantRls, [migrationsMap("svc", data)], { [G]: { tenantColumn: "org_id", tenantSetting: "auth.org" } }));
    expectOne(run(migrationsTenantRls, [migrationsMap("svc", data)]), { policy: G }, "table public.a has no tenant_id column");
  });

  it("tables created from queries, LIKE, INHERITS and PARTITION OF get their columns", () => {
    const data = {
      "0001_a.up.sql": [
        "CREATE TABLE base (id int, tenant_id uuid);",
        "ALTER TABLE base ENABLE ROW LEVEL SECURITY; ALTER TABLE base FORCE ROW LEVEL SECURITY;",
        "CREATE POLICY p ON base USING (tenant_id = current_setting('app.tenant_id')::uuid);",
        "CREATE TABLE copy_named (a, tenant_id) AS SELECT 1, 2;",
        "CREATE TABLE copy_star AS SELECT * FROM base;",
        "CREATE TABLE copy_cols AS SELECT id, tenant_id AS tid FROM base;",
        "CREATE TABLE copy_unknown AS SELECT * FROM elsewhere;",
        "CREATE TABLE liked (LIKE base);",
        "CREATE TABLE liked_unknown (LIKE elsewhere);",
        "CREATE TABLE child () INHERITS (base);",
        "CREATE TABLE orphan () INHERITS (elsewhere);",
        "CREATE TABLE part PARTITION OF base FOR VALUES IN (1);",
        "CREATE MATERIALIZED VIEW mv AS SELECT * FROM base;",
        "CREATE TABLE IF NOT EXISTS base (other int);",
        "CREATE TABLE IF NOT EXISTS copy_cols AS SELECT 1 AS other;",
      ].join("\n"),
    };
    const findings = run(migrationsTenantRls, [migrationsMap("svc", data)]);
    expectEach(findings, G, [
      ["table public.copy_named has a tenant_id column", "not enabled"],
      ["table public.copy_star has a tenant_id column"],
      ["table public.copy_cols has no tenant_id column", "columns: id, tid"],
      ["table public.copy_unknown is created from a query whose columns cannot be read", "columns: unknown"],
      ["table public.liked has a tenant_id column"],
      ["table public.liked_unknown is created from a query"],
      ["table public.child has a tenant_id column"],
      ["table public.orphan is created from a query"],
      ["table public.part has a tenant_id column"],
    ]);
  });

  it("schemas: search_path, RESET, DROP SCHEMA ... CASCADE, COMMENT ... IS NULL", () => {
    const data = {
      "0001_a.up.sql": [
        "SET search_path TO app, public;",
        "CREATE TABLE one (id int);",
        "COMMENT ON TABLE one IS 'readiness:global';",
        "SET LOCAL search_path = 'other';",
        "CREATE TABLE two (id int);",
        "RESET search_path;",
        "CREATE TABLE three (id int);",
        "COMMENT ON TABLE three IS 'readiness:global';",
        "COMMENT ON TABLE three IS NULL;",
        "SET statement_timeout = 0;",
        "DROP SCHEMA other CASCADE;",
        "DROP SCHEMA IF EXISTS nothing;",
      ].join("\n"),
    };
    const findings = run(migrationsTenantRls, [migrationsMap("svc", data)]);
    expectEach(findings, G, [["table public.three has no tenant_id column"]]);
  });

  it("policies of tables the migrations do not create are ignored, and odd statements do not crash", () => {
    const data = {
      "0001_a.up.sql": [
        "CREATE POLICY p ON elsewhere USING (true);",
        "ALTER POLICY p ON elsewhere USING (true);",
        "ALTER POLICY missing ON elsewhere RENAME TO other;",
        "DROP POLICY IF EXISTS p ON elsewhere;",
        "ALTER TABLE elsewhere ENABLE ROW LEVEL SECURITY, ADD COLUMN tenant_id uuid;",
        "ALTER TABLE elsewhere RENAME COLUMN a TO b;",
        "ALTER INDEX some_idx RENAME TO other_idx;",
        "ALTER INDEX some_idx SET (fillfactor = 70);",
        "ALTER TABLE elsewhere SET SCHEMA x;",
        "ALTER VIEW v SET SCHEMA x;",
        "DO $$ BEGIN PERFORM 1; END $$;",
        "CREATE DOMAIN d AS int; DROP DOMAIN d; CREATE TYPE e AS ENUM ('x'); DROP TYPE e;",
        "DROP VIEW IF EXISTS v;",
        "COMMENT ON COLUMN elsewhere.c IS 'just a column';",
        "COMMENT ON VIEW v IS 'readiness:global';",
      ].join("\n"),
    };
    expectClean(run(migrationsTenantRls, [migrationsMap("svc", data)]));
  });
});

describe("migrations-concurrent-index", () => {
  const G = "migrations-concurrent-index";
  it("pass-new-table: CREATE/DROP INDEX on a table created in the same migration needs no CONCURRENTLY", () => expectClean(check(G, "pass-new-table")));
  it("pass-concurrent passes", () => expectClean(check(G, "pass-concurrent")));

  it("CREATE INDEX on an existing table without CONCURRENTLY is a violation", () => {
    expectOne(
      check(G, "fail-create-existing"),
      { policy: G },
      "migration 0002_orders_placed_idx.up.sql line 1",
      "CREATE INDEX shop.orders_placed_idx on existing table shop.orders without CONCURRENTLY",
      '"CREATE INDEX orders_placed_idx ON shop.orders (tenant_id, placed_at)"',
      "CREATE INDEX CONCURRENTLY orders_placed_idx ON shop.orders",
    );
  });

  it("DROP INDEX on an existing table without CONCURRENTLY is a violation", () => {
    expectOne(check(G, "fail-drop-existing"), { policy: G }, "0002_drop_orders_placed_idx.up.sql line 1", "DROP INDEX public.orders_placed_idx (on public.orders) without CONCURRENTLY", "DROP INDEX CONCURRENTLY IF EXISTS public.orders_placed_idx");
  });

  it("CONCURRENTLY inside BEGIN ... COMMIT is a violation", () => {
    expectOne(check(G, "fail-in-transaction"), { policy: G }, "0002_orders_placed_idx.up.sql line 2", "CREATE INDEX CONCURRENTLY runs inside BEGIN ... COMMIT");
  });

  it("an index on a table the migrations do not create counts as existing", () => {
    expectOne(check(G, "fail-unknown-table"), { policy: G }, "0001_index.up.sql line 2", "CREATE INDEX (unnamed) on existing table legacy.orders", "CREATE INDEX CONCURRENTLY ON legacy.orders");
  });

  it("DROP INDEX of an unknown index, and of one created earlier by a dropped table, inside transactions", () => {
    const data = {
      "0001_a.up.sql": "CREATE TABLE t (id int); CREATE INDEX t_idx ON t (id);",
      "0002_b.up.sql": "START TRANSACTION; DROP INDEX CONCURRENTLY legacy_idx; ROLLBACK; DROP INDEX legacy.other_idx; DROP TABLE t; DROP INDEX IF EXISTS t_idx;",
    };
    expectEach(run(migrationsConcurrentIndex, [migrationsMap("svc", data)]), G, [
      ["DROP INDEX CONCURRENTLY runs inside BEGIN ... COMMIT"],
      ["DROP INDEX legacy.other_idx without CONCURRENTLY"],
      ["DROP INDEX public.t_idx without CONCURRENTLY"],
    ]);
  });

  it("an index created, renamed with its table and dropped in a later migration", () => {
    const data = {
      "0001_a.up.sql": "CREATE TABLE t (id int); CREATE INDEX t_idx ON t (id); ALTER TABLE t RENAME TO u; ALTER TABLE u SET SCHEMA s;",
      "0002_b.up.sql": "DROP INDEX public.t_idx;",
    };
    expectOne(run(migrationsConcurrentIndex, [migrationsMap("svc", data)]), { policy: G }, "DROP INDEX public.t_idx (on s.u) without CONCURRENTLY");
  });

  it("a file that does not parse is a violation", () => {
    expectOne(run(migrationsConcurrentIndex, [migrationsMap("svc", { "0001_a.up.sql": "CREATE INDEX ON;" })]), { policy: G }, "does not parse as PostgreSQL");
  });
});

describe("migrations-expand-contract", () => {
  const G = "migrations-expand-contract";
  it("pass-same-migration: changes to objects created by the same migration pass", () => expectClean(check(G, "pass-same-migration")));

  it("a rename outside a contract step fails; the same step declared a contract passes", () => {
    expectOne(
      check(G, "rename"),
      { policy: G },
      "service 'svc' migration 0003_rename_surname.up.sql line 1",
      "RENAME COLUMN on public.patients.surname outside a migration declared a contract step",
      '"ALTER TABLE patients RENAME COLUMN surname TO last_name"',
      "-- readiness: contract",
    );
  });

  it("drop/rename table, drop column, type change and SET NOT NULL on existing objects are violations", () => {
    expectEach(check(G, "fail-all"), G, [
      ["0002_reshape.up.sql line 2", "DROP COLUMN on public.orders.note"],
      ["0002_reshape.up.sql line 3", "ALTER COLUMN TYPE on public.orders.total_micros", "exclusive lock"],
      ["0002_reshape.up.sql line 4", "SET NOT NULL on public.orders.ref", "NOT VALID"],
      ["0002_reshape.up.sql line 5", "RENAME TABLE on public.order_lines"],
      ["0002_reshape.up.sql line 6", "DROP TABLE on public.order_notes"],
    ]);
  });

  it("a contract declared in a block comment, and directives that are not 'contract'", () => {
    const data = {
      "0001_a.up.sql": "CREATE TABLE t (id int, a int, b int);",
      "0002_b.up.sql": "/*\n * readiness: contract (drops a)\n */\nALTER TABLE t DROP COLUMN a;",
      "0003_c.up.sql": "-- readiness: expand\n-- readiness:\n-- readiness: contracts\nSELECT 1;\n-- readiness: contract\nALTER TABLE t DROP COLUMN b;",
    };
    expectOne(run(migrationsExpandContract, [migrationsMap("svc", data)]), { policy: G }, "0003_c.up.sql line 6", "DROP COLUMN on public.t.b");
  });
});

describe("migrations-money-bigint", () => {
  const G = "migrations-money-bigint";
  it("pass-micros: bigint micro-units, quantities, ratios and declared non-money columns pass", () => expectClean(check(G, "pass-micros")));

  it("numeric, decimal, money, floating point and integer money columns are violations", () => {
    expectEach(check(G, "fail-types"), G, [
      ["0001_invoices.up.sql line 4", "money column billing.invoices.amount is numeric", "(found amount numeric(12,2))", "amount_micros bigint NOT NULL"],
      ["line 5", "billing.invoices.unit_price is double precision", "floating point"],
      ["line 6", "billing.invoices.tax is real"],
      ["line 7", "billing.invoices.fee is money", "lc_monetary"],
      ["line 8", "billing.invoices.balance is numeric", "(found balance numeric)"],
      ["line 9", "billing.invoices.total_cents is integer", "overflows", "total_micros bigint"],
      ["line 10", "billing.invoices.refund is numeric (through domain public.amount_t)", "(found refund amount_t)"],
      ["line 11", "billing.invoices.charges is double precision[]"],
      ["0002_cost.up.sql line 1", "billing.invoices.shipping_cost is double precision"],
      ["0002_cost.up.sql line 2", "billing.invoices.amount is numeric", "(found amount numeric(14,2))"],
    ]);
  });

  it("money words are configurable", () => {
    const data = { "0001_a.up.sql": "CREATE TABLE t (id int, wage numeric, amount numeric);" };
    expectOne(run(migrationsMoneyBigint, [migrationsMap("svc", data)], { [G]: { moneyWords: ["wage"], notMoneyWords: [] } }), { policy: G }, "public.t.wage");
  });

  it("isMoneyName splits on non-letters", () => {
    const s = moneySettings.parse({});
    assert.equal(isMoneyName("Total-Price", s), true);
    assert.equal(isMoneyName("price_id", s), false);
    assert.equal(isMoneyName("feedback", s), false);
  });

  it("a file that does not parse is a violation", () => {
    expectOne(run(migrationsMoneyBigint, [migrationsMap("svc", { "0001_a.up.sql": "CREATE TABLE (" })]), { policy: G }, "does not parse as PostgreSQL");
  });
});

describe("migrations-reversible", () => {
  const G = "migrations-reversible";
  it("pass: every up has a down (non-SQL keys ignored)", () => expectClean(check(G, "pass")));

  it("an up without a down is a violation", () => {
    expectOne(check(G, "fail-missing-down"), { policy: G }, "migration 0001_orders.up.sql", "has no down migration", "no 0001_orders.down.sql", "add 0001_orders.down.sql");
  });
  it("an empty down is a violation", () => {
    expectOne(check(G, "fail-empty-down"), { policy: G }, "0001_orders.down.sql", "is empty, so it does not undo 0001_orders.up.sql");
  });
  it("a down that does not parse is a violation quoting the parser", () => {
    expectOne(check(G, "fail-down-parse-error"), { policy: G }, "0001_orders.down.sql line 3", 'syntax error at or near "DROP" (line 3, column 1)', '"DROP TABLE order_lines;"');
  });
  it("a down without an up is a violation", () => {
    expectOne(check(G, "fail-orphan-down"), { policy: G }, "0001_orders.down.sql", "has no up migration");
  });
  it("a file not named NNNN_name.up.sql is a violation", () => {
    expectOne(check(G, "fail-bad-name"), { policy: G }, "V1__orders.sql", "is not named NNNN_name.up.sql or NNNN_name.down.sql");
  });
  it("two migrations with one version are a violation", () => {
    expectOne(check(G, "fail-duplicate-version"), { policy: G }, "0002_orders.up.sql", "has the same version 2 as 0002_lines");
  });

  it("a key shipped by two ConfigMaps of a service, and a value that is not text", () => {
    const a = migrationsMap("svc", { "0001_a.up.sql": "SELECT 1;", "0001_a.down.sql": "SELECT 1;" }, { name: "svc-migrations-a" });
    const b = migrationsMap("svc", { "0001_a.up.sql": "SELECT 1;", "0002_b.up.sql": 42 }, { name: "svc-migrations-b" });
    expectEach(run(migrationsReversible, [a, b]), G, [
      ["migration 0001_a.up.sql: is shipped twice", "ship each migration file in one ConfigMap"],
      ["migration 0002_b.up.sql: is not a text value"],
    ]);
  });
});

describe("postgres-required-extensions", () => {
  const G = "postgres-required-extensions";
  const ANN = { [EXT_ANNOTATION]: "pg_trgm, citext" };
  it("pass: declared extensions created before use", () => expectClean(check(G, "pass", {}, ANN)));

  it("a declared extension no migration creates is a violation", () => {
    expectOne(
      check(G, "fail-missing", {}, { [EXT_ANNOTATION]: "pg_trgm" }),
      { policy: G },
      "service 'svc' migrations: need the PostgreSQL extension pg_trgm (declared by annotation readiness.dev/required-extensions on ConfigMap 'svc-migrations')",
      "extensions created: none",
      "CREATE EXTENSION IF NOT EXISTS pg_trgm; to 0001_people.up.sql",
    );
  });

  it("an extension required by config for the service is needed without annotation", () => {
    expectOne(check(G, "fail-missing", { [G]: { required: { svc: ["pg_trgm"] } } }), { policy: G }, "pg_trgm (required by the pack config)");
    const data = fixture(G, "fail-missing");
    expectOne(run(postgresRequiredExtensions, [migrationsMap("registration", data)]), { policy: G }, "service 'registration' migrations: need the PostgreSQL extension pg_trgm");
  });

  it("an extension created after its first use is a violation", () => {
    expectOne(check(G, "fail-late"), { policy: G }, "migration 0002_pg_trgm.up.sql line 1", "creates extension pg_trgm only after its first use (operator class gin_trgm_ops in 0001_people.up.sql line 2)");
  });

  it("an extension dropped by a later migration is missing", () => {
    expectOne(check(G, "fail-dropped", {}, { [EXT_ANNOTATION]: "pg_trgm" }), { policy: G }, "need the PostgreSQL extension pg_trgm");
  });

  it("an extension used by an operator class is needed even when undeclared; files that do not parse are named", () => {
    const data = { "0001_a.up.sql": "CREATE TABLE p (n text); CREATE INDEX ON p USING gin (n gin_trgm_ops);", "0002_b.up.sql": "CREATE EXTENSION pg_trgm" + " (" };
    expectOne(run(postgresRequiredExtensions, [migrationsMap("svc", data)]), { policy: G }, "pg_trgm (used by operator class gin_trgm_ops in 0001_a.up.sql line 1)", "0002_b.up.sql did not parse");
  });

  it("a service that needs an extension but ships no migrations ConfigMap is a violation", () => {
    const deployment = res(T.deployment, "registration", { metadata: { labels: { "app.kubernetes.io/part-of": "registration" } } });
    expectOne(run(postgresRequiredExtensions, [deployment]), { policy: G, name: "registration" }, "service 'registration'", "ships no migrations ConfigMap");
    expectClean(run(postgresRequiredExtensions, [deployment], { [G]: { required: { registration: [] } } }));
    expectClean(run(postgresRequiredExtensions, []));
  });

  it("an annotation unknown at preview leaves the gate undecided", () => {
    expectOne(check(G, "pass", {}, { [EXT_ANNOTATION]: UNKNOWN }), { policy: G, kind: "undecided" }, "annotation readiness.dev/required-extensions");
  });

  it("declaredExtensions splits on commas and spaces", () => {
    assert.deepEqual(declaredExtensions(" pg_trgm,citext  PostGIS ,"), ["pg_trgm", "citext", "postgis"]);
  });
});

describe("migration gates: preview and odd input", () => {
  it("ConfigMap data unknown at preview: every gate is undecided, none passes or blocks", () => {
    const findings = run(ALL, [migrationsMap("registration", UNKNOWN, { annotations: ANNOTATIONS["registration"] })]);
    for (const r of ALL) expectOne(findings, { policy: r.gate, kind: "undecided" }, "data of ConfigMap 'registration-migrations'");
    assert.equal(findings.filter((f) => f.kind === "violation").length, 0);
  });

  it("one up file unknown at preview: the replayed gates are undecided; a down unknown: reversible is", () => {
    const data = { "0001_a.up.sql": UNKNOWN, "0001_a.down.sql": "SELECT 1;", "0002_b.up.sql": "SELECT 1;", "0002_b.down.sql": UNKNOWN };
    const findings = run(ALL, [migrationsMap("svc", data)]);
    for (const g of ["migrations-tenant-rls", "migrations-concurrent-index", "migrations-expand-contract", "migrations-money-bigint", "postgres-required-extensions"]) {
      expectOne(findings, { policy: g, kind: "undecided" }, "the SQL of 0001_a.up.sql");
    }
    expectOne(findings, { policy: "migrations-reversible", kind: "undecided" }, "the SQL of 0002_b.down.sql");
    assert.equal(findings.length, 6);
  });

  it("ConfigMaps that are not migrations, null or odd data, and unlabelled migrations", () => {
    const other = res(T.configMap, "settings", { metadata: { labels: { "app.kubernetes.io/part-of": "svc" } }, data: { "0001_a.up.sql": "DROP TABLE t;" } });
    const empty = migrationsMap("svc", null);
    const odd = migrationsMap("odd", ["not", "a", "map"]);
    expectClean(run(ALL, [other, empty, odd]));
    const unlabelled = migrationsMap("x", { "0001_a.up.sql": "CREATE TABLE t (id int);" }, { name: "loose", labels: { "app.kubernetes.io/component": "migrations" } });
    const findings = run(ALL, [unlabelled]);
    expectOne(findings, { policy: "migrations-tenant-rls" }, "ConfigMap 'loose' migration 0001_a.up.sql line 1");
    expectOne(findings, { policy: "migrations-reversible" }, "ConfigMap 'loose' migration 0001_a.up.sql: has no down migration");
  });

  it("a migrations ConfigMap inherits its service from its parent component", () => {
    const parent = res("readiness:stack:Service", "registration", { labels: { "app.kubernetes.io/part-of": "registration" } });
    const child = { ...migrationsMap("ignored", shipped("registration"), { labels: { "app.kubernetes.io/component": "migrations" } }), parent: parent.urn };
    expectClean(run(ALL, [parent, child]));
    const bare = { ...child, props: { ...child.props, metadata: { name: "m", labels: { "app.kubernetes.io/component": "migrations" } } } };
    expectOne(run(postgresRequiredExtensions, [parent, { ...bare, props: { ...bare.props, data: { "0001_a.up.sql": "SELECT 1;" } } }]), { policy: "postgres-required-extensions" }, "service 'registration' migrations: need the PostgreSQL extension pg_trgm");
  });
});

describe("migration gates: messages", () => {
  it("long statements are shortened, parse errors at the end of a file quote nothing, _micros columns keep their name", () => {
    const long = `CREATE TABLE t (id int, ${Array.from({ length: 30 }, (_, i) => `c${i} int`).join(", ")}, amount_micros numeric);`;
    const findings = run(ALL, [migrationsMap("svc", { "0001_a.up.sql": long, "0001_a.down.sql": "DROP TABLE t;\nCREATE TABLE u (\n" })]);
    const money = expectOne(findings, { policy: "migrations-money-bigint" }, "public.t.amount_micros is numeric", "amount_micros bigint NOT NULL");
    assert.ok(!money.message.includes("amount_micros_micros"));
    expectOne(findings, { policy: "migrations-tenant-rls" }, "columns: id, c0, c1, c2, c3, c4, c5, c6, c7, c8, ... (22 more)");
    const down = expectOne(findings, { policy: "migrations-reversible" }, "syntax error at end of input (line 3, column 1)");
    assert.ok(!down.message.includes("(found"));
    const longIndex = { "0001_a.up.sql": `CREATE INDEX i ON t (${Array.from({ length: 40 }, (_, i) => `c${i}`).join(", ")});` };
    const idx = expectOne(run(migrationsConcurrentIndex, [migrationsMap("svc", longIndex)]), { policy: "migrations-concurrent-index" }, "...");
    assert.ok(idx.message.length < 700);
  });

  it("several required extensions, and a service whose migrations have no up file", () => {
    const deployment = res(T.deployment, "search", { metadata: { labels: { "app.kubernetes.io/part-of": "search" } } });
    const cfg = { "postgres-required-extensions": { required: { search: ["pg_trgm", "unaccent"] } } };
    expectOne(run(postgresRequiredExtensions, [deployment], cfg), { policy: "postgres-required-extensions" }, "needs the PostgreSQL extensions pg_trgm, unaccent");
    const onlyDown = migrationsMap("search", { "0001_a.down.sql": "SELECT 1;" });
    const findings = run(postgresRequiredExtensions, [onlyDown], { "postgres-required-extensions": { required: { search: ["pg_trgm"] } } });
    expectOne(findings, { policy: "postgres-required-extensions" }, "extension pg_trgm", "to the first migration");
  });
});

describe("migration gates: in the pack", () => {
  it("loading the pack's rules does not load the parser (its WebAssembly loads in the rules' init)", () => {
    const index = path.join(__dirname, "..", "..", "policypack", "src", "gates", "index.js");
    const probe = `require(${JSON.stringify(index)}); console.log(Object.keys(require.cache).filter((k) => k.includes("libpg-query")).length)`;
    const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "0");
  });

  it("runs through the policy SDK adapter as a stack policy (init awaited, violations on the ConfigMap's URN)", async () => {
    const data = shipped("registration");
    data["0002_patients.up.sql"] = (data["0002_patients.up.sql"] as string).replace("ALTER TABLE registration.patients FORCE ROW LEVEL SECURITY;", "");
    const cm = migrationsMap("registration", data, { annotations: ANNOTATIONS["registration"] });
    const resource: PolicyResource = {
      type: cm.type,
      urn: cm.urn,
      name: cm.name,
      props: unknownCheckingProxy(structuredClone(cm.props)),
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    const args: StackValidationArgs = {
      resources: [resource],
      getConfig: <C extends object>() => ({}) as C,
      stackTags: new Map(),
      notApplicable: () => {
        throw new Error("n/a");
      },
    };
    const got: { message: string; urn?: string }[] = [];
    const policy = toPulumiPolicy(migrationsTenantRls, { today: () => TODAY, facts: {} }) as StackValidationPolicy;
    await policy.validateStack(args, (message: string, urn?: string) => got.push({ message, urn }));
    assert.equal(got.length, 1);
    assert.equal(got[0]?.urn, cm.urn);
    assert.match(got[0]?.message ?? "", /0002_patients\.up\.sql line 1: table registration\.patients has a tenant_id column but row-level security is not forced/);
  });
});
