/** Examples of `workload-no-orm-synchronize`, run by test/gates/examples.spec.ts. */
import { allKinds, ENV, KIND, RUN0, withEnv } from "../../../../test/fixtures/workloads";
import { at, change, examples } from "../../../../test/support/examples";
import { mutate, UNKNOWN } from "../../../../test/support/fixtures";

/** TYPEORM_SYNCHRONIZE, the fourth env var of the baseline containers ("false"). */
const SYNC = `${ENV}.3`;

/** The Deployment's TYPEORM_SYNCHRONIZE read from a ConfigMap or Secret key instead of a literal. */
function syncFrom(ref: "configMapKeyRef" | "secretKeyRef") {
  return change(KIND.deployment, (d) => mutate(mutate(d, `${SYNC}.value`, undefined), `${SYNC}.valueFrom`, { [ref]: { name: "orm", key: "sync" } }));
}

export default examples({
  baseline: allKinds,
  compliant: [{ title: "a sync-looking name from the downward API", stack: change(KIND.deployment, (d) => withEnv(d, { name: "DB_SYNC", valueFrom: { fieldRef: { fieldPath: "x" } } })) }],
  violating: [
    { title: "TYPEORM_SYNCHRONIZE=true", stack: at(KIND.deployment, `${SYNC}.value`, "true"), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env TYPEORM_SYNCHRONIZE turns ORM schema synchronisation on (found TYPEORM_SYNCHRONIZE=\"true\"). Fix: remove TYPEORM_SYNCHRONIZE or set it to false; schema changes go through migrations." }] },
    { title: "SEQUELIZE_SYNC=yes in a Job", stack: at(KIND.job, ENV, [{ name: "SEQUELIZE_SYNC", value: "yes" }]), expect: [{ name: "registration-migrate", message: "'registration-migrate' (kubernetes:batch/v1:Job): container 'migrate': env SEQUELIZE_SYNC turns ORM schema synchronisation on (found SEQUELIZE_SYNC=\"yes\"). Fix: remove SEQUELIZE_SYNC or set it to false; schema changes go through migrations." }] },
    { title: "Hibernate's ddl-auto update", stack: change(KIND.deployment, (d) => withEnv(d, { name: "SPRING_JPA_HIBERNATE_DDL_AUTO", value: "update" })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env SPRING_JPA_HIBERNATE_DDL_AUTO lets Hibernate change the schema at start-up (found SPRING_JPA_HIBERNATE_DDL_AUTO=\"update\"). Fix: remove SPRING_JPA_HIBERNATE_DDL_AUTO or set it to false; schema changes go through migrations." }] },
    { title: "Cloud Run: DB_SYNCHRONIZE=1", stack: at(KIND.cloudRunService, `${RUN0}.envs.2`, { name: "DB_SYNCHRONIZE", value: "1" }), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): container 'app': env DB_SYNCHRONIZE turns ORM schema synchronisation on (found DB_SYNCHRONIZE=\"1\"). Fix: remove DB_SYNCHRONIZE or set it to false; schema changes go through migrations." }] },
    { title: "the switch's value unknown at preview", stack: at(KIND.deployment, `${SYNC}.value`, UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): the value of env TYPEORM_SYNCHRONIZE ('spec.template.spec.containers[0].env[3]') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "the switch read from a ConfigMap", stack: syncFrom("configMapKeyRef"), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env TYPEORM_SYNCHRONIZE takes its value from ConfigMap \"orm\" key \"sync\", which a per-resource check cannot read, so this gate is not decided for it. Fix: set TYPEORM_SYNCHRONIZE: \"false\" literally, or remove it." }] },
    { title: "the switch read from a Secret", stack: syncFrom("secretKeyRef"), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env TYPEORM_SYNCHRONIZE takes its value from Secret \"orm\" key \"sync\", which a per-resource check cannot read, so this gate is not decided for it. Fix: set TYPEORM_SYNCHRONIZE: \"false\" literally, or remove it." }] },
    { title: "env unknown at preview", stack: at(KIND.deployment, ENV, UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.containers[0].env' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
