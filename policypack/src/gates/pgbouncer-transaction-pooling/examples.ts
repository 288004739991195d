/** Examples of `pgbouncer-transaction-pooling`, run by test/gates/examples.spec.ts. */
import { sqlReplica } from "../../../../test/fixtures/gcp";
import { childOf, database, deployment, helmChart, pgbouncer, pgbouncerIni, pgbouncerWithIni } from "../../../../test/fixtures/k8s";
import { ENV } from "../../../../test/fixtures/workloads";
import { at, change, examples, plus, type StackOf } from "../../../../test/support/examples";
import { mutate, UNKNOWN } from "../../../../test/support/fixtures";

/** The baseline: 0 the service's Postgres instance, 1 its PgBouncer (env POOL_MODE=transaction). */
const DB = 0;
const BOUNCER = 1;

/** The database with a PgBouncer configured by a mounted pgbouncer.ini (the ConfigMap as given). */
function withIni(cm = pgbouncerIni()): StackOf {
  return (b) => [b[DB]!, cm, pgbouncerWithIni()];
}

/** The database without a service label. */
function anonymous() {
  return mutate(database(), "settings.userLabels", {});
}

export default examples({
  baseline: () => [database(), pgbouncer()],
  compliant: [
    { title: "pool_mode = transaction in a mounted pgbouncer.ini", stack: withIni() },
    { title: "env PGBOUNCER_POOL_MODE=transaction", stack: at(BOUNCER, `${ENV}.0.name`, "PGBOUNCER_POOL_MODE") },
    { title: "a PgBouncer that is a Helm chart child of the service", stack: (b) => { const chart = helmChart(); return [b[DB]!, chart, childOf(chart, b[BOUNCER]!)]; } },
    {
      title: "a pgbouncer.ini read through a projected volume",
      stack: (b) => [b[DB]!, pgbouncerIni(), mutate(pgbouncerWithIni(), "spec.template.spec.volumes.0", { name: "config", projected: { sources: [{ configMap: { name: "registration-pgbouncer-ini" } }] } })],
    },
    { title: "a replica (it follows its primary)", stack: plus((b) => sqlReplica(b[DB]!)) },
    { title: "a MySQL instance and no PgBouncer", stack: () => [mutate(database(), "databaseVersion", "MYSQL_8_0")] },
    { title: "a database of no service, and another service's PgBouncer", stack: () => [anonymous(), pgbouncer("maintenance")] },
  ],
  violating: [
    { title: "no PgBouncer, only the service's API", stack: change(BOUNCER, () => deployment()), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): Postgres instance of service 'registration' is not fronted by a PgBouncer workload (found no workload of service 'registration' runs a pgbouncer image). Fix: run PgBouncer as a workload of service 'registration' (label app.kubernetes.io/part-of: registration) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }] },
    { title: "only another service's PgBouncer", stack: change(BOUNCER, () => pgbouncer("maintenance")), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): Postgres instance of service 'registration' is not fronted by a PgBouncer workload (found no workload of service 'registration' runs a pgbouncer image). Fix: run PgBouncer as a workload of service 'registration' (label app.kubernetes.io/part-of: registration) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }] },
    { title: "env POOL_MODE=session", stack: at(BOUNCER, `${ENV}.0.value`, "session"), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): PgBouncer of service 'registration' does not pool in transaction mode (found 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) container 'pgbouncer': env POOL_MODE=\"session\"). Fix: run PgBouncer as a workload of service 'registration' (label app.kubernetes.io/part-of: registration) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }] },
    { title: "pool_mode = session in pgbouncer.ini", stack: withIni(pgbouncerIni("registration", "session")), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): PgBouncer of service 'registration' does not pool in transaction mode (found 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) container 'pgbouncer': ConfigMap \"registration-pgbouncer-ini\" pgbouncer.ini pool_mode=session). Fix: run PgBouncer as a workload of service 'registration' (label app.kubernetes.io/part-of: registration) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }] },
    {
      title: "a per-database pool_mode override in pgbouncer.ini",
      stack: withIni(mutate(pgbouncerIni(), "data", { "pgbouncer.ini": "[databases]\napp = host=db pool_mode=session\n[pgbouncer]\npool_mode = transaction\n" })),
      expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): PgBouncer of service 'registration' does not pool in transaction mode (found 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) container 'pgbouncer': ConfigMap \"registration-pgbouncer-ini\" pgbouncer.ini overrides pool_mode=session for a database). Fix: run PgBouncer as a workload of service 'registration' (label app.kubernetes.io/part-of: registration) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }],
    },
    { title: "a mounted ConfigMap without pgbouncer.ini", stack: withIni(mutate(pgbouncerIni(), "data", { "other.ini": "x" })), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): PgBouncer of service 'registration' does not pool in transaction mode (found 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) container 'pgbouncer': ConfigMap \"registration-pgbouncer-ini\" without pgbouncer.ini). Fix: run PgBouncer as a workload of service 'registration' (label app.kubernetes.io/part-of: registration) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }] },
    { title: "a mounted ConfigMap not in the stack", stack: (b) => [b[DB]!, pgbouncerWithIni()], expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): PgBouncer of service 'registration' does not pool in transaction mode (found 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) container 'pgbouncer': ConfigMap \"registration-pgbouncer-ini\" (not in the stack)). Fix: run PgBouncer as a workload of service 'registration' (label app.kubernetes.io/part-of: registration) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }] },
    { title: "no POOL_MODE and no pgbouncer.ini (PgBouncer's default: session)", stack: at(BOUNCER, ENV, []), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): PgBouncer of service 'registration' does not pool in transaction mode (found 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) container 'pgbouncer': no POOL_MODE env and no mounted pgbouncer.ini (PgBouncer defaults to session)). Fix: run PgBouncer as a workload of service 'registration' (label app.kubernetes.io/part-of: registration) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }] },
    { title: "a database of no service, and no PgBouncer in the stack", stack: () => [anonymous()], expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): Postgres instance of the stack is not fronted by a PgBouncer workload (found no workload of the stack runs a pgbouncer image). Fix: run PgBouncer as a workload of the stack (label with the service label) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction." }] },
    { title: "POOL_MODE unknown at preview", stack: at(BOUNCER, `${ENV}.0.value`, UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): the pool mode of 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) (the value of env POOL_MODE) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "env unknown at preview", stack: at(BOUNCER, ENV, UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): the pool mode of 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) ('spec.template.spec.containers[0].env') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "POOL_MODE from a ConfigMap key", stack: at(BOUNCER, `${ENV}.0`, { name: "POOL_MODE", valueFrom: { configMapKeyRef: { name: "pgb", key: "mode" } } }), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): the pool mode of 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) (env POOL_MODE, which comes from a configMap reference) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "pgbouncer.ini unknown at preview", stack: withIni(mutate(pgbouncerIni(), "data", UNKNOWN)), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): the pool mode of 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) (data.\"pgbouncer.ini\" of 'registration-pgbouncer-ini' (kubernetes:core/v1:ConfigMap)) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "volumes unknown at preview", stack: (b) => [b[DB]!, mutate(pgbouncerWithIni(), "spec.template.spec.volumes", UNKNOWN)], expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): the pool mode of 'registration-pgbouncer' (kubernetes:apps/v1:Deployment) ('spec.template.spec.volumes') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
