/**
 * fast-check arbitraries for property tests over every rule: resources of any type token, from
 * realistic baselines (the benchmark generator's services) or a "kitchen sink" superset of the
 * paths rules read, then damaged by random mutations: junk values of every JSON type, null,
 * unknown sentinels (all seven) anywhere, deleted fields, secret wrappers, and secrets planted
 * under secret-looking names and in secret-looking shapes, each carrying a marker that no
 * finding message may ever contain.
 */
import fc from "fast-check";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { SECRET_SIG, UNKNOWN_SENTINELS } from "../../policypack/src/access/values";
import { generateStack } from "../../bench/generate";

type Props = Record<string, unknown>;
type Node = Props | unknown[];

const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const SENTINELS: readonly string[] = [...UNKNOWN_SENTINELS];
export const ALL_TYPES: readonly string[] = Object.values(T);

/** Names that mark a property or an env var as a secret. */
export const SECRET_NAMES = [
  "password",
  "DB_PASSWORD",
  "PGPASSWORD",
  "token",
  "apiToken",
  "API_TOKEN",
  "privateKey",
  "private_key",
  "PRIVATE_KEY",
  "secret",
  "clientSecret",
  "JWT_SECRET",
  "apiKey",
  "API_KEY",
  "AWS_SECRET_ACCESS_KEY",
  "credentials",
  "passphrase",
  "DATABASE_URL",
] as const;

/** Secret-looking shapes around the marker (a leak of any of them leaks the marker). */
export function secretShapes(m: string): readonly string[] {
  return [
    m,
    `postgres://app:${m}@10.0.0.5:5432/app`,
    `-----BEGIN PRIVATE KEY-----\n${m}\n-----END PRIVATE KEY-----`,
    `ghp_${m}`,
    `AKIA${m}`,
    `eyJhbGciOiJIUzI1NiJ9.${m}.c2ln`,
    `{"type":"service_account","private_key":"${m}"}`,
  ];
}

export function secretWrap(value: unknown): Props {
  return { [SECRET_SIG]: SECRET_VALUE, value };
}

function seal<T extends object>(o: T): T {
  sealed.add(o);
  return o;
}

/** Keys rules look for, so that random objects sometimes hit real paths. */
const KEYS = [
  "__proto__",
  "constructor",
  "hasOwnProperty",
  "toString",
  "metadata",
  "labels",
  "annotations",
  "name",
  "namespace",
  "spec",
  "template",
  "containers",
  "initContainers",
  "env",
  "envs",
  "value",
  "valueFrom",
  "image",
  "resources",
  "limits",
  "requests",
  "settings",
  "location",
  "region",
  "data",
  "plugin",
  "config",
  "service",
  "app.kubernetes.io/part-of",
  "0001_x.up.sql",
  SECRET_SIG,
];

const STRINGS = [
  "",
  " ",
  "true",
  "false",
  "0",
  "-1",
  "1e309",
  "NaN",
  "europe-west1",
  "EUROPE-WEST1-b",
  "EU",
  "global",
  "transaction",
  "ENCRYPTED",
  "REGIONAL",
  "kong",
  "rate-limiting",
  "jwt",
  "Deployment",
  "500m",
  "1Gi",
  "60s",
  "30m",
  "https://runbooks.example.com/x",
  "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k",
  "CREATE TABLE t (id bigint, tenant_id uuid);",
  "CREATE INDEX i ON t (id); DROP TABLE t;",
  "SELECT (",
  SECRET_VALUE,
];

export const sentinel = fc.constantFrom(...SENTINELS);

export const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 100_000 }),
  fc.double(),
  fc.string({ maxLength: 10 }),
  fc.constantFrom(...STRINGS),
  sentinel,
);

/** Any JSON-ish value (plus NaN and ±Infinity), a few levels deep. */
export const junk: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown; arr: unknown[]; obj: Props }>((tie) => ({
  node: fc.oneof({ maxDepth: 3, depthIdentifier: "junk" }, scalar, scalar, tie("arr"), tie("obj")),
  arr: fc.array(tie("node"), { maxLength: 4, depthIdentifier: "junk" }),
  obj: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...KEYS)), tie("node"), { maxKeys: 4, depthIdentifier: "junk" }),
})).node;

// ---------------------------------------------------------------------------------- baselines

const K8S = ALL_TYPES.filter((t) => t.startsWith("kubernetes:"));

/** A superset of the paths rules read, for types the generator does not produce. */
function kitchenSink(type: string, name: string): Props {
  const labels = { "app.kubernetes.io/part-of": "svc", "app.kubernetes.io/component": "migrations", service: "svc" };
  const container = {
    name: "app",
    image: `europe-west1-docker.pkg.dev/acme/svc/app@sha256:${"a".repeat(64)}`,
    env: [
      { name: "OTEL_SERVICE_NAME", value: "svc" },
      { name: "TYPEORM_SYNCHRONIZE", value: "false" },
      { name: "POOL_MODE", value: "transaction" },
      { name: "DB", valueFrom: { secretKeyRef: { name: "db", key: "url" } } },
    ],
    envFrom: [{ secretRef: { name: "x" } }, { configMapRef: { name: "cm" } }],
    envs: [{ name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://otel:4317" }],
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    livenessProbe: { httpGet: { path: "/health/live", port: 8080 } },
    readinessProbe: { httpGet: { path: "/health/ready", port: 8080 } },
    startupProbe: { httpGet: { path: "/health/ready" } },
    volumeMounts: [{ name: "cfg", mountPath: "/etc/pgbouncer" }],
  };
  const pod = {
    metadata: { labels, annotations: { "readiness.dev/x": "y" } },
    spec: { serviceAccountName: "svc", containers: [container], initContainers: [container], volumes: [{ name: "cfg", configMap: { name: "cm" } }] },
  };
  return {
    apiVersion: "v1",
    kind: type.split(":").pop() ?? "Thing",
    metadata: { name, namespace: "svc", labels, annotations: { "konghq.com/plugins": "jwt,rl", "readiness.dev/required-extensions": "pg_trgm" } },
    spec: {
      replicas: 2,
      template: pod,
      jobTemplate: { spec: { template: pod } },
      strategy: { canary: { steps: [{ setWeight: 5 }, { pause: { duration: "30m" } }] } },
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "svc-api" },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      ingressClassName: "kong",
      rules: [{ host: "svc.example.com", http: { paths: [{ path: "/", backend: { service: { name: "svc-api", port: { number: 80 } } } }] } }],
    },
    plugin: "rate-limiting",
    config: { second: 50, limit_by: "header", header_name: "X-Tenant-Id" },
    data: { "0001_init.up.sql": "CREATE TABLE t (id bigint PRIMARY KEY, tenant_id uuid);", "0001_init.down.sql": "DROP TABLE t;", "pgbouncer.ini": "[pgbouncer]\npool_mode = transaction" },
    stringData: { "key.json": '{"type":"service_account"}' },
    type: "Opaque",
    name,
    location: "europe-west1",
    region: "europe-west1",
    zone: "europe-west1-b",
    labels,
    userLabels: labels,
    settings: { userLabels: labels, tier: "db-custom-2-7680", backupConfiguration: { enabled: true } },
    template: { labels, containers: [container], scaling: { minInstanceCount: 1, maxInstanceCount: 5 }, template: { containers: [container] } },
    documentation: { content: "Runbook: https://runbooks.example.com/x" },
    notificationChannels: ["projects/p/notificationChannels/1"],
    period: "60s",
    selectedRegions: ["EUROPE", "USA", "ASIA_PACIFIC"],
    destination: "bigquery.googleapis.com/projects/p/datasets/d",
    retentionPolicy: { retentionPeriod: 220_903_200, isLocked: true },
    serialPipeline: { stages: [{ targetId: "prod", strategy: { canary: { canaryDeployment: { percentages: [5] } } } }] },
    rules: [{ advanceRolloutRule: { wait: "1800s" } }],
    deliveryPipeline: SENTINELS[0],
    workloadIdentityConfig: { workloadPool: "p.svc.id.goog" },
    nodeConfig: { workloadMetadataConfig: { mode: "GKE_METADATA" } },
    databaseEncryption: { state: "ENCRYPTED", keyName: "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k" },
    rotationPeriod: "7776000s",
    keyRing: SENTINELS[0],
    privateKey: "not-a-real-key",
  };
}

let samples: Map<string, ResourceInput[]> | undefined;

/** Real-looking resources per type, from the benchmark generator (compiled once). */
function realSamples(): Map<string, ResourceInput[]> {
  if (!samples) {
    samples = new Map();
    for (const r of generateStack(160, 7)) {
      const list = samples.get(r.type) ?? [];
      if (list.length < 4) list.push(r);
      samples.set(r.type, list);
    }
  }
  return samples;
}

export function baseline(type: string, choice: number, name: string): Props {
  const real = realSamples().get(type);
  if (real && real.length > 0 && choice % 3 !== 2) return structuredClone(real[choice % real.length]?.props ?? {}) as Props;
  return kitchenSink(type, name);
}

// ---------------------------------------------------------------------------------- mutations

export type MutationOp = "replace" | "delete" | "sentinel" | "null" | "secret-wrap" | "secret-key" | "wrong-container";

export interface Mutation {
  readonly at: number;
  readonly op: MutationOp;
  readonly value: unknown;
  readonly secretName: string;
  readonly shape: number;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<MutationOp>("replace", "replace", "delete", "sentinel", "sentinel", "null", "secret-wrap", "secret-key", "wrong-container"),
  value: junk,
  secretName: fc.constantFrom(...SECRET_NAMES),
  shape: fc.nat(),
});

/**
 * Planted secrets (env entries) and secret wrappers are sealed: later mutations may replace or
 * remove them whole, but never rewrite their insides (which would turn a secret into a plain value).
 */
const sealed = new WeakSet<object>();

interface Slot {
  readonly parent: Node;
  readonly key: string | number;
}

function slots(v: unknown, out: Slot[], depth = 0): Slot[] {
  if (depth > 14 || typeof v !== "object" || v === null || sealed.has(v)) return out;
  if (!Array.isArray(v) && (v as Props)[SECRET_SIG] !== undefined) return out;
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push({ parent: v, key: i });
      slots(x, out, depth + 1);
    });
  } else {
    for (const k of Object.keys(v)) {
      out.push({ parent: v as Props, key: k });
      slots((v as Props)[k], out, depth + 1);
    }
  }
  return out;
}

function set(s: Slot, value: unknown): void {
  (s.parent as Record<string | number, unknown>)[s.key] = value;
}

/**
 * Applies mutations in order to `props` (in place). With `wrapMarked`, a secret wrapper may carry
 * a marked secret into any slot (a state export marks any output secret this way); without it,
 * a wrapper only wraps the slot's current value.
 */
export function applyMutations(props: Props, muts: readonly Mutation[], marker: string, wrapMarked = true): void {
  const shapes = secretShapes(marker);
  for (const m of muts) {
    const all = slots(props, []);
    const secretValue = shapes[m.shape % shapes.length] as string;
    if (all.length === 0 || m.op === "secret-key") {
      // Add a secret-named property next to the chosen slot (or at the root).
      const s = all.length > 0 ? all[m.at % all.length] : undefined;
      const target = s && typeof (s.parent as Props)[s.key as string] === "object" && (s.parent as Props)[s.key as string] !== null ? (s.parent as Props)[s.key as string] : props;
      if (Array.isArray(target)) target.push(seal({ name: m.secretName, value: secretValue }));
      else (target as Props)[m.secretName] = secretValue;
      continue;
    }
    const s = all[m.at % all.length] as Slot;
    const cur = (s.parent as Record<string | number, unknown>)[s.key];
    switch (m.op) {
      case "replace":
        set(s, m.value);
        break;
      case "delete":
        if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
        else delete (s.parent as Props)[s.key];
        break;
      case "sentinel":
        set(s, SENTINELS[m.shape % SENTINELS.length]);
        break;
      case "null":
        set(s, null);
        break;
      case "secret-wrap":
        // Secret-wrapped: either the current value (must be handled) or a marked secret (must never show).
        set(s, secretWrap(m.shape % 2 === 0 || !wrapMarked ? cur : secretValue));
        break;
      case "wrong-container":
        set(s, Array.isArray(cur) ? { 0: cur[0] } : typeof cur === "object" && cur !== null ? [cur] : typeof cur === "string" ? [cur] : String(cur));
        break;
    }
  }
}

/** Plants secrets where workloads and Secrets keep them: env vars, Cloud Run envs, Secret data. */
export function plantSecrets(props: Props, marker: string, pickName: number): void {
  const shapes = secretShapes(marker);
  let i = pickName;
  const next = () => {
    i++;
    return { name: SECRET_NAMES[i % SECRET_NAMES.length] as string, value: shapes[i % shapes.length] as string };
  };
  const visit = (v: unknown, depth: number): void => {
    if (depth > 14 || typeof v !== "object" || v === null) return;
    if (Array.isArray(v)) {
      v.forEach((x) => visit(x, depth + 1));
      return;
    }
    const o = v as Props;
    for (const key of ["env", "envs"]) {
      const list = o[key];
      if (Array.isArray(list)) {
        const s = next();
        list.push(seal({ name: s.name, value: s.value }), seal({ name: `X_${i}`, value: secretShapes(marker)[1] }));
      }
    }
    for (const key of Object.keys(o)) visit(o[key], depth + 1);
  };
  visit(props, 0);
  const s = next();
  props["stringData"] = { ...(typeof props["stringData"] === "object" && props["stringData"] !== null ? (props["stringData"] as Props) : {}), [s.name]: s.value };
  props["data"] = {
    ...(typeof props["data"] === "object" && props["data"] !== null && !Array.isArray(props["data"]) ? (props["data"] as Props) : {}),
    [next().name]: next().value,
  };
}

// ----------------------------------------------------------------------------------- resources

export interface ResourceCase {
  readonly type: string;
  readonly name: string;
  readonly base: number;
  readonly plant: boolean;
  readonly mutations: readonly Mutation[];
  readonly randomProps: boolean;
  readonly randomValue: unknown;
  readonly providerRegion: unknown;
  readonly protect: boolean;
}

export const MARKER_PREFIX = "Mrk";

export const marker: fc.Arbitrary<string> = fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${MARKER_PREFIX}${a.toString(36)}z${b.toString(36)}Q`);

export function resourceCase(types: readonly string[]): fc.Arbitrary<ResourceCase> {
  return fc.record({
    type: fc.constantFrom(...types),
    name: fc.oneof(fc.constantFrom("svc-0000-api", "db", "x", ""), fc.string({ maxLength: 8 })),
    base: fc.nat(),
    plant: fc.boolean(),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 6 }),
    randomProps: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    randomValue: junk,
    providerRegion: fc.oneof(fc.constant("europe-west1"), scalar),
    protect: fc.boolean(),
  });
}

/** Builds the resource a case describes, with `marker` in every planted secret. */
export function buildResource(c: ResourceCase, m: string, index = 0, wrapMarked = true): ResourceInput {
  let props: Props;
  if (c.randomProps) {
    props = typeof c.randomValue === "object" && c.randomValue !== null && !Array.isArray(c.randomValue) ? (structuredClone(c.randomValue) as Props) : {};
  } else {
    props = baseline(c.type, c.base, c.name);
    if (c.plant) plantSecrets(props, m, c.base);
    applyMutations(props, c.mutations, m, wrapMarked);
  }
  const name = `${c.name}${index > 0 ? `-${index}` : ""}`;
  return {
    type: c.type,
    name,
    urn: `urn:pulumi:prod::readiness::${c.type}::${name}`,
    props,
    provider: K8S.includes(c.type) ? undefined : { type: T.gcpProvider, urn: "urn:pulumi:prod::readiness::pulumi:providers:gcp::default", name: "default", props: { region: c.providerRegion } },
    opts: { protect: c.protect },
  };
}

export interface StackCase {
  readonly resources: readonly ResourceCase[];
  /** Per resource: parent index (may be out of range or itself), dependency indices. */
  readonly links: readonly { readonly parent: number; readonly deps: readonly number[]; readonly propDep: string }[];
}

export const stackCase: fc.Arbitrary<StackCase> = fc.integer({ min: 1, max: 18 }).chain((n) =>
  fc.record({
    resources: fc.array(resourceCase(ALL_TYPES), { minLength: n, maxLength: n }),
    links: fc.array(
      fc.record({
        parent: fc.integer({ min: -2, max: n + 1 }),
        deps: fc.array(fc.integer({ min: 0, max: n }), { maxLength: 3 }),
        propDep: fc.constantFrom("encryptionKeyName", "keyRing", "masterInstanceName", "deliveryPipeline", "encryption", "kmsKeyName", "replication", "spec", "data"),
      }),
      { minLength: n, maxLength: n },
    ),
  }),
);

export function buildStack(c: StackCase, m: string, wrapMarked = true): ResourceInput[] {
  const built = c.resources.map((r, i) => buildResource(r, m, i, wrapMarked));
  return built.map((r, i) => {
    const link = c.links[i];
    if (!link) return r;
    const urnAt = (j: number) => built[j]?.urn ?? `urn:pulumi:prod::readiness::dangling::${j}`;
    const deps = link.deps.map(urnAt);
    return {
      ...r,
      parent: link.parent >= 0 ? urnAt(link.parent) : undefined,
      dependencies: deps,
      propertyDependencies: deps.length > 0 ? { [link.propDep]: deps } : {},
    };
  });
}
