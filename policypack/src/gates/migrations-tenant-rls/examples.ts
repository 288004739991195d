/** Examples of `migrations-tenant-rls`, run by test/gates/examples.spec.ts. */
import {
  inheritedStack,
  longStatementStack,
  notMigrationsStack,
  svc,
  svcCase,
  unknownDataStack,
  unknownFilesStack,
  unlabelledStack,
} from "../../../../test/fixtures/sql/configmaps";
import { examples } from "../../../../test/support/examples";

const G = "migrations-tenant-rls";
const passing = (name: string) => ({ title: `${name} (test/fixtures/sql/${G}/${name})`, stack: svcCase(G, name) });
const failing = (name: string) => svcCase(G, name);

/** Tables of tenant_id = org_id, secured on a configured column and setting. */
const orgTable = svc({
  "0001_a.up.sql":
    "CREATE TABLE a (id int, org_id text); ALTER TABLE a ENABLE ROW LEVEL SECURITY; ALTER TABLE a FORCE ROW LEVEL SECURITY; CREATE POLICY p ON a USING (org_id = current_setting('auth.org'));",
});

export default examples({
  // Service 'svc' whose tenant table is secured by a later migration.
  baseline: svcCase(G, "pass-secured-later"),
  compliant: [
    passing("pass-dropped-later"),
    passing("pass-using-only"),
    passing("pass-shared-rows"),
    passing("pass-restrictive"),
    passing("pass-renamed"),
    { title: "a tenant function, configured (pass-tenant-function)", stack: svcCase(G, "pass-tenant-function"), config: { tenantFunctions: ["app.current_tenant_id"] } },
    { title: "a configured tenant column and setting", stack: orgTable, config: { tenantColumn: "org_id", tenantSetting: "auth.org" } },
    {
      title: "policies of tables the migrations do not create are ignored, and odd statements do not crash",
      stack: svc({
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
      }),
    },
    { title: "ConfigMaps that are not migrations, null or odd data", stack: notMigrationsStack },
    { title: "a migrations ConfigMap that inherits its service from its parent component (registration's shipped migrations)", stack: () => inheritedStack() },
  ],
  violating: [
    { title: "a tenant function not configured (pass-tenant-function)", stack: failing("pass-tenant-function"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_items.up.sql line 2: table shop.items has a tenant_id column but policy 'items_tenant' (0001_items.up.sql line 5) lets a session reach rows of other tenants for SELECT, UPDATE, DELETE (its USING does not compare tenant_id to current_setting('app.tenant_id')) and write rows for other tenants for INSERT, UPDATE (its WITH CHECK does not compare tenant_id to current_setting('app.tenant_id')): CREATE POLICY items_tenant ON items USING (app.current_tenant_id() = tenant_id) (found ENABLE in 0001_items.up.sql line 3; FORCE in 0001_items.up.sql line 4; policies: items_tenant). Fix: add a migration with DROP POLICY items_tenant ON shop.items; CREATE POLICY tenant_isolation ON shop.items USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "USING (true)", stack: failing("fail-using-true"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 1: table public.notes has a tenant_id column but policy 'notes_open' (0001_notes.up.sql line 4) lets a session reach rows of other tenants for SELECT, UPDATE, DELETE (its USING does not compare tenant_id to current_setting('app.tenant_id')) and write rows for other tenants for INSERT, UPDATE (its WITH CHECK does not compare tenant_id to current_setting('app.tenant_id')): CREATE POLICY notes_open ON notes USING (true) (found ENABLE in 0001_notes.up.sql line 2; FORCE in 0001_notes.up.sql line 3; policies: notes_open). Fix: add a migration with DROP POLICY notes_open ON public.notes; CREATE POLICY tenant_isolation ON public.notes USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "a policy on another column", stack: failing("fail-other-column"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 1: table public.notes has a tenant_id column but policy 'notes_owner' (0001_notes.up.sql line 4) lets a session reach rows of other tenants for SELECT, UPDATE, DELETE (its USING does not compare tenant_id to current_setting('app.tenant_id')) and write rows for other tenants for INSERT, UPDATE (its WITH CHECK does not compare tenant_id to current_setting('app.tenant_id')): CREATE POLICY notes_owner ON notes USING (owner_id = current_setting('app.tenant_id')::uuid) (found ENABLE in 0001_notes.up.sql line 2; FORCE in 0001_notes.up.sql line 3; policies: notes_owner). Fix: add a migration with DROP POLICY notes_owner ON public.notes; CREATE POLICY tenant_isolation ON public.notes USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "RLS enabled but not forced", stack: failing("fail-not-forced"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 1: table public.notes has a tenant_id column but row-level security is not forced, so the table's owner bypasses it (found ENABLE in 0001_notes.up.sql line 2; FORCE missing; policies: notes_tenant). Fix: add a migration with ALTER TABLE public.notes FORCE ROW LEVEL SECURITY;." }] },
    { title: "RLS on only some tables: a violation for the others", stack: failing("fail-some-tables"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 2: table public.attachments has a tenant_id column but row-level security is not enabled; row-level security is not forced, so the table's owner bypasses it; it has no policy tying tenant_id to current_setting('app.tenant_id') (found ENABLE missing; FORCE missing; policies: none). Fix: add a migration with ALTER TABLE public.attachments ENABLE ROW LEVEL SECURITY; ALTER TABLE public.attachments FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON public.attachments USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "ALTER TABLE ADD COLUMN tenant_id makes a (global) table a tenant table", stack: failing("fail-added-tenant-column"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 1: table public.notes has a tenant_id column but row-level security is not enabled; row-level security is not forced, so the table's owner bypasses it; it has no policy tying tenant_id to current_setting('app.tenant_id') (found ENABLE missing; FORCE missing; policies: none). Fix: add a migration with ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY; ALTER TABLE public.notes FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON public.notes USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "a table without tenant_id not declared global", stack: failing("fail-not-global"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 1: table public.notes has no tenant_id column and is not declared global, so nothing keeps one tenant from reading another's rows in it (found columns: id, body). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.notes IS 'readiness:global';." }] },
    { title: "tenant_id IS NULL rows are acceptable for SELECT only", stack: failing("fail-shared-update"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_roles.up.sql line 1: table public.roles has a tenant_id column but policy 'roles_all' (0001_roles.up.sql line 4) lets a session write rows for other tenants for INSERT, UPDATE (its WITH CHECK also admits tenant_id IS NULL rows, acceptable only for SELECT) and reach rows of other tenants for UPDATE, DELETE (its USING also admits tenant_id IS NULL rows, acceptable only for SELECT): CREATE POLICY roles_all ON roles USING (tenant_id = current_setting('app.tenant_id', true)::uuid OR tenant_id IS NULL) (found ENABLE in 0001_roles.up.sql line 2; FORCE in 0001_roles.up.sql line 3; policies: roles_all). Fix: add a migration with DROP POLICY roles_all ON public.roles; CREATE POLICY tenant_isolation ON public.roles USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "shared rows not allowed by config (pass-shared-rows)", stack: failing("pass-shared-rows"), config: { allowSharedRows: false }, expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_roles.up.sql line 1: table public.roles has a tenant_id column but policy 'roles_read' (0001_roles.up.sql line 4) lets a session reach rows of other tenants for SELECT (its USING also admits tenant_id IS NULL rows, acceptable only for SELECT): CREATE POLICY roles_read ON roles FOR SELECT USING (tenant_id IS NULL OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) (found ENABLE in 0001_roles.up.sql line 2; FORCE in 0001_roles.up.sql line 3; policies: roles_read, roles_write, roles_update, roles_delete). Fix: add a migration with DROP POLICY roles_read ON public.roles; CREATE POLICY tenant_isolation ON public.roles USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "an open WITH CHECK", stack: failing("fail-with-check-open"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 1: table public.notes has a tenant_id column but policy 'notes_tenant' (0001_notes.up.sql line 4) lets a session write rows for other tenants for INSERT, UPDATE (its WITH CHECK does not compare tenant_id to current_setting('app.tenant_id')): CREATE POLICY notes_tenant ON notes USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (true) (found ENABLE in 0001_notes.up.sql line 2; FORCE in 0001_notes.up.sql line 3; policies: notes_tenant). Fix: add a migration with DROP POLICY notes_tenant ON public.notes; CREATE POLICY tenant_isolation ON public.notes USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "RLS disabled and the policy dropped by a later migration", stack: failing("fail-disabled-later"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 1: table public.notes has a tenant_id column but row-level security is not enabled; row-level security is not forced, so the table's owner bypasses it; it has no policy tying tenant_id to current_setting('app.tenant_id') (found ENABLE missing; FORCE missing; policies: none). Fix: add a migration with ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY; ALTER TABLE public.notes FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON public.notes USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }] },
    { title: "a file that does not parse: the parser's error and line quoted", stack: failing("fail-parse-error"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_notes.up.sql line 3: does not parse as PostgreSQL: syntax error at or near \"SECURTY\" (line 3, column 35), so the gate cannot be proved for it (found \"ALTER TABLE notes FORCE ROW LEVEL SECURTY;\"). Fix: correct the SQL so that PostgreSQL accepts it (the pack parses it with PostgreSQL's own parser)." }] },
    { title: "a tenant column other than the configured one (org_id, default tenant_id)", stack: orgTable, expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 1: table public.a has no tenant_id column and is not declared global, so nothing keeps one tenant from reading another's rows in it (found columns: id, org_id). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.a IS 'readiness:global';." }] },
    {
      title: "tables created from queries, LIKE, INHERITS and PARTITION OF get their columns",
      stack: svc({
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
      }),
      expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 10: table public.child has a tenant_id column but row-level security is not enabled; row-level security is not forced, so the table's owner bypasses it; it has no policy tying tenant_id to current_setting('app.tenant_id') (found ENABLE missing; FORCE missing; policies: none). Fix: add a migration with ALTER TABLE public.child ENABLE ROW LEVEL SECURITY; ALTER TABLE public.child FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON public.child USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }, { name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 6: table public.copy_cols has no tenant_id column and is not declared global, so nothing keeps one tenant from reading another's rows in it (found columns: id, tid). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.copy_cols IS 'readiness:global';." }, { name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 4: table public.copy_named has a tenant_id column but row-level security is not enabled; row-level security is not forced, so the table's owner bypasses it; it has no policy tying tenant_id to current_setting('app.tenant_id') (found ENABLE missing; FORCE missing; policies: none). Fix: add a migration with ALTER TABLE public.copy_named ENABLE ROW LEVEL SECURITY; ALTER TABLE public.copy_named FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON public.copy_named USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }, { name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 5: table public.copy_star has a tenant_id column but row-level security is not enabled; row-level security is not forced, so the table's owner bypasses it; it has no policy tying tenant_id to current_setting('app.tenant_id') (found ENABLE missing; FORCE missing; policies: none). Fix: add a migration with ALTER TABLE public.copy_star ENABLE ROW LEVEL SECURITY; ALTER TABLE public.copy_star FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON public.copy_star USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }, { name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 7: table public.copy_unknown is created from a query whose columns cannot be read from the migration, and is not declared global, so the pack cannot tell whether it holds tenant data (found columns: unknown). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.copy_unknown IS 'readiness:global';." }, { name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 8: table public.liked has a tenant_id column but row-level security is not enabled; row-level security is not forced, so the table's owner bypasses it; it has no policy tying tenant_id to current_setting('app.tenant_id') (found ENABLE missing; FORCE missing; policies: none). Fix: add a migration with ALTER TABLE public.liked ENABLE ROW LEVEL SECURITY; ALTER TABLE public.liked FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON public.liked USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }, { name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 9: table public.liked_unknown is created from a query whose columns cannot be read from the migration, and is not declared global, so the pack cannot tell whether it holds tenant data (found columns: unknown). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.liked_unknown IS 'readiness:global';." }, { name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 11: table public.orphan is created from a query whose columns cannot be read from the migration, and is not declared global, so the pack cannot tell whether it holds tenant data (found columns: unknown). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.orphan IS 'readiness:global';." }, { name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 12: table public.part has a tenant_id column but row-level security is not enabled; row-level security is not forced, so the table's owner bypasses it; it has no policy tying tenant_id to current_setting('app.tenant_id') (found ENABLE missing; FORCE missing; policies: none). Fix: add a migration with ALTER TABLE public.part ENABLE ROW LEVEL SECURITY; ALTER TABLE public.part FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON public.part USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);." }],
    },
    {
      title: "schemas: search_path, RESET, DROP SCHEMA ... CASCADE, COMMENT ... IS NULL",
      stack: svc({
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
      }),
      expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 7: table public.three has no tenant_id column and is not declared global, so nothing keeps one tenant from reading another's rows in it (found columns: id). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.three IS 'readiness:global';." }],
    },
    { title: "unlabelled migrations are named by their ConfigMap", stack: unlabelledStack, expect: [{ name: "loose", message: "ConfigMap 'loose' migration 0001_a.up.sql line 1: table public.t has no tenant_id column and is not declared global, so nothing keeps one tenant from reading another's rows in it (found columns: id). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.t IS 'readiness:global';." }] },
    { title: "a long column list is shortened", stack: longStatementStack, expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 1: table public.t has no tenant_id column and is not declared global, so nothing keeps one tenant from reading another's rows in it (found columns: id, c0, c1, c2, c3, c4, c5, c6, c7, c8, ... (22 more)). Fix: add tenant_id with row-level security, or, for data shared by every tenant, declare it: COMMENT ON TABLE public.t IS 'readiness:global';." }] },
    { title: "ConfigMap data unknown at preview: undecided", stack: unknownDataStack, expect: [{ name: "registration-migrations", kind: "undecided", message: "service 'registration' migrations: the data of ConfigMap 'registration-migrations' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an up file unknown at preview: undecided", stack: unknownFilesStack, expect: [{ name: "svc-migrations", kind: "undecided", message: "service 'svc' migrations: the SQL of 0001_a.up.sql is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
