/** Examples of `migration-job-before-deploy`, run by test/gates/examples.spec.ts. */
import { T } from "../../access/tokens";
import { COMPONENT, database, deployment, migrationJob, PART_OF, pipeline, replace, service, twoServices, without } from "../../../../test/fixtures/stack";
import { examples, type StackOf } from "../../../../test/support/examples";
import { mutate, res, UNKNOWN } from "../../../../test/support/fixtures";

/** The baseline with the named resource changed at one property path (undefined deletes it). */
const set = (name: string, path: string, value: unknown): StackOf => (b) => replace(b, name, (r) => mutate(r, path, value));

// billing: a database, its migration Job and an api that waits for it, plus what each case adds.
const job = migrationJob("billing");
const api = deployment("billing", "billing-api", { dependencies: [job.urn] });
/** A container list for a deployment of billing. */
const containers = (name: string, list: unknown[]) => mutate(deployment("billing", name), "spec.template.spec.containers", list);
/** configMaps cycle-a ⇄ cycle-b: a dependency cycle. */
const cycleA = res(T.configMap, "cycle-a", {}, { dependencies: [res(T.configMap, "cycle-b", {}).urn] });
const cycleB = res(T.configMap, "cycle-b", {}, { dependencies: [cycleA.urn] });
/** billing's database with a Cloud Run migration job (with this runExecutionToken) that its Cloud Run service waits for. */
const cloudRun = (token?: string): StackOf => () => {
  const j = res(T.cloudRunJob, "billing-migrate", {
    location: "europe-west1",
    labels: { service: "billing", [COMPONENT]: "migrations" },
    ...(token ? { runExecutionToken: token } : {}),
    template: { template: { containers: [{ image: "migrate" }] } },
  });
  return [database("billing"), j, res(T.cloudRunService, "billing", { location: "europe-west1", labels: { service: "billing" } }, { dependencies: [j.urn] })];
};
/** billing's database and a Cloud Deploy pipeline whose prod stage has this predeploy hook. */
const predeploy = (hook: unknown, strategy = "standard"): StackOf => () => [database("billing"), pipeline("billing", [{ targetId: "prod", strategy: { [strategy]: { predeploy: hook } } }])];

export default examples({
  // Every workload of a service with a database depends on its migration Job.
  baseline: () => twoServices(),
  compliant: [
    { title: "a service without a database needs no migration Job", stack: () => service("gateway", { database: false }) },
    {
      title: "connection poolers (component pgbouncer, or only pgbouncer images) need not wait",
      stack: () => [database("billing"), job, api, deployment("billing", "billing-pooler", {}, { [COMPONENT]: "pgbouncer" }), containers("billing-bouncer", [{ name: "pgbouncer", image: "bitnami/pgbouncer:1.23" }])],
    },
    { title: "a configured component value", stack: set("maintenance-migrate", "metadata.labels", { [PART_OF]: "maintenance", [COMPONENT]: "schema" }), config: { componentValues: ["schema", "migrations"] } },
    {
      title: "dependencies followed transitively, through the component that holds the Job or the workload, across a cycle",
      stack: () => {
        const cm = res(T.configMap, "billing-config", { metadata: { name: "billing-config" } }, { dependencies: [job.urn] });
        const component = res("acme:stack:Migrations", "billing-migrations", {});
        const nested = { ...migrationJob("billing", "billing-migrate-nested"), parent: component.urn };
        const viaConfig = deployment("billing", "billing-api", { dependencies: [cm.urn] });
        const viaComponent = deployment("billing", "billing-worker", { dependencies: [component.urn] });
        const appComponent = res("acme:stack:App", "billing-app", {}, { dependencies: [job.urn] });
        const child = { ...deployment("billing", "billing-cron"), parent: appComponent.urn };
        const cyclic = deployment("billing", "billing-cyclic", { dependencies: [cycleA.urn, job.urn] });
        return [database("billing"), job, cm, component, nested, viaConfig, viaComponent, appComponent, child, cycleA, cycleB, cyclic];
      },
    },
    { title: "a Cloud Run migration job with a run execution token", stack: cloudRun("v42") },
    { title: "a Cloud Run migration job with a run execution token unknown at preview", stack: cloudRun(UNKNOWN) },
    { title: "a Cloud Deploy predeploy action that migrates", stack: predeploy({ actions: ["db-migrate"] }) },
    { title: "a Cloud Deploy predeploy task that migrates", stack: predeploy({ tasks: [{ container: { image: "tool", command: ["/bin/migrate"], args: ["up"] } }] }) },
    {
      title: "a Cloud Deploy canary predeploy action that migrates",
      stack: () => [database("billing"), pipeline("billing", [{ targetId: "prod", strategy: { canary: { canaryDeployment: { percentages: [5], predeploy: { actions: ["run-migrations"] } } } } }])],
    },
    { title: "a service with a database and its Job but no workload", stack: () => [database("billing"), migrationJob("billing")] },
    { title: "a database that belongs to no service", stack: () => [mutate(database("billing"), "settings.userLabels", {})] },
  ],
  violating: [
    { title: "a workload that does not wait for the Job", stack: (b) => replace(b, "registration-api", (r) => ({ ...r, dependencies: [] })), expect: [{ name: "registration-api", message: "service 'registration': has workloads that do not wait for its migration Job 'registration-migrate', so new code can start before the schema is migrated (found 'registration-api' without a dependency on the Job). Fix: add dependsOn: [<migration Job>] to 'registration-api' (or to the component that creates them)." }] },
    { title: "a workload with a pgbouncer container and an app container", stack: () => [database("billing"), job, api, containers("billing-worker", [{ name: "pgbouncer", image: "pgbouncer" }, { name: "app", image: "worker" }])], expect: [{ name: "billing-worker", message: "service 'billing': has workloads that do not wait for its migration Job 'billing-migrate', so new code can start before the schema is migrated (found 'billing-worker' without a dependency on the Job). Fix: add dependsOn: [<migration Job>] to 'billing-worker' (or to the component that creates them)." }] },
    { title: "a service with a database and no migration Job", stack: (b) => without(b, "maintenance-migrate"), expect: [{ name: "maintenance-api", message: "service 'maintenance': has a database ('maintenance-db') but no migration Job that runs before it is deployed (found no kubernetes:batch/v1:Job labelled app.kubernetes.io/component: migrations with the service's label). Fix: add a Kubernetes Job (or a Cloud Run v2 Job with runExecutionToken) labelled app.kubernetes.io/component: \"migrations\" and app.kubernetes.io/part-of: \"maintenance\" that runs the migrations, and make the service's workloads dependOn it." }] },
    { title: "a Job without the migrations component label", stack: set("maintenance-migrate", "metadata.labels", { [PART_OF]: "maintenance" }), expect: [{ name: "maintenance-api", message: "service 'maintenance': has a database ('maintenance-db') but no migration Job that runs before it is deployed (found no kubernetes:batch/v1:Job labelled app.kubernetes.io/component: migrations with the service's label). Fix: add a Kubernetes Job (or a Cloud Run v2 Job with runExecutionToken) labelled app.kubernetes.io/component: \"migrations\" and app.kubernetes.io/part-of: \"maintenance\" that runs the migrations, and make the service's workloads dependOn it." }] },
    {
      title: "a workload whose dependencies (a cycle, a missing resource) never reach the Job",
      stack: () => [database("billing"), job, cycleA, cycleB, deployment("billing", "billing-api", { dependencies: [cycleA.urn, "urn:pulumi:prod::readiness::x:y:Z::gone"] })],
      expect: [{ name: "billing-api", message: "service 'billing': has workloads that do not wait for its migration Job 'billing-migrate', so new code can start before the schema is migrated (found 'billing-api' without a dependency on the Job). Fix: add dependsOn: [<migration Job>] to 'billing-api' (or to the component that creates them)." }],
    },
    {
      title: "another service's migration Job does not count",
      stack: () => {
        const theirs = migrationJob("other");
        return [database("billing"), theirs, job, deployment("billing", "billing-api", { dependencies: [theirs.urn] })];
      },
      expect: [{ name: "billing-api", message: "service 'billing': has workloads that do not wait for its migration Job 'billing-migrate', so new code can start before the schema is migrated (found 'billing-api' without a dependency on the Job). Fix: add dependsOn: [<migration Job>] to 'billing-api' (or to the component that creates them)." }],
    },
    { title: "a Cloud Run migration job without run execution token", stack: cloudRun(), expect: [{ name: "billing", message: "service 'billing': has a database ('billing-db') but no migration Job that runs before it is deployed (found Cloud Run job 'billing-migrate' has no runExecutionToken, so it does not run on deploy). Fix: add a Kubernetes Job (or a Cloud Run v2 Job with runExecutionToken) labelled app.kubernetes.io/component: \"migrations\" and app.kubernetes.io/part-of: \"billing\" that runs the migrations, and make the service's workloads dependOn it." }] },
    { title: "a Cloud Deploy predeploy hook that does not migrate", stack: predeploy({ actions: ["warm-cache"], tasks: [{ container: { image: "tool" } }] }), expect: [{ name: "billing-pipeline", message: "service 'billing': has a database ('billing-db') but no migration Job that runs before it is deployed (found no kubernetes:batch/v1:Job labelled app.kubernetes.io/component: migrations with the service's label). Fix: add a Kubernetes Job (or a Cloud Run v2 Job with runExecutionToken) labelled app.kubernetes.io/component: \"migrations\" and app.kubernetes.io/part-of: \"billing\" that runs the migrations, and make the service's workloads dependOn it." }] },
    { title: "the pipeline's stages unknown at preview", stack: () => [database("billing"), pipeline("billing", UNKNOWN as unknown as unknown[])], expect: [{ name: "billing-pipeline", kind: "undecided", message: "service 'billing': whether its Cloud Deploy pipeline runs migrations before deploying (its stages) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a predeploy hook unknown at preview", stack: predeploy(UNKNOWN), expect: [{ name: "billing-pipeline", kind: "undecided", message: "service 'billing': whether its Cloud Deploy pipeline runs migrations before deploying (its stages) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a service with a database and no workload in the stack", stack: () => [database("billing")], expect: [{ name: "billing-db", message: "service 'billing': has a database ('billing-db') but no migration Job that runs before it is deployed (found no kubernetes:batch/v1:Job labelled app.kubernetes.io/component: migrations with the service's label). Fix: add a Kubernetes Job (or a Cloud Run v2 Job with runExecutionToken) labelled app.kubernetes.io/component: \"migrations\" and app.kubernetes.io/part-of: \"billing\" that runs the migrations, and make the service's workloads dependOn it." }] },
  ],
});
