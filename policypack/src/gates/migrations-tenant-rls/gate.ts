/** The `migrations-tenant-rls` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { migrationsTenantRls as legacy } from "../../policies/migrations";

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

export const migrationsTenantRls = withMeta(meta, legacy);
