/**
 * Deterministic synthetic stacks for the benchmark: a realistic mix of the resources the pack
 * checks (Cloud SQL primaries and replicas, buckets, secrets, topics, KMS keys, Kubernetes
 * Deployments/HPAs/Services/Ingresses/KongPlugins/ConfigMaps/Secrets/Jobs, Cloud Run, monitoring,
 * Cloud Deploy), one bundle per service, with a few unknown values and a few violations.
 *
 * Same (size, seed) → byte-identical output, so runs compare.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceInput } from "../policypack/src/access/resource";
import { T } from "../policypack/src/access/tokens";
import { UNKNOWN, UNKNOWN_SENTINELS } from "../policypack/src/access/values";

/** mulberry32: a tiny, fast, seedable PRNG (deterministic across platforms). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
type Props = Record<string, unknown>;

const PROJECT = "acme-prod";
const REGION = "europe-west1";
const DR = "europe-west4";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VAL = "1b47061264138c4ac30d75fd1eb44270";
const SENTINELS = [...UNKNOWN_SENTINELS];

/** The migrations the three real services ship (stacks/migrations/<service>), cycled over the synthetic services. */
function shippedMigrations(): readonly Readonly<Record<string, string>>[] {
  const root = [path.resolve(__dirname, "..", "stacks", "migrations"), path.resolve(__dirname, "..", "..", "stacks", "migrations")].find((d) =>
    fs.existsSync(d),
  );
  if (!root) return [{ "0001_init.up.sql": "CREATE TABLE t (id bigint PRIMARY KEY);", "0001_init.down.sql": "DROP TABLE t;" }];
  return fs
    .readdirSync(root)
    .sort()
    .map((svc) => {
      const data: Record<string, string> = {};
      for (const f of fs.readdirSync(path.join(root, svc)).sort()) data[f] = fs.readFileSync(path.join(root, svc, f), "utf8");
      return data;
    });
}

const MIGRATIONS = shippedMigrations();

/** Share of resources that get one random mutation (an unknown, a removed field, a flipped flag). */
export const MUTATION_RATE = 0.06;

function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function hex(r: Rand, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(r() * 16)];
  return s;
}

function urn(type: string, name: string, parentType?: string): string {
  return `urn:pulumi:prod::readiness::${parentType ? `${parentType}$` : ""}${type}::${name}`;
}

const DEFAULT_PROVIDER = {
  type: T.gcpProvider,
  urn: urn(T.gcpProvider, "default_9_37_0"),
  name: "default_9_37_0",
  props: { project: PROJECT, region: REGION, version: "9.37.0" },
};

function gcp(type: string, name: string, props: Props, extra: Partial<ResourceInput> = {}): ResourceInput {
  return { type, urn: urn(type, name), name, props, provider: DEFAULT_PROVIDER, ...extra };
}

function k8s(type: string, name: string, props: Props, extra: Partial<ResourceInput> = {}): ResourceInput {
  return { type, urn: urn(type, name), name, props, ...extra };
}

function secretWrap(value: unknown): Props {
  return { [SECRET_SIG]: SECRET_VAL, value };
}

function keyName(svc: string, region = REGION): string {
  return `projects/${PROJECT}/locations/${region}/keyRings/${svc}/cryptoKeys/${svc}-data`;
}

function labelsK8s(svc: string, app: string): Props {
  return { "app.kubernetes.io/part-of": svc, "app.kubernetes.io/name": app, "app.kubernetes.io/managed-by": "pulumi" };
}

function container(r: Rand, svc: string, app: string): Props {
  return {
    name: app,
    image: `${REGION}-docker.pkg.dev/${PROJECT}/services/${app}@sha256:${hex(r, 64)}`,
    ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
    env: [
      { name: "NODE_ENV", value: "production" },
      { name: "LOG_LEVEL", value: pick(r, ["info", "warn", "debug"]) },
      { name: "OTEL_SERVICE_NAME", value: app },
      { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://otel-collector.observability:4317" },
      { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: `${svc}-db`, key: "url" } } },
      { name: "TENANT_HEADER", value: "X-Tenant-Id" },
    ],
    livenessProbe: { httpGet: { path: "/health/live", port: 8080 }, periodSeconds: 10, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: "/health/ready", port: 8080 }, periodSeconds: 5 },
    resources: {
      requests: { cpu: pick(r, ["250m", "500m", "1"]), memory: pick(r, ["256Mi", "512Mi", "1Gi"]) },
      limits: { cpu: pick(r, ["1", "2"]), memory: pick(r, ["1Gi", "2Gi"]) },
    },
    securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    volumeMounts: [{ name: "secrets", mountPath: "/var/run/secrets/app", readOnly: true }],
  };
}

function deployment(r: Rand, svc: string, app: string): ResourceInput {
  const labels = labelsK8s(svc, app);
  return k8s(T.deployment, app, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: app, namespace: svc, labels, annotations: { "pulumi.com/skipAwait": "false" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { "app.kubernetes.io/name": app } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: svc,
          containers: [container(r, svc, app)],
          volumes: [{ name: "secrets", csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: svc } } }],
        },
      },
    },
  });
}

/** One service's resources, in registration order (dependencies before dependants). */
function bundle(r: Rand, index: number): ResourceInput[] {
  const svc = `svc-${String(index).padStart(4, "0")}`;
  const out: ResourceInput[] = [];
  const gcpLabels = { service: svc, team: `team-${index % 17}`, env: "prod" };

  const ring = gcp(T.kmsKeyRing, `${svc}-ring`, { name: svc, location: REGION, project: PROJECT });
  const key = gcp(
    T.kmsCryptoKey,
    `${svc}-key`,
    { name: `${svc}-data`, keyRing: UNKNOWN, rotationPeriod: "7776000s", purpose: "ENCRYPT_DECRYPT", labels: gcpLabels },
    { opts: { protect: true }, dependencies: [ring.urn], propertyDependencies: { keyRing: [ring.urn] } },
  );
  out.push(ring, key);

  const dbName = `${svc}-db`;
  const primary = gcp(
    T.sqlInstance,
    dbName,
    {
      name: dbName,
      region: REGION,
      databaseVersion: "POSTGRES_15",
      deletionProtection: true,
      encryptionKeyName: UNKNOWN,
      settings: {
        tier: pick(r, ["db-custom-2-7680", "db-custom-4-16384"]),
        availabilityType: "REGIONAL",
        userLabels: gcpLabels,
        backupConfiguration: {
          enabled: true,
          startTime: "02:00",
          pointInTimeRecoveryEnabled: true,
          transactionLogRetentionDays: 7,
          backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
        },
        ipConfiguration: { ipv4Enabled: false, privateNetwork: `projects/${PROJECT}/global/networks/vpc`, sslMode: "ENCRYPTED_ONLY" },
        databaseFlags: [
          { name: "cloudsql.iam_authentication", value: "on" },
          { name: "max_connections", value: "400" },
        ],
        insightsConfig: { queryInsightsEnabled: true },
      },
    },
    { opts: { protect: true }, dependencies: [key.urn], propertyDependencies: { encryptionKeyName: [key.urn] } },
  );
  const replica = gcp(
    T.sqlInstance,
    `${dbName}-replica`,
    {
      name: `${dbName}-replica`,
      region: DR,
      databaseVersion: "POSTGRES_15",
      masterInstanceName: dbName,
      deletionProtection: true,
      encryptionKeyName: keyName(svc, DR),
      settings: {
        tier: "db-custom-2-7680",
        userLabels: { ...gcpLabels, "dr-role": "replica" },
        ipConfiguration: { ipv4Enabled: false, privateNetwork: `projects/${PROJECT}/global/networks/vpc`, sslMode: "ENCRYPTED_ONLY" },
        databaseFlags: [{ name: "cloudsql.iam_authentication", value: "on" }],
      },
    },
    { dependencies: [primary.urn], propertyDependencies: { masterInstanceName: [primary.urn] } },
  );
  out.push(primary, replica);

  for (const kind of ["uploads", "archive"]) {
    const regulated = kind === "archive";
    out.push(
      gcp(T.bucket, `${svc}-${kind}`, {
        name: `${svc}-${kind}-${hex(r, 6)}`,
        location: "EUROPE-WEST1",
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        encryption: { defaultKmsKeyName: keyName(svc) },
        labels: regulated ? { ...gcpLabels, "data-class": "regulated" } : gcpLabels,
        versioning: { enabled: true },
        ...(regulated ? { retentionPolicy: { retentionPeriod: 220_903_200, isLocked: true } } : {}),
      }),
    );
  }

  for (const s of ["db-password", "jwt-signing-key", "api-token"]) {
    out.push(
      gcp(T.secret, `${svc}-${s}`, {
        secretId: `${svc}-${s}`,
        labels: gcpLabels,
        replication: { userManaged: { replicas: [{ location: REGION, customerManagedEncryption: { kmsKeyName: keyName(svc) } }] } },
      }),
    );
  }

  for (const t of ["events", "outbox"]) {
    out.push(
      gcp(T.pubsubTopic, `${svc}-${t}`, {
        name: `${svc}-${t}`,
        kmsKeyName: keyName(svc),
        labels: gcpLabels,
        messageStoragePolicy: { allowedPersistenceRegions: [REGION] },
        messageRetentionDuration: "604800s",
      }),
    );
  }

  const apps = [`${svc}-api`, `${svc}-worker`];
  out.push(
    k8s(T.k8sServiceAccount, `${svc}-sa`, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: svc, namespace: svc, labels: labelsK8s(svc, svc), annotations: { "iam.gke.io/gcp-service-account": `${svc}@${PROJECT}.iam.gserviceaccount.com` } },
    }),
  );
  for (const app of apps) {
    const dep = deployment(r, svc, app);
    out.push(dep);
    out.push(
      k8s(T.hpa, `${app}-hpa`, {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: app, namespace: svc, labels: labelsK8s(svc, app) },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app },
          minReplicas: 2,
          maxReplicas: pick(r, [6, 10, 20]),
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: pick(r, [60, 70, 75]) } } }],
        },
      }),
      k8s(T.k8sService, `${app}-svc`, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: app, namespace: svc, labels: labelsK8s(svc, app) },
        spec: { type: "ClusterIP", selector: { "app.kubernetes.io/name": app }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
      }),
    );
  }
  out.push(
    k8s(T.kongPlugin, `${svc}-jwt`, {
      apiVersion: "configuration.konghq.com/v1",
      kind: "KongPlugin",
      metadata: { name: `${svc}-jwt`, namespace: svc, labels: labelsK8s(svc, svc) },
      plugin: "jwt",
      config: { claims_to_verify: ["exp"], key_claim_name: "iss", header_names: ["Authorization"] },
    }),
    k8s(T.kongPlugin, `${svc}-rate-limit`, {
      apiVersion: "configuration.konghq.com/v1",
      kind: "KongPlugin",
      metadata: { name: `${svc}-rate-limit`, namespace: svc, labels: labelsK8s(svc, svc) },
      plugin: "rate-limiting",
      config: { second: 50, limit_by: "header", header_name: "X-Tenant-Id", policy: "local" },
    }),
    k8s(T.kongPlugin, `${svc}-tenant-header`, {
      apiVersion: "configuration.konghq.com/v1",
      kind: "KongPlugin",
      metadata: { name: `${svc}-tenant-header`, namespace: svc, labels: labelsK8s(svc, svc) },
      plugin: "request-validator",
      config: { parameter_schema: [{ name: "X-Tenant-Id", in: "header", required: true, style: "simple", explode: false, schema: '{"type":"string"}' }] },
    }),
    k8s(T.ingress, `${svc}-ingress`, {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: {
        name: svc,
        namespace: svc,
        labels: labelsK8s(svc, svc),
        annotations: { "konghq.com/plugins": `${svc}-jwt,${svc}-rate-limit,${svc}-tenant-header`, "konghq.com/strip-path": "true" },
      },
      spec: {
        ingressClassName: "kong",
        rules: [{ host: `${svc}.api.example.com`, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: apps[0], port: { number: 80 } } } }] } }],
      },
    }),
    k8s(T.configMap, `${svc}-config`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${svc}-config`, namespace: svc, labels: labelsK8s(svc, svc) },
      data: { "app.yaml": `service: ${svc}\nfeatureFlags:\n  outbox: true\n  audit: ${r() < 0.5}\n`, TZ: "UTC" },
    }),
    k8s(T.configMap, `${svc}-otel`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${svc}-otel`, namespace: svc, labels: labelsK8s(svc, svc) },
      data: { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" },
    }),
    k8s(T.configMap, `${svc}-migrations`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${svc}-migrations`, namespace: svc, labels: { ...labelsK8s(svc, svc), "app.kubernetes.io/component": "migrations" } },
      data: { ...MIGRATIONS[index % MIGRATIONS.length] },
    }),
    k8s(T.deployment, `${svc}-pgbouncer`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: `${svc}-pgbouncer`, namespace: svc, labels: labelsK8s(svc, `${svc}-pgbouncer`) },
      spec: {
        replicas: 2,
        selector: { matchLabels: { "app.kubernetes.io/name": `${svc}-pgbouncer` } },
        template: {
          metadata: { labels: labelsK8s(svc, `${svc}-pgbouncer`) },
          spec: {
            serviceAccountName: svc,
            containers: [
              {
                name: "pgbouncer",
                image: `${REGION}-docker.pkg.dev/${PROJECT}/platform/pgbouncer@sha256:${hex(r, 64)}`,
                ports: [{ containerPort: 6432 }],
                env: [
                  { name: "POOL_MODE", value: "transaction" },
                  { name: "DB_HOST", value: UNKNOWN },
                  { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: `${svc}-db`, key: "password" } } },
                ],
                resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                livenessProbe: { tcpSocket: { port: 6432 } },
                readinessProbe: { tcpSocket: { port: 6432 } },
              },
            ],
          },
        },
      },
    }),
    k8s(T.k8sSecret, `${svc}-tls`, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `${svc}-tls`, namespace: svc, labels: labelsK8s(svc, svc) },
      type: "kubernetes.io/tls",
      data: secretWrap({ "tls.crt": hex(r, 48), "tls.key": hex(r, 48) }),
    }),
    k8s(T.job, `${svc}-migrate`, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: `${svc}-migrate`,
        namespace: svc,
        labels: labelsK8s(svc, `${svc}-migrate`),
        annotations: { "argocd.argoproj.io/hook": "PreSync" },
      },
      spec: {
        backoffLimit: 2,
        template: {
          metadata: { labels: labelsK8s(svc, `${svc}-migrate`) },
          spec: {
            restartPolicy: "Never",
            serviceAccountName: svc,
            containers: [{ ...container(r, svc, `${svc}-migrate`), args: ["migrate", "up"] }],
          },
        },
      },
    }),
  );

  out.push(
    gcp(T.cloudRunService, `${svc}-web`, {
      name: `${svc}-web`,
      location: REGION,
      ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
      labels: gcpLabels,
      template: {
        labels: gcpLabels,
        serviceAccount: `${svc}@${PROJECT}.iam.gserviceaccount.com`,
        scaling: { minInstanceCount: 1, maxInstanceCount: pick(r, [5, 10, 20]) },
        containers: [
          {
            image: `${REGION}-docker.pkg.dev/${PROJECT}/services/${svc}-web@sha256:${hex(r, 64)}`,
            resources: { limits: { cpu: "1", memory: "512Mi" } },
            envs: [
              { name: "OTEL_SERVICE_NAME", value: `${svc}-web` },
              { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://otel-collector:4317" },
              { name: "API_KEY", valueSource: { secretKeyRef: { secret: `${svc}-api-token`, version: "latest" } } },
            ],
            livenessProbe: { httpGet: { path: "/health/live" } },
            startupProbe: { httpGet: { path: "/health/ready" } },
          },
        ],
      },
    }),
  );

  out.push(
    gcp(T.alertPolicy, `${svc}-error-rate`, {
      displayName: `${svc} error rate`,
      combiner: "OR",
      userLabels: gcpLabels,
      notificationChannels: [`projects/${PROJECT}/notificationChannels/${1000 + (index % 7)}`],
      documentation: { content: `Runbook: https://runbooks.example.com/${svc}/error-rate`, mimeType: "text/markdown" },
      conditions: [
        {
          displayName: "5xx ratio",
          conditionThreshold: { filter: `resource.type="k8s_container" AND resource.labels.namespace_name="${svc}"`, comparison: "COMPARISON_GT", thresholdValue: 0.02, duration: "300s" },
        },
      ],
    }),
    gcp(T.alertPolicy, `${svc}-outbox-lag`, {
      displayName: `${svc} outbox lag`,
      combiner: "OR",
      userLabels: { ...gcpLabels, signal: "outbox-lag" },
      notificationChannels: [`projects/${PROJECT}/notificationChannels/${1000 + (index % 7)}`],
      documentation: { content: `Runbook: https://runbooks.example.com/${svc}/outbox-lag`, mimeType: "text/markdown" },
      conditions: [{ displayName: "outbox lag", conditionThreshold: { filter: `metric.type="custom.googleapis.com/${svc}/outbox_lag_seconds"`, comparison: "COMPARISON_GT", thresholdValue: 60, duration: "120s" } }],
    }),
    gcp(T.slo, `${svc}-availability`, {
      service: svc,
      sloId: `${svc}-availability`,
      displayName: `${svc} availability`,
      goal: 0.995,
      rollingPeriodDays: 28,
      userLabels: gcpLabels,
      requestBasedSli: { goodTotalRatio: { goodServiceFilter: "metric.labels.code<500", totalServiceFilter: "metric.type=requests" } },
    }),
    gcp(T.dashboard, `${svc}-dashboard`, {
      dashboardJson: JSON.stringify({ displayName: `${svc} overview`, labels: { service: svc }, mosaicLayout: { columns: 12, tiles: [] } }),
    }),
    gcp(T.uptimeCheck, `${svc}-uptime`, {
      displayName: `${svc} uptime`,
      period: "60s",
      timeout: "10s",
      selectedRegions: ["EUROPE", "USA_OREGON", "ASIA_PACIFIC"],
      userLabels: gcpLabels,
      httpCheck: { path: "/health/ready", port: 443, useSsl: true },
      monitoredResource: { type: "uptime_url", labels: { host: `${svc}.api.example.com`, project_id: PROJECT } },
    }),
    gcp(T.deployPipeline, `${svc}-pipeline`, {
      name: svc,
      location: REGION,
      labels: gcpLabels,
      serialPipeline: {
        stages: [{ targetId: "prod", strategy: { canary: { canaryDeployment: { percentages: [5, 50], verify: true }, runtimeConfig: { kubernetes: { serviceNetworking: { service: apps[0], deployment: apps[0] } } } } } }],
      },
    }),
  );
  return out;
}

/** Stack-wide resources: GKE cluster and node pool, Artifact Registry, log archive. */
function platform(): ResourceInput[] {
  return [
    gcp(T.gkeCluster, "gke", {
      name: "prod",
      location: REGION,
      workloadIdentityConfig: { workloadPool: `${PROJECT}.svc.id.goog` },
      databaseEncryption: { state: "ENCRYPTED", keyName: keyName("platform") },
      releaseChannel: { channel: "REGULAR" },
    }),
    gcp(T.gkeNodePool, "gke-pool", {
      cluster: UNKNOWN,
      location: REGION,
      nodeConfig: { machineType: "e2-standard-4", workloadMetadataConfig: { mode: "GKE_METADATA" } },
      autoscaling: { minNodeCount: 3, maxNodeCount: 30 },
    }),
    gcp(T.artifactRepo, "services-registry", { repositoryId: "services", location: REGION, format: "DOCKER", kmsKeyName: keyName("platform") }),
    gcp(T.logSink, "audit-archive", {
      name: "audit-archive",
      destination: `bigquery.googleapis.com/projects/${PROJECT}/datasets/audit_logs`,
      filter: 'logName:"cloudaudit.googleapis.com"',
      bigqueryOptions: { usePartitionedTables: true },
    }),
  ];
}

interface Leaf {
  readonly parent: Props | unknown[];
  readonly key: string | number;
  readonly value: unknown;
}

function leaves(v: unknown, out: Leaf[], depth = 0): Leaf[] {
  if (depth > 12) return out;
  if (Array.isArray(v)) {
    v.forEach((x, i) => (typeof x === "object" && x !== null ? leaves(x, out, depth + 1) : out.push({ parent: v, key: i, value: x })));
  } else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      if (k === SECRET_SIG) continue; // a secret's signature is the engine's, never damaged
      if (typeof x === "object" && x !== null) leaves(x, out, depth + 1);
      else out.push({ parent: v as Props, key: k, value: x });
    }
  }
  return out;
}

/** One random change to one leaf: an unknown sentinel, a removed field, a flipped flag or a wrong region. */
function mutateOne(r: Rand, res: ResourceInput): void {
  const all = leaves(res.props, []);
  if (all.length === 0) return;
  const leaf = pick(r, all);
  const p = leaf.parent as Record<string | number, unknown>;
  const roll = r();
  if (roll < 0.4) p[leaf.key] = pick(r, SENTINELS);
  else if (roll < 0.6 && !Array.isArray(leaf.parent)) delete p[leaf.key];
  else if (typeof leaf.value === "boolean") p[leaf.key] = !leaf.value;
  else if (typeof leaf.value === "number") p[leaf.key] = leaf.value * 100;
  else if (typeof leaf.value === "string" && /europe-west1/i.test(leaf.value)) p[leaf.key] = leaf.value.replace(/europe-west1/i, "us-central1");
  else p[leaf.key] = pick(r, SENTINELS);
}

/** A stack of exactly `size` resources, deterministic for (size, seed). */
export function generateStack(size: number, seed = 42): ResourceInput[] {
  const r = rng(seed);
  const out: ResourceInput[] = platform();
  for (let i = 0; out.length < size; i++) out.push(...bundle(r, i));
  out.length = Math.min(out.length, size);
  for (const res of out) if (r() < MUTATION_RATE) mutateOne(r, res);
  return out;
}

/** The resource-type mix of a stack, for the report. */
export function typeMix(stack: readonly ResourceInput[]): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const r of stack) mix[r.type] = (mix[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(mix).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** How many resources per service bundle (for the report). */
export const BUNDLE_SIZE = bundle(rng(1), 0).length;
