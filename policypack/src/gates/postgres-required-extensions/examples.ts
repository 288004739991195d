/** Examples of `postgres-required-extensions`, run by test/gates/examples.spec.ts. */
import { T } from "../../access/tokens";
import { fixture, inheritedStack, migrationsMap, notMigrationsStack, svc, svcCase, unknownDataStack, unknownFilesStack } from "../../../../test/fixtures/sql/configmaps";
import { change, examples } from "../../../../test/support/examples";
import { mutate, res, UNKNOWN } from "../../../../test/support/fixtures";

const G = "postgres-required-extensions";
const ANNOTATION = "readiness.dev/required-extensions";

/** A Deployment of `service` (a service member that ships no migrations ConfigMap). */
const deployment = (service: string) => () => [res(T.deployment, service, { metadata: { labels: { "app.kubernetes.io/part-of": service } } })];

export default examples({
  // Service 'svc' declaring pg_trgm and citext, both created before use.
  baseline: svcCase(G, "pass", { [ANNOTATION]: "pg_trgm, citext" }),
  compliant: [
    { title: "a service whose config requires no extension ships no migrations", stack: deployment("registration"), config: { required: { registration: [] } } },
    { title: "an empty stack", stack: () => [] },
    { title: "ConfigMaps that are not migrations, null or odd data", stack: notMigrationsStack },
    { title: "a migrations ConfigMap that inherits its service from its parent component (registration's shipped migrations)", stack: () => inheritedStack() },
  ],
  violating: [
    { title: "a declared extension no migration creates", stack: svcCase(G, "fail-missing", { [ANNOTATION]: "pg_trgm" }), expect: [{ name: "svc-migrations", message: "service 'svc' migrations: need the PostgreSQL extension pg_trgm (declared by annotation readiness.dev/required-extensions on ConfigMap 'svc-migrations') but no up migration creates it (found extensions created: none). Fix: add CREATE EXTENSION IF NOT EXISTS pg_trgm; to 0001_people.up.sql." }] },
    { title: "an extension required by config for the service, without annotation", stack: svcCase(G, "fail-missing"), config: { required: { svc: ["pg_trgm"] } }, expect: [{ name: "svc-migrations", message: "service 'svc' migrations: need the PostgreSQL extension pg_trgm (required by the pack config) but no up migration creates it (found extensions created: none). Fix: add CREATE EXTENSION IF NOT EXISTS pg_trgm; to 0001_people.up.sql." }] },
    { title: "registration needs pg_trgm by default, without annotation", stack: () => [migrationsMap("registration", fixture(G, "fail-missing"))], expect: [{ name: "registration-migrations", message: "service 'registration' migrations: need the PostgreSQL extension pg_trgm (required by the pack config) but no up migration creates it (found extensions created: none). Fix: add CREATE EXTENSION IF NOT EXISTS pg_trgm; to 0001_people.up.sql." }] },
    { title: "an extension created after its first use", stack: svcCase(G, "fail-late"), expect: [{ name: "svc-migrations", message: "service 'svc' migration 0002_pg_trgm.up.sql line 1: creates extension pg_trgm only after its first use (operator class gin_trgm_ops in 0001_people.up.sql line 2), so that earlier migration fails (found \"CREATE EXTENSION pg_trgm\"). Fix: move CREATE EXTENSION IF NOT EXISTS pg_trgm; to 0001_people.up.sql or to a migration before 0001_people.up.sql." }] },
    { title: "an extension dropped by a later migration is missing", stack: svcCase(G, "fail-dropped", { [ANNOTATION]: "pg_trgm" }), expect: [{ name: "svc-migrations", message: "service 'svc' migrations: need the PostgreSQL extension pg_trgm (declared by annotation readiness.dev/required-extensions on ConfigMap 'svc-migrations') but no up migration creates it (found extensions created: none). Fix: add CREATE EXTENSION IF NOT EXISTS pg_trgm; to 0001_pg_trgm.up.sql." }] },
    {
      title: "an extension used by an operator class is needed even when undeclared; files that do not parse are named",
      stack: svc({ "0001_a.up.sql": "CREATE TABLE p (n text); CREATE INDEX ON p USING gin (n gin_trgm_ops);", "0002_b.up.sql": "CREATE EXTENSION pg_trgm" + " (" }),
      expect: [{ name: "svc-migrations", message: "service 'svc' migrations: need the PostgreSQL extension pg_trgm (used by operator class gin_trgm_ops in 0001_a.up.sql line 1) but no up migration creates it (0002_b.up.sql did not parse) (found extensions created: none). Fix: add CREATE EXTENSION IF NOT EXISTS pg_trgm; to 0001_a.up.sql." }],
    },
    { title: "a service that needs an extension but ships no migrations ConfigMap", stack: deployment("registration"), expect: [{ name: "registration", message: "service 'registration': needs the PostgreSQL extension pg_trgm but ships no migrations ConfigMap, so nothing shows they are created (found no ConfigMap labelled app.kubernetes.io/component: migrations). Fix: ship the service's migrations as a ConfigMap labelled app.kubernetes.io/part-of: registration and app.kubernetes.io/component: migrations, with CREATE EXTENSION IF NOT EXISTS pg_trgm; in its first migration." }] },
    { title: "a service that needs several extensions ships no migrations ConfigMap", stack: deployment("search"), config: { required: { search: ["pg_trgm", "unaccent"] } }, expect: [{ name: "search", message: "service 'search': needs the PostgreSQL extensions pg_trgm, unaccent but ships no migrations ConfigMap, so nothing shows they are created (found no ConfigMap labelled app.kubernetes.io/component: migrations). Fix: ship the service's migrations as a ConfigMap labelled app.kubernetes.io/part-of: search and app.kubernetes.io/component: migrations, with CREATE EXTENSION IF NOT EXISTS pg_trgm; in its first migration." }] },
    { title: "a service whose migrations have no up file", stack: () => [migrationsMap("search", { "0001_a.down.sql": "SELECT 1;" })], config: { required: { search: ["pg_trgm"] } }, expect: [{ name: "search-migrations", message: "service 'search' migrations: need the PostgreSQL extension pg_trgm (required by the pack config) but no up migration creates it (found extensions created: none). Fix: add CREATE EXTENSION IF NOT EXISTS pg_trgm; to the first migration." }] },
    { title: "an annotation unknown at preview: undecided", stack: svcCase(G, "pass", { [ANNOTATION]: UNKNOWN }), expect: [{ name: "svc-migrations", kind: "undecided", message: "service 'svc' migrations: annotation readiness.dev/required-extensions is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    {
      title: "a ConfigMap named only by its parent's service (registration) needs what that service needs",
      stack: () => change(1, (c) => mutate(c, "metadata", { name: "m", labels: { "app.kubernetes.io/component": "migrations" } }))(inheritedStack({ "0001_a.up.sql": "SELECT 1;" })),
      expect: [{ name: "ignored-migrations", message: "service 'registration' migrations: need the PostgreSQL extension pg_trgm (required by the pack config) but no up migration creates it (found extensions created: none). Fix: add CREATE EXTENSION IF NOT EXISTS pg_trgm; to 0001_a.up.sql." }],
    },
    { title: "ConfigMap data unknown at preview: undecided", stack: unknownDataStack, expect: [{ name: "registration-migrations", kind: "undecided", message: "service 'registration' migrations: the data of ConfigMap 'registration-migrations' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an up file unknown at preview: undecided", stack: unknownFilesStack, expect: [{ name: "svc-migrations", kind: "undecided", message: "service 'svc' migrations: the SQL of 0001_a.up.sql is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
