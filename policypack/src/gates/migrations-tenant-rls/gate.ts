/** The `migrations-tenant-rls` gate: its catalog record, settings and check. */
import { z } from "zod";
import { defineMeta } from "../../engine/meta";
import type { Reporter } from "../../engine/rule";
import { list, quote, replayedGate, reportAt, type ServiceMigrations } from "../../lib/migrations";
import type { TableState } from "../../sql/replay";
import { policyFaults, type Command, type PolicyFault, type TenantSettings } from "../../sql/tenant-policy";

export const meta = defineMeta({
  name: "migrations-tenant-rls",
  title: "Row-level security on every tenant table",
  area: "migrations",
  kind: "stack",
  severity: "critical",
  level: "mandatory",
  proves:
    "Every table with a tenant_id column has RLS ENABLED and FORCED and a policy whose USING and WITH CHECK tie tenant_id to the session's tenant setting; a table without tenant_id must be declared global.",
  remediation:
    "ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON t USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
  sources: [
    { seed: "002", section: "5. Storage & migrations", line: "All tables have RLS enabled with tenant_id policy" },
    { seed: "000", section: "Security", line: "RLS policies verified in integration tests" },
    { seed: "001", section: "Infrastructure", line: "RLS policies verified in integration tests" },
  ],
});

const identifier = z.string().regex(/^[a-z_][a-z0-9_$]*$/, { message: "must be a lower-case SQL identifier such as tenant_id." });

export const settings = z.strictObject({
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
  reportAt(sm, t.created, report, `table ${t.key} has a ${s.tenantColumn} column but ${problems.join("; ")}`, state, `add a migration with ${fixes.join(" ")}`);
}

export const migrationsTenantRls = replayedGate({
  meta,
  settings,
  check(sm, r, s, report) {
    const tables = [...r.tables.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const t of tables) {
      if (t.columns.has(s.tenantColumn)) {
        checkTenantTable(sm, t, s, report);
        continue;
      }
      if (t.global) continue;
      const unreadable = !t.columnsComplete;
      reportAt(
        sm,
        t.created,
        report,
        unreadable
          ? `table ${t.key} is created from a query whose columns cannot be read from the migration, and is not declared global, so the pack cannot tell whether it holds tenant data`
          : `table ${t.key} has no ${s.tenantColumn} column and is not declared global, so nothing keeps one tenant from reading another's rows in it`,
        `columns: ${list([...t.columns.keys()]) || "unknown"}`,
        `add ${s.tenantColumn} with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE ${t.key} IS 'readiness:global';`,
      );
    }
  },
});
