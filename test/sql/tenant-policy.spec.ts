/** Which policy expressions tie rows to the session's tenant, and how policies combine per command. */
import * as assert from "node:assert/strict";
import type { Node } from "libpg-query";
import { nodeAs } from "../../policypack/src/sql/ast";
import { loadParserOnce, parseSql } from "../../policypack/src/sql/parser";
import { replay, type TableState } from "../../policypack/src/sql/replay";
import { isTenantValue, policyFaults, scopeOf, type TenantSettings } from "../../policypack/src/sql/tenant-policy";

const S: TenantSettings = { tenantColumn: "tenant_id", tenantSetting: "app.tenant_id", tenantFunctions: ["app.current_tenant", "tenant_of_session"], allowSharedRows: true };

before(async () => {
  await loadParserOnce();
});

/** The USING expression of `CREATE POLICY p ON t USING (<sql>)`. */
function expr(sql: string): Node | undefined {
  const p = parseSql(`CREATE POLICY p ON t USING (${sql})`);
  assert.ok(p.ok, `does not parse: ${sql}`);
  return nodeAs(p.statements[0]?.node, "CreatePolicyStmt")?.qual;
}

function table(sql: string): TableState {
  const r = replay([{ id: "0001_t", version: 1n, up: { key: "0001_t.up.sql", direction: "up", text: `CREATE TABLE t (id int, tenant_id uuid);\n${sql}`, source: undefined } }]);
  return r.tables.get("public.t") as TableState;
}

describe("sql/tenant-policy: scopeOf", () => {
  const cases: [string, string][] = [
    ["tenant_id = current_setting('app.tenant_id')", "tenant"],
    ["tenant_id = current_setting('APP.TENANT_ID', true)::uuid", "tenant"],
    ["t.tenant_id::text = pg_catalog.current_setting('app.tenant_id')", "tenant"],
    ["current_setting('app.tenant_id')::uuid = tenant_id", "tenant"],
    ["tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid", "tenant"],
    ["tenant_id = (SELECT current_setting('app.tenant_id')::uuid)", "tenant"],
    ["tenant_id = CAST(current_setting('app.tenant_id'::text) AS uuid)", "tenant"],
    ["tenant_id = app.current_tenant()", "tenant"],
    ["tenant_id = other.app.current_tenant()", "tenant"],
    ["tenant_id = tenant_of_session()", "tenant"],
    ["tenant_id = current_tenant()", "none"],
    ["tenant_id = app.current_tenant(1)", "none"],
    ["tenant_id = x.current_setting('app.tenant_id')", "none"],
    ["tenant_id = current_setting('app.tenant_id', true, 1)", "none"],
    ["tenant_id = current_setting('app.other')", "none"],
    ["tenant_id = current_setting(name)", "none"],
    ["tenant_id = (SELECT current_setting('app.tenant_id') FROM t)", "none"],
    ["tenant_id = (SELECT current_setting('app.tenant_id'), 1)", "none"],
    ["tenant_id IN (SELECT current_setting('app.tenant_id'))", "none"],
    ["tenant_id = ANY (ARRAY[current_setting('app.tenant_id')])", "none"],
    ["tenant_id <> current_setting('app.tenant_id')", "none"],
    ["tenant_id = 'a'", "none"],
    ["owner_id = current_setting('app.tenant_id')", "none"],
    ["true", "none"],
    ["tenant_id IS NULL", "shared"],
    ["tenant_id IS NOT NULL", "none"],
    ["tenant_id = current_setting('app.tenant_id') AND true", "tenant"],
    ["true AND tenant_id IS NULL", "shared"],
    ["tenant_id = current_setting('app.tenant_id') OR tenant_id IS NULL", "shared"],
    ["tenant_id = current_setting('app.tenant_id') OR true", "none"],
    ["tenant_id = current_setting('app.tenant_id') OR tenant_id = app.current_tenant()", "tenant"],
    ["NOT (tenant_id = current_setting('app.tenant_id'))", "none"],
  ];
  for (const [sql, scope] of cases) {
    it(`${sql} → ${scope}`, () => assert.equal(scopeOf(expr(sql), S), scope));
  }

  it("no expression, and pathologically deep expressions, are 'none'", () => {
    assert.equal(scopeOf(undefined, S), "none");
    const deep = `${"(true AND ".repeat(40)}tenant_id = current_setting('app.tenant_id')${")".repeat(40)}`;
    assert.equal(scopeOf(expr(deep), S), "none");
    const nested = `tenant_id = ${"NULLIF(".repeat(20)}current_setting('app.tenant_id')${", '')".repeat(20)}`;
    assert.equal(scopeOf(expr(nested), S), "none");
    assert.equal(isTenantValue(undefined, S), false);
  });
});

describe("sql/tenant-policy: policyFaults", () => {
  const tied = "tenant_id = current_setting('app.tenant_id')::uuid";

  it("FOR ALL with USING only: USING is the WITH CHECK", () => {
    assert.deepEqual(policyFaults(table(`CREATE POLICY p ON t USING (${tied});`), S), []);
  });

  it("per-command policies, each tied, pass; a missing command is default-deny", () => {
    const t = table(`CREATE POLICY r ON t FOR SELECT USING (${tied} OR tenant_id IS NULL); CREATE POLICY i ON t FOR INSERT WITH CHECK (${tied});`);
    assert.deepEqual(policyFaults(t, S), []);
    const strict = policyFaults(t, { ...S, allowSharedRows: false });
    assert.deepEqual(
      strict.map((f) => [f.policy.name, f.clause, f.commands, f.scope]),
      [["r", "USING", ["select"], "shared"]],
    );
  });

  it("an open permissive policy is a fault unless a tied restrictive policy covers the command", () => {
    const t = table(`CREATE POLICY open ON t FOR ALL USING (true); CREATE POLICY tied ON t AS RESTRICTIVE FOR SELECT USING (${tied});`);
    assert.deepEqual(
      policyFaults(t, S).map((f) => [f.policy.name, f.clause, f.commands.join(",")]),
      [
        ["open", "WITH CHECK", "insert,update"],
        ["open", "USING", "update,delete"],
      ],
    );
  });

  it("a faulty restrictive policy does not excuse a faulty permissive one, nor fault a tied one", () => {
    const t = table(`CREATE POLICY tied ON t USING (${tied}); CREATE POLICY extra ON t AS RESTRICTIVE USING (true);`);
    assert.deepEqual(policyFaults(t, S), []);
  });

  it("UPDATE with a tied USING and an open WITH CHECK lets rows move to another tenant", () => {
    const t = table(`CREATE POLICY u ON t FOR UPDATE USING (${tied}) WITH CHECK (true);`);
    assert.deepEqual(
      policyFaults(t, S).map((f) => [f.policy.name, f.clause, f.commands]),
      [["u", "WITH CHECK", ["update"]]],
    );
  });
});
