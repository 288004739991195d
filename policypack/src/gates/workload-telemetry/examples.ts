/** Examples of `workload-telemetry`, run by test/gates/examples.spec.ts. */
import { pgbouncer } from "../../../../test/fixtures/k8s";
import { allKinds, C0, ENV, KIND, RUN0, withEnv } from "../../../../test/fixtures/workloads";
import { at, change, examples } from "../../../../test/support/examples";
import { mutate, UNKNOWN } from "../../../../test/support/fixtures";

/** The first env var of the baseline containers: OTEL_SERVICE_NAME. */
const SERVICE_NAME = `${ENV}.0`;
/** The second: OTEL_EXPORTER_OTLP_ENDPOINT. */
const ENDPOINT = `${ENV}.1`;
const FROM_CONFIG_MAP = [{ configMapRef: { name: "otel-env" } }];

export default examples({
  baseline: () => [...allKinds(), pgbouncer()],
  compliant: [
    { title: "a sidecar without ports", stack: at(KIND.deployment, "spec.template.spec.containers.1", { name: "log-shipper", image: "x" }) },
    { title: "a Job without OTel env", stack: at(KIND.job, ENV, []) },
    { title: "service.name in OTEL_RESOURCE_ATTRIBUTES", stack: at(KIND.deployment, SERVICE_NAME, { name: "OTEL_RESOURCE_ATTRIBUTES", value: "deployment.environment=prod,service.name=registration" }) },
    { title: "a service name from the downward API", stack: at(KIND.deployment, SERVICE_NAME, { name: "OTEL_SERVICE_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }) },
    { title: "OTEL_RESOURCE_ATTRIBUTES from a ConfigMap key", stack: at(KIND.deployment, SERVICE_NAME, { name: "OTEL_RESOURCE_ATTRIBUTES", valueFrom: { configMapKeyRef: { name: "otel", key: "attrs" } } }) },
    { title: "a traces-only exporter endpoint", stack: at(KIND.deployment, `${ENDPOINT}.name`, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") },
    { title: "Cloud Run: an exempt image", stack: (b) => [mutate(b[KIND.cloudRunService]!, `${RUN0}.envs`, [])], config: { exemptImages: ["registration-web"] } },
  ],
  violating: [
    { title: "no service name", stack: at(KIND.deployment, SERVICE_NAME, { name: "LOG_LEVEL", value: "info" }), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app' is not instrumented with OpenTelemetry (found no service name (OTEL_SERVICE_NAME, or service.name in OTEL_RESOURCE_ATTRIBUTES)). Fix: set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in the container's env." }] },
    { title: "OTEL_RESOURCE_ATTRIBUTES without service.name", stack: at(KIND.deployment, SERVICE_NAME, { name: "OTEL_RESOURCE_ATTRIBUTES", value: "deployment.environment=prod" }), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app' is not instrumented with OpenTelemetry (found no service name (OTEL_SERVICE_NAME, or service.name in OTEL_RESOURCE_ATTRIBUTES)). Fix: set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in the container's env." }] },
    { title: "a blank exporter endpoint", stack: at(KIND.deployment, `${ENDPOINT}.value`, " "), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app' is not instrumented with OpenTelemetry (found no exporter endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)). Fix: set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in the container's env." }] },
    { title: "OTEL_SDK_DISABLED=true", stack: change(KIND.deployment, (d) => withEnv(d, { name: "OTEL_SDK_DISABLED", value: "true" })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app' is not instrumented with OpenTelemetry (found OTEL_SDK_DISABLED=true). Fix: set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in the container's env." }] },
    { title: "OTEL_TRACES_EXPORTER=none", stack: change(KIND.deployment, (d) => withEnv(d, { name: "OTEL_TRACES_EXPORTER", value: "none" })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app' is not instrumented with OpenTelemetry (found OTEL_TRACES_EXPORTER=\"none\"). Fix: set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in the container's env." }] },
    { title: "Cloud Run: no OTel env", stack: at(KIND.cloudRunService, `${RUN0}.envs`, []), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): container 'app' is not instrumented with OpenTelemetry (found no service name (OTEL_SERVICE_NAME, or service.name in OTEL_RESOURCE_ATTRIBUTES); no exporter endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)). Fix: set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in the container's env." }] },
    { title: "env unknown at preview", stack: at(KIND.deployment, ENV, UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.containers[0].env' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "no OTel env, but envFrom a ConfigMap", stack: change(KIND.deployment, (d) => mutate(mutate(d, ENV, []), `${C0}.envFrom`, FROM_CONFIG_MAP)), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app' has no service name (OTEL_SERVICE_NAME, or service.name in OTEL_RESOURCE_ATTRIBUTES) and no exporter endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) in env, but loads env from configMap \"otel-env\", which a per-resource check cannot read, so this gate is not decided for it. Fix: set the OTEL_* variables in the container's env." }] },
    {
      title: "OTEL_SDK_DISABLED=true and envFrom a ConfigMap",
      stack: change(KIND.deployment, (d) => mutate(withEnv(d, { name: "OTEL_SDK_DISABLED", value: "true" }), `${C0}.envFrom`, FROM_CONFIG_MAP)),
      expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app' is not instrumented with OpenTelemetry (found OTEL_SDK_DISABLED=true). Fix: set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in the container's env." }],
    },
  ],
});
