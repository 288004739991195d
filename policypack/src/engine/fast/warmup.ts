/**
 * The warm-up stack: one small service of every kind of resource the stack gates read,
 * sent through the one-pass AnalyzeStack (encode, decode, StackView, every stack rule, response
 * encode) once, while the pack would otherwise be idle (see analyze-stack.ts).
 *
 * Why: the first AnalyzeStack of a process otherwise runs on code V8 has not compiled yet and
 * sets up the SQL parser. Measured on 50,000 resources (bench/, 2 cores): the stack rules take
 * 1.0–1.2 s on the first request of a process and 0.66–0.79 s once a small stack (30 to 300
 * resources) has been through them first. A preview always gives the pack that idle time: the
 * engine sends Configure and one Analyze per resource before the one AnalyzeStack.
 *
 * Names here are the warm-up's own; nothing of it reaches a response.
 */
import type { ResourceInput } from "../../access/resource";
import { T } from "../../access/tokens";
import { secretWrapper } from "../../access/values";

const SVC = "warm-up";
const PROJECT = "warm-up-project";
const REGION = "europe-west1";
const SECRET = secretWrapper("warm-up-secret-value");

const urn = (type: string, name: string) => `urn:pulumi:warm-up::warm-up::${type}::${name}`;
const PROVIDER = { type: "pulumi:providers:gcp", urn: urn("pulumi:providers:gcp", "default"), name: "default", props: { project: PROJECT, region: REGION } };
const LABELS = { service: SVC, env: "prod" };
const K8S_LABELS = { "app.kubernetes.io/part-of": SVC, "app.kubernetes.io/name": SVC };

function gcp(type: string, name: string, props: Record<string, unknown>, deps: Record<string, string> = {}): ResourceInput {
  const propertyDependencies = Object.fromEntries(Object.entries(deps).map(([k, u]) => [k, [u]]));
  return { type, urn: urn(type, name), name, props, provider: PROVIDER, dependencies: Object.values(deps), propertyDependencies, opts: { protect: true } };
}

function k8s(type: string, name: string, kind: string, rest: Record<string, unknown>, labels: Record<string, string> = K8S_LABELS): ResourceInput {
  return { type, urn: urn(type, name), name, props: { apiVersion: "v1", kind, metadata: { name, namespace: SVC, labels }, ...rest } };
}

function container(name: string, image: string, env: readonly Record<string, unknown>[]): Record<string, unknown> {
  return {
    name,
    image,
    env,
    ports: [{ containerPort: 8080 }],
    livenessProbe: { httpGet: { path: "/live", port: 8080 }, periodSeconds: 10 },
    readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 5 },
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    volumeMounts: [{ name: "config", mountPath: "/etc/app" }],
  };
}

function workload(type: string, name: string, kind: string, containers: readonly Record<string, unknown>[]): ResourceInput {
  const pod = { serviceAccountName: SVC, containers, volumes: [{ name: "config", configMap: { name: `${SVC}-config` } }] };
  const spec = kind === "Job" ? { template: { metadata: { labels: K8S_LABELS }, spec: { ...pod, restartPolicy: "Never" } } } : {
    replicas: 2,
    selector: { matchLabels: K8S_LABELS },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
    template: { metadata: { labels: K8S_LABELS }, spec: pod },
  };
  return k8s(type, name, kind, { spec });
}

const MIGRATIONS = {
  "0001_schema.up.sql": "CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE TABLE items (id bigint PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL, price_cents bigint NOT NULL);\nALTER TABLE items ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant ON items USING (tenant_id = current_setting('app.tenant_id')::uuid);\n",
  "0001_schema.down.sql": "DROP TABLE items;\n",
  "0002_index.up.sql": "CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name_trgm ON items USING gin (name gin_trgm_ops);\n",
  "0002_index.down.sql": "DROP INDEX CONCURRENTLY IF EXISTS items_name_trgm;\n",
};

/** The warm-up stack (a fresh copy each call). */
export function warmUpStack(): ResourceInput[] {
  const ring = gcp(T.kmsKeyRing, "ring", { name: SVC, location: REGION });
  const keyName = `projects/${PROJECT}/locations/${REGION}/keyRings/${SVC}/cryptoKeys/data`;
  const key = gcp(T.kmsCryptoKey, "key", { name: "data", keyRing: ring.urn, rotationPeriod: "7776000s", purpose: "ENCRYPT_DECRYPT", labels: LABELS }, { keyRing: ring.urn });
  const db = gcp(
    T.sqlInstance,
    "db",
    {
      name: `${SVC}-db`,
      region: REGION,
      databaseVersion: "POSTGRES_15",
      deletionProtection: true,
      encryptionKeyName: keyName,
      settings: {
        tier: "db-custom-2-7680",
        availabilityType: "REGIONAL",
        userLabels: LABELS,
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, backupRetentionSettings: { retainedBackups: 14 } },
        ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" },
        databaseFlags: [{ name: "cloudsql.iam_authentication", value: "on" }],
      },
    },
    { encryptionKeyName: key.urn },
  );
  const replica = gcp(
    T.sqlInstance,
    "db-replica",
    { name: `${SVC}-db-replica`, region: "europe-west4", databaseVersion: "POSTGRES_15", masterInstanceName: `${SVC}-db`, encryptionKeyName: keyName, settings: { userLabels: LABELS } },
    { masterInstanceName: db.urn },
  );
  const app = container(SVC, `${REGION}-docker.pkg.dev/${PROJECT}/apps/${SVC}@sha256:${"0".repeat(64)}`, [
    { name: "LOG_LEVEL", value: "info" },
    { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: `${SVC}-db`, key: "url" } } },
    { name: "API_TOKEN", value: SECRET },
  ]);
  const bouncer = container("pgbouncer", `${REGION}-docker.pkg.dev/${PROJECT}/platform/pgbouncer:1.23`, [{ name: "POOL_MODE", value: "transaction" }]);
  return [
    ring,
    key,
    db,
    replica,
    gcp(T.bucket, "bucket", { name: `${SVC}-files`, location: "EUROPE-WEST1", labels: LABELS, encryption: { defaultKmsKeyName: keyName }, uniformBucketLevelAccess: true, versioning: { enabled: true } }),
    gcp(T.pubsubTopic, "topic", { name: `${SVC}-events`, labels: LABELS, kmsKeyName: keyName, messageStoragePolicy: { allowedPersistenceRegions: [REGION] } }),
    gcp(T.secret, "secret", { secretId: `${SVC}-db`, labels: LABELS, replication: { userManaged: { replicas: [{ location: REGION, customerManagedEncryption: { kmsKeyName: keyName } }] } } }),
    gcp(T.cloudRunService, "run", { name: `${SVC}-worker`, location: REGION, labels: LABELS, ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", template: { labels: LABELS, containers: [{ image: "gcr.io/x/worker", resources: { limits: { cpu: "1", memory: "512Mi" } } }] } }),
    gcp(T.runIamMember, "run-invoker", { name: `${SVC}-worker`, location: REGION, role: "roles/run.invoker", member: `serviceAccount:kong@${PROJECT}.iam.gserviceaccount.com` }),
    gcp(T.cloudRunV1Service, "run-v1", { name: `${SVC}-v1`, location: REGION, metadata: { labels: LABELS }, template: { metadata: { annotations: { "autoscaling.knative.dev/minScale": "2", "autoscaling.knative.dev/maxScale": "4" } }, spec: { containers: [{ image: "gcr.io/x/v1", ports: [{ containerPort: 8080 }] }] } } }),
    gcp(T.functionV2, "function", { name: `${SVC}-fn`, location: REGION, labels: LABELS, buildConfig: { runtime: "nodejs20" }, serviceConfig: { availableMemory: "256M", maxInstanceCount: 3, environmentVariables: { LOG_LEVEL: "info" } } }),
    gcp(T.computeInstance, "vm", { name: `${SVC}-vm`, zone: `${REGION}-b`, labels: LABELS, machineType: "e2-small", bootDisk: { kmsKeySelfLink: keyName, initializeParams: { image: "debian-12" } }, attachedDisks: [{ source: "projects/x/zones/z/disks/d" }], serviceAccount: { scopes: ["cloud-platform"] }, metadata: { "enable-oslogin": "TRUE" } }),
    gcp(T.alertPolicy, "alert", { displayName: `${SVC} errors`, userLabels: LABELS, conditions: [{ displayName: "5xx", conditionThreshold: { filter: "metric.type=\"x\"", comparison: "COMPARISON_GT", thresholdValue: 1, duration: "300s" } }], notificationChannels: ["projects/x/notificationChannels/1"] }),
    gcp(T.slo, "slo", { service: SVC, sloId: `${SVC}-availability`, goal: 0.999, rollingPeriodDays: 28, userLabels: LABELS }),
    gcp(T.uptimeCheck, "uptime", { displayName: `${SVC} uptime`, userLabels: LABELS, period: "60s", timeout: "10s", httpCheck: { path: "/ready", useSsl: true }, monitoredResource: { type: "uptime_url", labels: { host: `${SVC}.example.com` } } }),
    gcp(T.dashboard, "dashboard", { dashboardJson: JSON.stringify({ displayName: SVC, labels: LABELS }) }),
    gcp(T.deployPipeline, "pipeline", { name: SVC, location: REGION, labels: LABELS, serialPipeline: { stages: [{ targetId: "prod", strategy: { canary: { canaryDeployment: { percentages: [10, 50] }, runtimeConfig: { kubernetes: { serviceNetworking: { service: SVC, deployment: SVC } } } } } }] } }),
    k8s(T.k8sServiceAccount, SVC, "ServiceAccount", { metadata: { name: SVC, namespace: SVC, labels: K8S_LABELS, annotations: { "iam.gke.io/gcp-service-account": `${SVC}@${PROJECT}.iam.gserviceaccount.com` } } }),
    k8s(T.k8sSecret, `${SVC}-db`, "Secret", { type: "Opaque", data: { url: SECRET } }),
    k8s(T.configMap, `${SVC}-config`, "ConfigMap", { data: { "app.yaml": "feature: on\n", TZ: "UTC" } }),
    k8s(T.configMap, `${SVC}-migrations`, "ConfigMap", { data: MIGRATIONS }, { ...K8S_LABELS, "app.kubernetes.io/component": "migrations" }),
    workload(T.deployment, SVC, "Deployment", [app]),
    workload(T.deployment, `${SVC}-pgbouncer`, "Deployment", [bouncer]),
    workload(T.job, `${SVC}-migrate`, "Job", [container("migrate", `${REGION}-docker.pkg.dev/${PROJECT}/apps/migrate:1`, [])]),
    k8s(T.hpa, SVC, "HorizontalPodAutoscaler", { spec: { scaleTargetRef: { kind: "Deployment", name: SVC }, minReplicas: 2, maxReplicas: 6, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] } }),
    k8s(T.k8sService, SVC, "Service", { spec: { type: "ClusterIP", selector: { "app.kubernetes.io/name": SVC }, ports: [{ port: 80, targetPort: 8080 }] } }),
    k8s(T.ingress, SVC, "Ingress", {
      metadata: { name: SVC, namespace: SVC, labels: K8S_LABELS, annotations: { "konghq.com/plugins": `${SVC}-jwt,${SVC}-rate` } },
      spec: { ingressClassName: "kong", rules: [{ host: `${SVC}.example.com`, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: SVC, port: { number: 80 } } } }] } }] },
    }),
    k8s(T.kongPlugin, `${SVC}-jwt`, "KongPlugin", { plugin: "jwt", config: { claims_to_verify: ["exp"] } }),
    k8s(T.kongPlugin, `${SVC}-rate`, "KongPlugin", { plugin: "rate-limiting", config: { minute: 600, limit_by: "header", header_name: "X-Tenant-Id" } }),
  ];
}
