/** Examples of `migrations-reversible`, run by test/gates/examples.spec.ts. */
import {
  inheritedStack,
  longStatementStack,
  migrationsMap,
  notMigrationsStack,
  svcCase,
  unknownDataStack,
  unknownFilesStack,
  unlabelledStack,
} from "../../../../test/fixtures/sql/configmaps";
import { examples } from "../../../../test/support/examples";

const G = "migrations-reversible";

export default examples({
  // Service 'svc': every up has a down (non-SQL keys ignored).
  baseline: svcCase(G, "pass"),
  compliant: [
    { title: "ConfigMaps that are not migrations, null or odd data", stack: notMigrationsStack },
    { title: "a migrations ConfigMap that inherits its service from its parent component (registration's shipped migrations)", stack: () => inheritedStack() },
  ],
  violating: [
    { title: "an up without a down", stack: svcCase(G, "fail-missing-down"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_orders.up.sql: has no down migration, so a failed release cannot be rolled back (found no 0001_orders.down.sql). Fix: add 0001_orders.down.sql that undoes it." }] },
    { title: "an empty down", stack: svcCase(G, "fail-empty-down"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_orders.down.sql: is empty, so it does not undo 0001_orders.up.sql (found no SQL statement). Fix: write the statements that undo 0001_orders.up.sql, in reverse order." }] },
    { title: "a down that does not parse: the parser quoted", stack: svcCase(G, "fail-down-parse-error"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_orders.down.sql line 3: does not parse as PostgreSQL: syntax error at or near \"DROP\" (line 3, column 1), so the gate cannot be proved for it (found \"DROP TABLE order_lines;\"). Fix: correct the SQL so that PostgreSQL accepts it (the pack parses it with PostgreSQL's own parser)." }] },
    { title: "a down without an up", stack: svcCase(G, "fail-orphan-down"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_orders.down.sql: has no up migration (found no 0001_orders.up.sql). Fix: add 0001_orders.up.sql or remove 0001_orders.down.sql." }] },
    { title: "a file not named NNNN_name.up.sql", stack: svcCase(G, "fail-bad-name"), expect: [{ name: "svc-migrations", message: "service 'svc' migration V1__orders.sql: is not named NNNN_name.up.sql or NNNN_name.down.sql, so the migration runner cannot order and pair it (found key \"V1__orders.sql\"). Fix: rename it NNNN_name.up.sql (and its pair NNNN_name.down.sql)." }] },
    { title: "two migrations with one version", stack: svcCase(G, "fail-duplicate-version"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_orders.up.sql: has the same version 2 as 0002_lines, so the order they run in is not defined (found key \"0002_orders.up.sql\"). Fix: give each migration a version number of its own." }] },
    {
      title: "a key shipped by two ConfigMaps of a service, and a value that is not text",
      stack: () => [
        migrationsMap("svc", { "0001_a.up.sql": "SELECT 1;", "0001_a.down.sql": "SELECT 1;" }, { name: "svc-migrations-a" }),
        migrationsMap("svc", { "0001_a.up.sql": "SELECT 1;", "0002_b.up.sql": 42 }, { name: "svc-migrations-b" }),
      ],
      expect: [{ name: "svc-migrations-b", message: "service 'svc' migration 0001_a.up.sql: is shipped twice (by two migration ConfigMaps of the service), so which one runs is not defined (found key \"0001_a.up.sql\"). Fix: ship each migration file in one ConfigMap of the service only." }, { name: "svc-migrations-b", message: "service 'svc' migration 0002_b.up.sql: is not a text value, so it holds no SQL (found key \"0002_b.up.sql\"). Fix: ship the file's SQL text as the value." }],
    },
    { title: "unlabelled migrations are named by their ConfigMap", stack: unlabelledStack, expect: [{ name: "loose", message: "ConfigMap 'loose' migration 0001_a.up.sql: has no down migration, so a failed release cannot be rolled back (found no 0001_a.down.sql). Fix: add 0001_a.down.sql that undoes it." }] },
    { title: "a down that ends mid-statement: the parse error quotes nothing", stack: longStatementStack, expect: [{ name: "svc-migrations", message: "service 'svc' migration 0001_a.down.sql line 3: does not parse as PostgreSQL: syntax error at end of input (line 3, column 1), so the gate cannot be proved for it. Fix: correct the SQL so that PostgreSQL accepts it (the pack parses it with PostgreSQL's own parser)." }] },
    { title: "ConfigMap data unknown at preview: undecided", stack: unknownDataStack, expect: [{ name: "registration-migrations", kind: "undecided", message: "service 'registration' migrations: the data of ConfigMap 'registration-migrations' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a down file unknown at preview: undecided (an unknown up file is not its concern)", stack: unknownFilesStack, expect: [{ name: "svc-migrations", kind: "undecided", message: "service 'svc' migrations: the SQL of 0002_b.down.sql is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
