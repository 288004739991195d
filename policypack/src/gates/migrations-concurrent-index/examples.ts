/** Examples of `migrations-concurrent-index`, run by test/gates/examples.spec.ts. */
import { inheritedStack, notMigrationsStack, svc, svcCase, unknownDataStack, unknownFilesStack } from "../../../../test/fixtures/sql/configmaps";
import { examples } from "../../../../test/support/examples";

const G = "migrations-concurrent-index";

export default examples({
  // Service 'svc': CREATE/DROP INDEX on a table created in the same migration needs no CONCURRENTLY.
  baseline: svcCase(G, "pass-new-table"),
  compliant: [
    { title: "CONCURRENTLY outside a transaction (pass-concurrent)", stack: svcCase(G, "pass-concurrent") },
    { title: "ConfigMaps that are not migrations, null or odd data", stack: notMigrationsStack },
    { title: "a migrations ConfigMap that inherits its service from its parent component (registration's shipped migrations)", stack: () => inheritedStack() },
  ],
  violating: [
    { title: "CREATE INDEX on an existing table without CONCURRENTLY", stack: svcCase(G, "fail-create-existing"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_orders_placed_idx.up.sql line 1: CREATE INDEX shop.orders_placed_idx on existing table shop.orders without CONCURRENTLY blocks every write to the table while the index builds (found \"CREATE INDEX orders_placed_idx ON shop.orders (tenant_id, placed_at)\"). Fix: use CREATE INDEX CONCURRENTLY orders_placed_idx ON shop.orders ..., in a migration of its own that runs outside a transaction." }] },
    { title: "DROP INDEX on an existing table without CONCURRENTLY", stack: svcCase(G, "fail-drop-existing"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_drop_orders_placed_idx.up.sql line 1: DROP INDEX public.orders_placed_idx (on public.orders) without CONCURRENTLY takes an exclusive lock that blocks reads and writes of the table (found \"DROP INDEX orders_placed_idx\"). Fix: use DROP INDEX CONCURRENTLY IF EXISTS public.orders_placed_idx; in a migration of its own that runs outside a transaction." }] },
    { title: "CONCURRENTLY inside BEGIN ... COMMIT", stack: svcCase(G, "fail-in-transaction"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_orders_placed_idx.up.sql line 2: CREATE INDEX CONCURRENTLY runs inside BEGIN ... COMMIT, where PostgreSQL refuses it (found \"CREATE INDEX CONCURRENTLY orders_placed_idx ON orders (placed_at)\"). Fix: remove the BEGIN/COMMIT around it and give it a migration of its own, run outside a transaction." }] },
    { title: "an index on a table the migrations do not create counts as existing", stack: svcCase(G, "fail-unknown-table"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_index.up.sql line 2: CREATE INDEX (unnamed) on existing table legacy.orders without CONCURRENTLY blocks every write to the table while the index builds (found \"CREATE INDEX ON legacy.orders (placed_at)\"). Fix: use CREATE INDEX CONCURRENTLY ON legacy.orders ..., in a migration of its own that runs outside a transaction." }] },
    {
      title: "DROP INDEX of an unknown index, and of one created earlier by a dropped table, inside transactions",
      stack: svc({
        "0001_a.up.sql": "CREATE TABLE t (id int); CREATE INDEX t_idx ON t (id);",
        "0002_b.up.sql": "START TRANSACTION; DROP INDEX CONCURRENTLY legacy_idx; ROLLBACK; DROP INDEX legacy.other_idx; DROP TABLE t; DROP INDEX IF EXISTS t_idx;",
      }),
      expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_b.up.sql line 1: DROP INDEX CONCURRENTLY runs inside BEGIN ... COMMIT, where PostgreSQL refuses it (found \"DROP INDEX CONCURRENTLY legacy_idx\"). Fix: remove the BEGIN/COMMIT around it and give it a migration of its own, run outside a transaction." }, { name: "svc-migrations", message: "service 'svc' migration 0002_b.up.sql line 1: DROP INDEX legacy.other_idx without CONCURRENTLY takes an exclusive lock that blocks reads and writes of the table (found \"DROP INDEX legacy.other_idx\"). Fix: use DROP INDEX CONCURRENTLY IF EXISTS legacy.other_idx; in a migration of its own that runs outside a transaction." }, { name: "svc-migrations", message: "service 'svc' migration 0002_b.up.sql line 1: DROP INDEX public.t_idx without CONCURRENTLY takes an exclusive lock that blocks reads and writes of the table (found \"DROP INDEX IF EXISTS t_idx\"). Fix: use DROP INDEX CONCURRENTLY IF EXISTS public.t_idx; in a migration of its own that runs outside a transaction." }],
    },
    {
      title: "an index created, renamed with its table and dropped in a later migration",
      stack: svc({
        "0001_a.up.sql": "CREATE TABLE t (id int); CREATE INDEX t_idx ON t (id); ALTER TABLE t RENAME TO u; ALTER TABLE u SET SCHEMA s;",
        "0002_b.up.sql": "DROP INDEX public.t_idx;",
      }),
      expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_b.up.sql line 1: DROP INDEX public.t_idx (on s.u) without CONCURRENTLY takes an exclusive lock that blocks reads and writes of the table (found \"DROP INDEX public.t_idx\"). Fix: use DROP INDEX CONCURRENTLY IF EXISTS public.t_idx; in a migration of its own that runs outside a transaction." }],
    },
    { title: "a file that does not parse", stack: svc({ "0001_a.up.sql": "CREATE INDEX ON;" }), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 1: does not parse as PostgreSQL: syntax error at or near \";\" (line 1, column 16), so the gate cannot be proved for it (found \"CREATE INDEX ON;\"). Fix: correct the SQL so that PostgreSQL accepts it (the pack parses it with PostgreSQL's own parser)." }] },
    {
      title: "a long statement is shortened",
      stack: svc({ "0001_a.up.sql": `CREATE INDEX i ON t (${Array.from({ length: 40 }, (_, i) => `c${i}`).join(", ")});` }),
      expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_a.up.sql line 1: CREATE INDEX public.i on existing table public.t without CONCURRENTLY blocks every write to the table while the index builds (found \"CREATE INDEX i ON t (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c...\"). Fix: use CREATE INDEX CONCURRENTLY i ON public.t ..., in a migration of its own that runs outside a transaction." }],
    },
    { title: "ConfigMap data unknown at preview: undecided", stack: unknownDataStack, expect: [{ name: "registration-migrations", kind: "undecided", message: "service 'registration' migrations: the data of ConfigMap 'registration-migrations' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an up file unknown at preview: undecided", stack: unknownFilesStack, expect: [{ name: "svc-migrations", kind: "undecided", message: "service 'svc' migrations: the SQL of 0001_a.up.sql is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
