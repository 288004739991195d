/** Examples of `workload-health-probes`, run by test/gates/examples.spec.ts. */
import { deployment, pgbouncer } from "../../../../test/fixtures/k8s";
import { allKinds, C0, KIND, RUN0 } from "../../../../test/fixtures/workloads";
import { at, change, examples } from "../../../../test/support/examples";
import { mutate, UNKNOWN } from "../../../../test/support/fixtures";

/** Index of the PgBouncer in the baseline (after allKinds() and a worker without ports or probes). */
const PGBOUNCER = allKinds().length + 1;

/** A worker Deployment without ports: it serves no traffic, so it needs no probes. */
function worker() {
  const w = mutate(deployment("registration", "registration-worker"), `${C0}.ports`, undefined);
  return mutate(mutate(w, `${C0}.livenessProbe`, undefined), `${C0}.readinessProbe`, undefined);
}

export default examples({
  baseline: () => [...allKinds(), worker(), pgbouncer()],
  compliant: [
    { title: "a query string on the configured path", stack: at(KIND.deployment, `${C0}.livenessProbe.httpGet.path`, "/health/live?full=1") },
    { title: "a sidecar without ports and without probes", stack: at(KIND.deployment, "spec.template.spec.containers.1", { name: "log-shipper", image: "x" }) },
    { title: "Cloud Run: a startup probe on the liveness path", stack: at(KIND.cloudRunService, `${RUN0}.startupProbe.httpGet.path`, "/health/live") },
    {
      title: "a Rollout that delegates to a Deployment (workloadRef)",
      stack: change(KIND.rollout, (r) => mutate(mutate(r, "spec.template", undefined), "spec.workloadRef", { kind: "Deployment", name: "registration-api" })),
    },
  ],
  violating: [
    { title: "no liveness probe", stack: at(KIND.deployment, `${C0}.livenessProbe`, undefined), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app' has no livenessProbe (found spec.template.spec.containers[0].livenessProbe not set). Fix: add livenessProbe.httpGet.path: \"/health/live\" (port: the container's port)." }] },
    { title: "a readiness probe on another path (a Helm chart child)", stack: at(KIND.chartChild, `${C0}.readinessProbe.httpGet.path`, "/healthz"), expect: [{ name: "registration-chart-chart-api", message: "'registration-chart-chart-api' (kubernetes:apps/v1:Deployment): container 'app': its readinessProbe does not check /health/ready (found spec.template.spec.containers[0].readinessProbe.httpGet.path \"/healthz\"). Fix: set readinessProbe.httpGet.path: \"/health/ready\"." }] },
    { title: "a liveness probe that is not an HTTP check (StatefulSet)", stack: at(KIND.statefulSet, `${C0}.livenessProbe`, { tcpSocket: { port: 8080 } }), expect: [{ name: "registration-worker", message: "'registration-worker' (kubernetes:apps/v1:StatefulSet): container 'app': its livenessProbe is not an HTTP check on /health/live (found spec.template.spec.containers[0].livenessProbe uses tcpSocket). Fix: use livenessProbe.httpGet.path: \"/health/live\"." }] },
    { title: "a readiness probe with no handler (Rollout)", stack: at(KIND.rollout, `${C0}.readinessProbe`, { periodSeconds: 5 }), expect: [{ name: "registration-rollout", message: "'registration-rollout' (kubernetes:argoproj.io/v1alpha1:Rollout): container 'app': its readinessProbe is not an HTTP check on /health/ready (found spec.template.spec.containers[0].readinessProbe has no handler). Fix: use readinessProbe.httpGet.path: \"/health/ready\"." }] },
    { title: "an HTTP liveness probe without a path", stack: at(KIND.deployment, `${C0}.livenessProbe.httpGet.path`, undefined), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': its livenessProbe does not check /health/live (found spec.template.spec.containers[0].livenessProbe.httpGet.path not set). Fix: set livenessProbe.httpGet.path: \"/health/live\"." }] },
    {
      title: "a second serving container without probes",
      stack: at(KIND.deployment, "spec.template.spec.containers.1", { name: "admin", image: "x", ports: [{ containerPort: 9000 }] }),
      expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'admin' has no livenessProbe (found spec.template.spec.containers[1].livenessProbe not set). Fix: add livenessProbe.httpGet.path: \"/health/live\" (port: the container's port)." }, { name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'admin' has no readinessProbe (found spec.template.spec.containers[1].readinessProbe not set). Fix: add readinessProbe.httpGet.path: \"/health/ready\" (port: the container's port)." }],
    },
    { title: "a non-HTTP image (PgBouncer) without a liveness probe", stack: at(PGBOUNCER, `${C0}.livenessProbe`, undefined), expect: [{ name: "registration-pgbouncer", message: "'registration-pgbouncer' (kubernetes:apps/v1:Deployment): container 'pgbouncer' has no livenessProbe (found spec.template.spec.containers[0].livenessProbe not set). Fix: add a livenessProbe (tcpSocket on the container's port, or exec)." }] },
    { title: "PgBouncer's tcpSocket probes when its image is not in nonHttpImages", stack: (b) => b, config: { nonHttpImages: ["cloud-sql-proxy"] }, expect: [{ name: "registration-pgbouncer", message: "'registration-pgbouncer' (kubernetes:apps/v1:Deployment): container 'pgbouncer': its livenessProbe is not an HTTP check on /health/live (found spec.template.spec.containers[0].livenessProbe uses tcpSocket). Fix: use livenessProbe.httpGet.path: \"/health/live\"." }, { name: "registration-pgbouncer", message: "'registration-pgbouncer' (kubernetes:apps/v1:Deployment): container 'pgbouncer': its readinessProbe is not an HTTP check on /health/ready (found spec.template.spec.containers[0].readinessProbe uses tcpSocket). Fix: use readinessProbe.httpGet.path: \"/health/ready\"." }] },
    { title: "a configured liveness path the Deployment does not probe", stack: (b) => [b[KIND.deployment]!], config: { livenessPath: "/livez" }, expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': its livenessProbe does not check /livez (found spec.template.spec.containers[0].livenessProbe.httpGet.path \"/health/live\"). Fix: set livenessProbe.httpGet.path: \"/livez\"." }] },
    { title: "a configured path that is not an HTTP path", stack: (b) => [b[KIND.deployment]!], config: { livenessPath: "health" }, expect: [{ kind: "config", message: "invalid pack config at workload-health-probes.livenessPath: must be an HTTP path such as \"/health/live\". Fix: start it with \"/\"." }] },
    { title: "Cloud Run: no startup probe", stack: at(KIND.cloudRunService, `${RUN0}.startupProbe`, undefined), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): container 'app' has no startupProbe (found template.containers[0].startupProbe not set). Fix: add startupProbe.httpGet.path: \"/health/ready\" (port: the container's port)." }] },
    { title: "Cloud Run: a liveness probe on another path", stack: at(KIND.cloudRunService, `${RUN0}.livenessProbe.httpGet.path`, "/"), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): container 'app': its livenessProbe does not check /health/live (found template.containers[0].livenessProbe.httpGet.path \"/\"). Fix: set livenessProbe.httpGet.path: \"/health/live\"." }] },
    { title: "Cloud Run: a startup probe that is not an HTTP check", stack: at(KIND.cloudRunService, `${RUN0}.startupProbe`, { tcpSocket: { port: 8080 } }), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): container 'app': its startupProbe is not an HTTP check on /health/ready or /health/live (found template.containers[0].startupProbe uses tcpSocket). Fix: use startupProbe.httpGet.path: \"/health/ready\"." }] },
    { title: "containers unknown at preview", stack: at(KIND.deployment, "spec.template.spec.containers", UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.containers' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a probe unknown at preview", stack: at(KIND.deployment, `${C0}.livenessProbe`, UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.containers[0].livenessProbe' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a probe path unknown at preview", stack: at(KIND.deployment, `${C0}.livenessProbe.httpGet.path`, UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.containers[0].livenessProbe.httpGet.path' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
