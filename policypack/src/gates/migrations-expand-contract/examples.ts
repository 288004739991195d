/** Examples of `migrations-expand-contract`, run by test/gates/examples.spec.ts. */
import { inheritedStack, notMigrationsStack, svc, svcCase, unknownDataStack, unknownFilesStack } from "../../../../test/fixtures/sql/configmaps";
import { examples } from "../../../../test/support/examples";

const G = "migrations-expand-contract";

export default examples({
  // Service 'svc': changes to objects created by the same migration.
  baseline: svcCase(G, "pass-same-migration"),
  compliant: [
    {
      title: "SET NOT NULL on a column a validated CHECK (col IS NOT NULL) proves: PostgreSQL 12+ skips the scan (validated in a later migration, or in the same statement)",
      stack: svc({
        "0001_a.up.sql": "CREATE TABLE t (id int, a int, b int);",
        "0002_b.up.sql": "ALTER TABLE t ADD CONSTRAINT t_a_not_null CHECK (a IS NOT NULL) NOT VALID; ALTER TABLE t ADD CONSTRAINT t_b_not_null CHECK (b IS NOT NULL) NOT VALID;",
        "0003_c.up.sql": "ALTER TABLE t VALIDATE CONSTRAINT t_a_not_null;",
        "0004_d.up.sql": "ALTER TABLE t ALTER COLUMN a SET NOT NULL, DROP CONSTRAINT t_a_not_null; ALTER TABLE t VALIDATE CONSTRAINT t_b_not_null, ALTER COLUMN b SET NOT NULL;",
      }),
    },
    { title: "SET NOT NULL on a column proved by a CHECK validated when it was added", stack: svc({ "0001_a.up.sql": "CREATE TABLE t (id int, a int);", "0002_b.up.sql": "ALTER TABLE t ADD CHECK (a IS NOT NULL);", "0003_c.up.sql": "ALTER TABLE t ALTER COLUMN a SET NOT NULL;" }), config: { postgresVersion: 12 } },
    { title: "ConfigMaps that are not migrations, null or odd data", stack: notMigrationsStack },
    { title: "a migrations ConfigMap that inherits its service from its parent component (registration's shipped migrations)", stack: () => inheritedStack() },
  ],
  violating: [
    { title: "a rename outside a contract step (the same step declared a contract passes)", stack: svcCase(G, "rename"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0003_rename_surname.up.sql line 1: RENAME COLUMN on public.patients.surname outside a migration declared a contract step: the release still running uses the old name (found \"ALTER TABLE patients RENAME COLUMN surname TO last_name\"). Fix: expand: add the new column, backfill and dual-write, switch readers; then drop the old column in a migration declared a contract step (first line: -- readiness: contract)." }] },
    { title: "drop/rename table, drop column, type change and SET NOT NULL on existing objects", stack: svcCase(G, "fail-all"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_reshape.up.sql line 2: DROP COLUMN on public.orders.note outside a migration declared a contract step: the release still running reads and writes it (found \"ALTER TABLE orders DROP COLUMN note\"). Fix: stop reading and writing the column in a release first, then drop it in a later migration declared a contract step (first line: -- readiness: contract)." }, { name: "svc-migrations", message: "service 'svc' migration 0002_reshape.up.sql line 3: ALTER COLUMN TYPE on public.orders.total_micros outside a migration declared a contract step: it rewrites the table under an exclusive lock and breaks the release still running (found \"ALTER TABLE orders ALTER COLUMN total_micros TYPE bigint\"). Fix: expand: add a column of the new type, backfill and dual-write, switch readers; then drop the old column in a migration declared a contract step (first line: -- readiness: contract)." }, { name: "svc-migrations", message: "service 'svc' migration 0002_reshape.up.sql line 4: SET NOT NULL on public.orders.ref outside a migration declared a contract step: it scans the table under an exclusive lock and fails writes of the release still running (found \"ALTER TABLE orders ALTER COLUMN ref SET NOT NULL\"). Fix: expand: ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT; SET NOT NULL in a migration declared a contract step (first line: -- readiness: contract)." }, { name: "svc-migrations", message: "service 'svc' migration 0002_reshape.up.sql line 5: RENAME TABLE on public.order_lines outside a migration declared a contract step: the release still running uses the old name (found \"ALTER TABLE order_lines RENAME TO order_items\"). Fix: expand: create the new table (or a view under the new name), backfill and dual-write, switch readers; then drop the old one in a migration declared a contract step (first line: -- readiness: contract)." }, { name: "svc-migrations", message: "service 'svc' migration 0002_reshape.up.sql line 6: DROP TABLE on public.order_notes outside a migration declared a contract step: the release still running reads and writes it (found \"DROP TABLE IF EXISTS order_notes\"). Fix: stop using the table in a release first, then drop it in a later migration declared a contract step (first line: -- readiness: contract)." }] },
    {
      title: "a contract declared in a block comment, and directives that are not 'contract'",
      stack: svc({
        "0001_a.up.sql": "CREATE TABLE t (id int, a int, b int);",
        "0002_b.up.sql": "/*\n * readiness: contract (drops a)\n */\nALTER TABLE t DROP COLUMN a;",
        "0003_c.up.sql": "-- readiness: expand\n-- readiness:\n-- readiness: contracts\nSELECT 1;\n-- readiness: contract\nALTER TABLE t DROP COLUMN b;",
      }),
      expect: [{ name: "svc-migrations", message: "service 'svc' migration 0003_c.up.sql line 6: DROP COLUMN on public.t.b outside a migration declared a contract step: the release still running reads and writes it (found \"ALTER TABLE t DROP COLUMN b\"). Fix: stop reading and writing the column in a release first, then drop it in a later migration declared a contract step (first line: -- readiness: contract)." }],
    },
    {
      title: "SET NOT NULL after a CHECK that is still NOT VALID, dropped, or proves another column; and after a validated CHECK on PostgreSQL 11",
      stack: svc({
        "0001_a.up.sql": "CREATE TABLE t (id int, a int, b int, c int);",
        "0002_b.up.sql": "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID, ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL), ADD CONSTRAINT t_c_pos CHECK (c > 0);",
        "0003_c.up.sql": "ALTER TABLE t DROP CONSTRAINT t_b_nn; ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET NOT NULL, ALTER COLUMN c SET NOT NULL;",
      }),
      expect: [{ name: "svc-migrations", message: "service 'svc' migration 0003_c.up.sql line 1: SET NOT NULL on public.t.a outside a migration declared a contract step: it scans the table under an exclusive lock and fails writes of the release still running (found \"ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET NOT NULL, ALTER COLUMN c SET NOT NULL\"). Fix: expand: ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT; SET NOT NULL in a migration declared a contract step (first line: -- readiness: contract)." }, { name: "svc-migrations", message: "service 'svc' migration 0003_c.up.sql line 1: SET NOT NULL on public.t.b outside a migration declared a contract step: it scans the table under an exclusive lock and fails writes of the release still running (found \"ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET NOT NULL, ALTER COLUMN c SET NOT NULL\"). Fix: expand: ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT; SET NOT NULL in a migration declared a contract step (first line: -- readiness: contract)." }, { name: "svc-migrations", message: "service 'svc' migration 0003_c.up.sql line 1: SET NOT NULL on public.t.c outside a migration declared a contract step: it scans the table under an exclusive lock and fails writes of the release still running (found \"ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET NOT NULL, ALTER COLUMN c SET NOT NULL\"). Fix: expand: ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT; SET NOT NULL in a migration declared a contract step (first line: -- readiness: contract)." }],
    },
    {
      title: "PostgreSQL 11: a validated CHECK does not spare SET NOT NULL its scan",
      stack: svc({ "0001_a.up.sql": "CREATE TABLE t (id int, a int CHECK (a IS NOT NULL));", "0002_b.up.sql": "ALTER TABLE t ALTER COLUMN a SET NOT NULL;" }),
      config: { postgresVersion: 11 },
      expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_b.up.sql line 1: SET NOT NULL on public.t.a outside a migration declared a contract step: PostgreSQL 11 ignores the validated CHECK (a IS NOT NULL) and still scans the table under an exclusive lock (12 and later skip the scan) (found \"ALTER TABLE t ALTER COLUMN a SET NOT NULL\"). Fix: keep the validated CHECK (it enforces the same) until PostgreSQL 12 or later, or SET NOT NULL in a migration declared a contract step (first line: -- readiness: contract)." }],
    },
    { title: "ConfigMap data unknown at preview: undecided", stack: unknownDataStack, expect: [{ name: "registration-migrations", kind: "undecided", message: "service 'registration' migrations: the data of ConfigMap 'registration-migrations' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an up file unknown at preview: undecided", stack: unknownFilesStack, expect: [{ name: "svc-migrations", kind: "undecided", message: "service 'svc' migrations: the SQL of 0001_a.up.sql is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
