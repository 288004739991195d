/**
 * verify-rls on a real PostgreSQL 15 (a throwaway cluster, stopped and deleted afterwards):
 * the shipped migrations of the three services isolate tenants and roll back cleanly; a copy
 * with one table's row-level security removed fails, and so does a copy with a faulty down and a
 * tenant setting that errors when unset. Set READINESS_SKIP_PG=1 to skip on a machine without
 * PostgreSQL (CI never sets it).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startCluster, type PgCluster } from "../../cli/pg-cluster";
import { formatResult, readMigrations, verifyService, type VerifyResult } from "../../cli/verify-rls";
import { initRules } from "../../policypack/src/engine/rule";
import { migrationsTenantRls } from "../../policypack/src/gates/migrations-tenant-rls/gate";
import { kindOf, nodeAs, relName } from "../../policypack/src/sql/ast";
import { parseSql } from "../../policypack/src/sql/parser";
import { migrationsMap, repoRoot } from "../fixtures/sql/configmaps";
import { expectOne, run } from "../support/fixtures";

const SHIPPED = path.join(repoRoot(), "stacks", "migrations");

function failed(r: VerifyResult): string[] {
  return r.checks.filter((c) => !c.ok).map((c) => c.what);
}

function hasFailure(r: VerifyResult, ...facts: string[]): void {
  assert.ok(
    failed(r).some((w) => facts.every((f) => w.includes(f))),
    `expected a failed check with ${JSON.stringify(facts)}, got:\n${formatResult(r)}`,
  );
}

/** A temporary copy of a service's migrations folder. */
function copyOf(service: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `readiness-mig-${service}-`));
  for (const [name, text] of Object.entries(readMigrations(path.join(SHIPPED, service)))) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/**
 * Removes a table's row-level security from a migration file, using the parser to find the
 * statements (ENABLE/FORCE ROW LEVEL SECURITY and CREATE POLICY on that table).
 */
function withoutRls(text: string, table: string): string {
  const parsed = parseSql(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const kept = parsed.statements.filter((s) => {
    const alter = nodeAs(s.node, "AlterTableStmt");
    if (alter && relName(alter.relation, "public") === table) {
      return !(alter.cmds ?? []).some((c) => /RowSecurity$/.test(nodeAs(c, "AlterTableCmd")?.subtype ?? ""));
    }
    const policy = nodeAs(s.node, "CreatePolicyStmt");
    return !(kindOf(s.node) === "CreatePolicyStmt" && relName(policy?.table, "public") === table);
  });
  return kept.map((s) => `${s.source};\n`).join("");
}

const VERIFY_CLI = path.join(repoRoot(), "build", "cli", "verify-rls.js");

describe("verify-rls command: bad input", () => {
  it("exits 2 with one line naming the missing folder and the services it knows, before starting PostgreSQL", () => {
    const r = spawnSync(process.execPath, [VERIFY_CLI, "nosuch"], { encoding: "utf8", cwd: repoRoot() });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^verify-rls: no migrations folder .*stacks\/migrations\/nosuch\. Fix: pass one of config, maintenance, registration\.\n$/);
  });
});

describe("verify-rls on a real PostgreSQL", function () {
  this.timeout(240_000);
  let cluster: PgCluster | undefined;
  const temps: string[] = [];

  before(async function () {
    if (process.env["READINESS_SKIP_PG"] === "1") this.skip();
    await initRules([migrationsTenantRls]);
    cluster = await startCluster();
  });

  after(async () => {
    await cluster?.stop();
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  for (const service of ["config", "registration", "maintenance"]) {
    it(`${service}: the shipped migrations isolate tenants and every down restores the schema`, async () => {
      const r = await verifyService({ service, dir: path.join(SHIPPED, service), cluster: cluster as PgCluster });
      assert.equal(r.ok, true, formatResult(r));
      assert.ok(r.tenantTables >= 3, formatResult(r));
      const what = r.checks.map((c) => c.what);
      for (const fact of ["reads its 1 row(s) and none of tenant B's", "inserting a row for tenant B is refused by row-level security", "a session with no tenant set sees no tenant's rows", "a session whose tenant was RESET sees no tenant's rows"]) {
        assert.equal(what.filter((w) => w.includes(fact)).length, r.tenantTables, `${fact}\n${formatResult(r)}`);
      }
      const ups = Object.keys(readMigrations(path.join(SHIPPED, service))).filter((k) => k.endsWith(".up.sql"));
      for (const up of ups) assert.ok(what.some((w) => w.endsWith(`restores the schema as it was before ${up}`)), `${up}\n${formatResult(r)}`);
    });
  }

  it("fails when one table's row-level security is removed (and the pack flags it too)", async () => {
    const dir = copyOf("registration");
    temps.push(dir);
    const file = path.join(dir, "0003_registrations.up.sql");
    const text = withoutRls(fs.readFileSync(file, "utf8"), "registration.registrations");
    assert.ok(!text.includes("ROW LEVEL SECURITY") && !text.includes("CREATE POLICY"));
    fs.writeFileSync(file, text);

    const r = await verifyService({ service: "registration", dir, cluster: cluster as PgCluster });
    assert.equal(r.ok, false);
    hasFailure(r, "registration.registrations: row-level security not enabled");
    hasFailure(r, "registration.registrations: tenant A reads 1 row(s) of other tenants");
    hasFailure(r, "registration.registrations: tenant A updating tenant B's rows touched 1 row(s)");
    hasFailure(r, "registration.registrations: tenant A deleting tenant B's rows touched 1 row(s)");
    hasFailure(r, "registration.registrations: tenant A inserting a row for tenant B succeeded");
    hasFailure(r, "registration.registrations: a session with no tenant set sees 2 tenant row(s)");
    assert.ok(failed(r).every((w) => w.includes("registration.registrations")), formatResult(r));

    const findings = run(migrationsTenantRls, [migrationsMap("registration", readMigrations(dir))]);
    expectOne(findings, { policy: "migrations-tenant-rls" }, "0003_registrations.up.sql", "registration.registrations", "not enabled");
  });

  it("the command: --migrations root, --json, exit 1 when one service fails and the other passes", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-migroot-"));
    temps.push(root);
    fs.renameSync(copyOf("config"), path.join(root, "config"));
    const broken = copyOf("registration");
    const file = path.join(broken, "0003_registrations.up.sql");
    fs.writeFileSync(file, withoutRls(fs.readFileSync(file, "utf8"), "registration.registrations"));
    fs.renameSync(broken, path.join(root, "registration"));
    const r = spawnSync(process.execPath, [VERIFY_CLI, "--migrations", root, "--json"], { encoding: "utf8", timeout: 200_000 });
    assert.equal(r.status, 1, r.stderr);
    const results = JSON.parse(r.stdout) as VerifyResult[];
    assert.deepEqual(results.map((x) => [x.service, x.ok]), [["config", true], ["registration", false]]);
  });

  it("fails on a tenant setting that errors when unset and on a down that does not restore the schema", async () => {
    const dir = copyOf("maintenance");
    temps.push(dir);
    const orders = path.join(dir, "0002_work_orders.up.sql");
    fs.writeFileSync(orders, fs.readFileSync(orders, "utf8").replaceAll("NULLIF(current_setting('app.tenant_id', true), '')::uuid", "current_setting('app.tenant_id')::uuid"));
    fs.writeFileSync(path.join(dir, "0005_vendor_invoices_work_order_index.down.sql"), "-- forgot the index\nSELECT 1;\n");

    const r = await verifyService({ service: "maintenance", dir, cluster: cluster as PgCluster });
    assert.equal(r.ok, false);
    hasFailure(r, "maintenance.work_orders: a session with no tenant set gets an error instead of no rows", 'unrecognized configuration parameter "app.tenant_id"');
    hasFailure(r, "maintenance.work_orders: a session whose tenant was RESET gets an error instead of no rows", "invalid input syntax for type uuid");
    hasFailure(r, "0005_vendor_invoices_work_order_index.down.sql does not restore the schema", "left behind: index CREATE INDEX vendor_invoices_work_order_idx");
    assert.equal(failed(r).filter((w) => w.includes("does not restore")).length, 1, formatResult(r));
  });

  it("reports a migration that PostgreSQL rejects, with its line", async () => {
    const dir = copyOf("config");
    temps.push(dir);
    fs.writeFileSync(path.join(dir, "0004_outbox.up.sql"), "CREATE TABLE config.outbox (id bigint PRIMARY KEY);\nALTER TABLE config.nowhere ENABLE ROW LEVEL SECURITY;\n");
    const r = await verifyService({ service: "config", dir, cluster: cluster as PgCluster });
    assert.equal(r.ok, false);
    hasFailure(r, "apply 0004_outbox.up.sql", 'relation "config.nowhere" does not exist', "(line 2)");
  });
});
