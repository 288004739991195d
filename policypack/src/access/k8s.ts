/**
 * Workloads as policies see them: the pod template of every Kubernetes workload kind, of Cloud
 * Run v1 services and v2 services and jobs, and the runtime of Cloud Functions v1 and v2; its
 * containers, env, volumes and service account, plus Kubernetes quantity parsing. Reading never
 * throws; an unknown value is reported as such.
 *
 * Where the pod template lives:
 *   apps/v1 Deployment, StatefulSet, DaemonSet; batch/v1 Job; argoproj.io Rollout   spec.template
 *   batch/v1 CronJob                                                                spec.jobTemplate.spec.template
 *   gcp:cloudrunv2 Service                                                          template (containers, volumes, serviceAccount)
 *   gcp:cloudrunv2 Job                                                              template.template
 *   gcp:cloudrun (v1) Service                                                       template.spec (containers, serviceAccountName)
 *   gcp:cloudfunctions (v1) Function                                                the resource itself (one "function runtime")
 *   gcp:cloudfunctionsv2 Function                                                   serviceConfig (one "function runtime")
 *
 * A function has no containers: it is seen as one pseudo-container, the function runtime (its
 * environmentVariables and secretEnvironmentVariables), plus the build environment
 * (buildEnvironmentVariables, buildConfig.environmentVariables) as an init pseudo-container.
 */
import type { MemoKey, ResourceView } from "./resource";
import { memoByString } from "../memo";
import { T } from "./tokens";
import { asArray, asRecord, asString, isRecord, isUnknown, lookup, valueAt, type Lookup, type Path } from "./values";

export type WorkloadKind =
  | "Deployment"
  | "StatefulSet"
  | "DaemonSet"
  | "Job"
  | "CronJob"
  | "Rollout"
  | "CloudRunService"
  | "CloudRunJob"
  | "CloudRunV1Service"
  | "FunctionV1"
  | "FunctionV2";

/** Who runs the workload: Kubernetes, Cloud Run (v1 and v2), or Cloud Functions (v1 and v2). */
export type Platform = "kubernetes" | "cloudrun" | "functions";

/** Where a container's env lives and how a secret reference is spelled (Kubernetes, Cloud Run v1, Cloud Run v2). */
interface EnvShape {
  readonly list: "env" | "envs";
  readonly from: "valueFrom" | "valueSource";
  readonly secretName: "name" | "secret";
  readonly secretVersion: "key" | "version";
}

const K8S_ENV: EnvShape = { list: "env", from: "valueFrom", secretName: "name", secretVersion: "key" };
const RUN_V2_ENV: EnvShape = { list: "envs", from: "valueSource", secretName: "secret", secretVersion: "version" };
const RUN_V1_ENV: EnvShape = { list: "envs", from: "valueFrom", secretName: "name", secretVersion: "key" };

/** Where a function keeps its environment: the runtime map and secret list under the pod spec, and the build map. */
interface FunctionShape {
  /** Build env map, from the resource's props. */
  readonly buildEnv: readonly string[];
}

interface Shape {
  readonly kind: WorkloadKind;
  readonly platform: Platform;
  /** Path of the pod spec (Kubernetes) or revision/task template (Cloud Run). */
  readonly podSpec: readonly string[];
  /** Path of the pod template's metadata (Kubernetes only). */
  readonly podMeta?: readonly string[];
  /** Long-running and serving traffic (probes, telemetry, autoscaling). */
  readonly serving: boolean;
  readonly env: EnvShape;
  /** The service-account field under the pod spec (Kubernetes: serviceAccountName, else serviceAccount). */
  readonly serviceAccountField?: string;
  /** The top-level prop whose dependencies settle an unknown env value or service account. */
  readonly dependencyProp: string;
  /** Cloud Functions only. */
  readonly fn?: FunctionShape;
}

/** Keys from the resource's props and their display path, computed once per shape. */
interface Where {
  readonly keys: readonly string[];
  readonly path: string;
}

/** A shape with the paths every workload of it reads (built once: several rules read them for every workload). */
interface ShapePaths extends Shape {
  readonly podSpecAt: Where;
  readonly containersAt: Where;
  readonly initContainersAt: Where;
  readonly volumesAt: Where;
  readonly serviceAccountAt: Where;
  readonly serviceAccountNameAt: Where;
  /** The service account of a Google-run workload (Cloud Run, Cloud Functions). */
  readonly googleServiceAccountAt: Where;
  readonly podLabelsAt: readonly string[];
}

function at(keys: readonly string[]): Where {
  return { keys, path: displayPath(keys) };
}

function withPaths(s: Shape): ShapePaths {
  return {
    ...s,
    podSpecAt: at(s.podSpec),
    containersAt: at([...s.podSpec, "containers"]),
    initContainersAt: at([...s.podSpec, "initContainers"]),
    volumesAt: at([...s.podSpec, "volumes"]),
    serviceAccountAt: at([...s.podSpec, "serviceAccount"]),
    serviceAccountNameAt: at([...s.podSpec, "serviceAccountName"]),
    googleServiceAccountAt: at([...s.podSpec, s.serviceAccountField ?? "serviceAccount"]),
    podLabelsAt: s.podMeta ? [...s.podMeta, "labels"] : ["template", "labels"],
  };
}

const POD = { platform: "kubernetes", podSpec: ["spec", "template", "spec"], podMeta: ["spec", "template", "metadata"], env: K8S_ENV, dependencyProp: "spec" } as const;

const SHAPE_LIST: Readonly<Record<string, Shape>> = {
  [T.deployment]: { ...POD, kind: "Deployment", serving: true },
  [T.statefulSet]: { ...POD, kind: "StatefulSet", serving: true },
  [T.rollout]: { ...POD, kind: "Rollout", serving: true },
  [T.daemonSet]: { ...POD, kind: "DaemonSet", serving: false },
  [T.job]: { ...POD, kind: "Job", serving: false },
  [T.cronJob]: {
    ...POD,
    kind: "CronJob",
    podSpec: ["spec", "jobTemplate", "spec", "template", "spec"],
    podMeta: ["spec", "jobTemplate", "spec", "template", "metadata"],
    serving: false,
  },
  [T.cloudRunService]: { kind: "CloudRunService", platform: "cloudrun", podSpec: ["template"], serving: true, env: RUN_V2_ENV, dependencyProp: "template" },
  [T.cloudRunJob]: { kind: "CloudRunJob", platform: "cloudrun", podSpec: ["template", "template"], serving: false, env: RUN_V2_ENV, dependencyProp: "template" },
  [T.cloudRunV1Service]: {
    kind: "CloudRunV1Service",
    platform: "cloudrun",
    podSpec: ["template", "spec"],
    podMeta: ["template", "metadata"],
    serving: true,
    env: RUN_V1_ENV,
    serviceAccountField: "serviceAccountName",
    dependencyProp: "template",
  },
  [T.functionV1]: {
    kind: "FunctionV1",
    platform: "functions",
    podSpec: [],
    serving: true,
    env: K8S_ENV,
    serviceAccountField: "serviceAccountEmail",
    dependencyProp: "environmentVariables",
    fn: { buildEnv: ["buildEnvironmentVariables"] },
  },
  [T.functionV2]: {
    kind: "FunctionV2",
    platform: "functions",
    podSpec: ["serviceConfig"],
    serving: true,
    env: K8S_ENV,
    serviceAccountField: "serviceAccountEmail",
    dependencyProp: "serviceConfig",
    fn: { buildEnv: ["buildConfig", "environmentVariables"] },
  },
};

const SHAPES: Readonly<Record<string, ShapePaths>> = Object.fromEntries(Object.entries(SHAPE_LIST).map(([t, s]) => [t, withPaths(s)]));

/** Every workload type token (Kubernetes, Cloud Run, Cloud Functions). */
export const WORKLOAD_TYPES: readonly string[] = Object.keys(SHAPES);
/** Kubernetes workload type tokens. */
export const K8S_WORKLOAD_TYPES: readonly string[] = WORKLOAD_TYPES.filter((t) => SHAPES[t]?.platform === "kubernetes");
/** Workloads Google runs (Cloud Run v1/v2, Cloud Functions v1/v2): identity is a Google service account. */
export const GOOGLE_RUN_TYPES: readonly string[] = WORKLOAD_TYPES.filter((t) => SHAPES[t]?.platform !== "kubernetes");
/** Cloud Run services (v2 and v1): serving, with liveness and startup probes. */
export const CLOUD_RUN_SERVICE_TYPES: readonly string[] = [T.cloudRunService, T.cloudRunV1Service];
/** Cloud Functions (v1 and v2). */
export const FUNCTION_TYPES: readonly string[] = [T.functionV1, T.functionV2];
/** Long-running serving Kubernetes workloads (what an HPA scales and a probe guards). */
export const K8S_SERVING_TYPES: readonly string[] = [T.deployment, T.statefulSet, T.rollout];
/** Long-running serving workloads of either platform: a service label on one of these makes the service exist. */
export const SERVING_TYPES: readonly string[] = [...K8S_SERVING_TYPES, T.cloudRunService];
/** The Kubernetes `kind` of each scalable workload type (for HPA scaleTargetRef). */
export const SCALE_KIND: Readonly<Record<string, string>> = {
  [T.deployment]: "Deployment",
  [T.statefulSet]: "StatefulSet",
  [T.rollout]: "Rollout",
};

/** "spec.template.spec.containers[0]" from ["spec","template","spec","containers",0]. */
export function displayPath(keys: readonly (string | number)[]): string {
  let out = "";
  for (const k of keys) {
    if (typeof k === "number") out += `[${k}]`;
    else out += out === "" ? k : `.${k}`;
  }
  return out;
}

/** One container of a workload. */
export interface ContainerView {
  /** The container's name, else "#<index>". */
  readonly name: string;
  /** "container 'api'", "init container 'migrate'". */
  readonly label: string;
  /** Lookup keys from the resource's props. */
  readonly keys: readonly (string | number)[];
  /** Display path for messages. */
  readonly path: string;
  readonly raw: unknown;
  readonly init: boolean;
  /** A native sidecar: an init container with restartPolicy Always. */
  readonly sidecar: boolean;
  /** Declares ports (Cloud Run: the ingress container; a function: HTTP-triggered). */
  readonly serving: boolean;
}

/** "a.b" joined to "c" ("c" when the base is the resource itself). */
function joinPath(base: string, key: string): string {
  return base === "" ? key : `${base}.${key}`;
}

/** A list read from a workload: the items found, or the display path of the unknown part. */
export interface ListRead<X> {
  readonly list: readonly X[];
  /** Display path of a value that is unknown until apply (the list may then be incomplete). */
  readonly unknown?: string;
}

/** One environment variable of a container. */
export interface EnvVar {
  /** The variable's name (undefined when unknown or missing). */
  readonly name?: string;
  readonly path: string;
  /** How the value is delivered. */
  readonly source: "literal" | "secret" | "configMap" | "field" | "unknown" | "none";
  /** The literal value, when `source` is literal (may be a secret: never echo it). */
  readonly value?: string;
  /**
   * True when the literal value was a Pulumi secret (it arrived in a secret wrapper). Seen where the
   * wrappers are kept (state exports, `readiness audit`); the policy SDK unwraps them before a policy
   * runs under `pulumi preview` (docs/engine-contract.md), so there it is never set.
   */
  readonly secret?: boolean;
  /** Secret or ConfigMap reference (name, key) when `source` is secret/configMap. */
  readonly ref?: { readonly name?: string; readonly key?: string };
}

/** One `envFrom` source of a Kubernetes container. */
export interface EnvFrom {
  readonly kind: "secret" | "configMap" | "unknown";
  readonly name?: string;
  readonly path: string;
}

/** One pod volume. */
export interface VolumeView {
  readonly name?: string;
  readonly path: string;
  readonly raw: unknown;
}

/** The workload view memoised on each resource view (null: not a workload type). */
const WORKLOAD_MEMO: MemoKey<Workload | null> = { name: "workload" };

/**
 * A container as the workload read it, with its env and envFrom reads memoised on it: several rules
 * read them. (Fields, not WeakMap entries: a WeakMap entry per container costs every GC of a preview.)
 */
class Container implements ContainerView {
  envRead?: ListRead<EnvVar>;
  envFromRead?: ListRead<EnvFrom>;
  /** A function's pseudo-container: its env map key, and its secret env list key. */
  envMap?: string;
  secretEnv?: string;

  constructor(
    readonly name: string,
    readonly label: string,
    readonly keys: readonly (string | number)[],
    readonly path: string,
    readonly raw: unknown,
    readonly init: boolean,
    readonly sidecar: boolean,
    readonly serving: boolean,
  ) {}
}

/**
 * A workload resource (Kubernetes or Cloud Run) seen through its pod template. Reads are memoised
 * per view (containers, env, envFrom): the results are shared by every rule and must not be mutated.
 */
export class Workload {
  /** The containers group, read once. */
  private main?: ListRead<ContainerView>;
  /** The containers followed by the init containers (Kubernetes), sharing the views of `main`. */
  private withInit?: ListRead<ContainerView>;

  private constructor(
    readonly r: ResourceView,
    private readonly shape: ShapePaths,
  ) {}

  /** The workload view of a resource (the same one for every rule), or undefined when it is not a workload type. */
  static of(r: ResourceView): Workload | undefined {
    return r.memo(WORKLOAD_MEMO, Workload.build) ?? undefined;
  }

  private static build(this: void, r: ResourceView): Workload | null {
    const shape = SHAPES[r.type];
    return shape ? new Workload(r, shape) : null;
  }

  get kind(): WorkloadKind {
    return this.shape.kind;
  }

  get platform(): Platform {
    return this.shape.platform;
  }

  /** Long-running and serving (Deployment, StatefulSet, Rollout, Cloud Run service). */
  get serving(): boolean {
    return this.shape.serving;
  }

  /** Display path of the pod spec ("spec.template.spec", "template"). */
  get podSpecPath(): string {
    return this.shape.podSpecAt.path;
  }

  /** The pod spec (Kubernetes) or the revision/task template (Cloud Run). */
  podSpec(): Lookup {
    return this.r.get(this.shape.podSpec);
  }

  /**
   * True when the workload has no pod template of its own: an Argo Rollout that references a
   * Deployment through spec.workloadRef (the Deployment is checked in its own right).
   */
  delegates(): boolean {
    return this.kind === "Rollout" && this.podSpec().kind === "absent" && this.r.get("spec.workloadRef").kind !== "absent";
  }

  /** Labels of the pod template (Kubernetes), else of the Cloud Run template. */
  podLabels(): Readonly<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(asRecord(this.r.value(this.shape.podLabelsAt)))) {
      const s = asString(v);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  /** The pod template's labels read three-state, with their display path (a label unknown at preview stays visible). */
  podLabelsRead(): { readonly lookup: Lookup; readonly path: string } {
    const keys = this.shape.podLabelsAt;
    return { lookup: this.r.get(keys), path: displayPath(keys) };
  }

  /** The list at `key` of `root` (the resource's props, or a container), displayed as `path`. */
  private list(root: unknown, key: Path, path: string): { items: readonly unknown[]; unknown?: string; secret?: boolean } {
    const l = lookup(root, key);
    if (l.kind === "unknown") return { items: [], unknown: path };
    if (l.kind !== "known") return { items: [] };
    return l.secret ? { items: asArray(l.value), secret: true } : { items: asArray(l.value) };
  }

  /** Containers, init containers included unless `init` is false (a function's build environment counts as one). */
  containers(opts: { init?: boolean } = {}): ListRead<ContainerView> {
    const main = (this.main ??= this.readContainerGroup(false));
    if (opts.init === false || this.platform === "cloudrun") return main;
    if (!this.withInit) {
      const init = this.readContainerGroup(true);
      const list = init.list.length === 0 ? main.list : [...main.list, ...init.list];
      const unknown = main.unknown ?? init.unknown;
      this.withInit = unknown === undefined ? { list } : { list, unknown };
    }
    return this.withInit;
  }

  private readContainerGroup(init: boolean): ListRead<ContainerView> {
    const list: ContainerView[] = [];
    if (this.podSpec().kind === "unknown") return { list, unknown: this.podSpecPath };
    if (this.shape.fn) return this.readFunctionGroup(init, this.shape.fn);
    const group = init ? this.shape.initContainersAt : this.shape.containersAt;
    const read = this.list(this.r.props, group.keys, group.path);
    let unknown = read.unknown;
    const cloudRunSingle = this.platform === "cloudrun" && read.items.length === 1;
    read.items.forEach((raw, i) => {
      const ckeys = [...group.keys, i];
      const path = `${group.path}[${i}]`;
      if (isUnknown(raw)) {
        unknown ??= path;
        return;
      }
      const name = asString(valueAt(raw, "name")) ?? `#${i}`;
      const sidecar = init && asString(valueAt(raw, "restartPolicy")) === "Always";
      const ports = lookup(raw, "ports");
      const hasPorts =
        ports.kind === "unknown" ||
        (ports.kind === "known" && (Array.isArray(ports.value) ? ports.value.length > 0 : isRecord(ports.value)));
      const label = `${init ? (sidecar ? "sidecar container" : "init container") : "container"} '${name}'`;
      list.push(new Container(name, label, ckeys, path, raw, init, sidecar, !init && (hasPorts || cloudRunSingle)));
    });
    return unknown === undefined ? { list } : { list, unknown };
  }

  /**
   * A function's pseudo-container: the runtime (serving when HTTP-triggered, i.e. without an
   * eventTrigger), or, as the init group, the build environment when the function sets one.
   */
  private readFunctionGroup(init: boolean, fn: FunctionShape): ListRead<ContainerView> {
    if (init) {
      const build = this.r.get(fn.buildEnv);
      if (build.kind === "absent") return { list: [] };
      const path = displayPath(fn.buildEnv.slice(0, -1));
      const raw = fn.buildEnv.length > 1 ? valueAt(this.r.props, fn.buildEnv.slice(0, -1)) : this.r.props;
      const c = new Container("build", "function build environment", fn.buildEnv.slice(0, -1), path, raw, true, false, false);
      c.envMap = fn.buildEnv[fn.buildEnv.length - 1] as string;
      return { list: [c] };
    }
    const spec = this.podSpec();
    const raw = spec.kind === "known" ? spec.value : undefined;
    const trigger = this.r.get("eventTrigger");
    const c = new Container("runtime", "function runtime", this.shape.podSpec, this.podSpecPath, raw, false, false, trigger.kind === "absent");
    c.envMap = "environmentVariables";
    c.secretEnv = "secretEnvironmentVariables";
    return { list: [c] };
  }

  /** Environment variables of one container (Kubernetes `env`, Cloud Run `envs`, a function's environmentVariables and secretEnvironmentVariables). */
  env(c: ContainerView): ListRead<EnvVar> {
    return c instanceof Container ? (c.envRead ??= this.readEnv(c)) : this.readEnv(c);
  }

  private readEnv(c: ContainerView): ListRead<EnvVar> {
    if (c instanceof Container && c.envMap !== undefined) return this.readFunctionEnv(c, c.envMap, c.secretEnv);
    const key = this.shape.env.list;
    const base = `${c.path}.${key}`;
    const read = this.list(c.raw, key, base);
    const list: EnvVar[] = [];
    let unknown = read.unknown;
    read.items.forEach((raw, i) => {
      const path = `${base}[${i}]`;
      if (isUnknown(raw)) {
        unknown ??= path;
        return;
      }
      const v = this.envVar(raw, asString(valueAt(raw, "name")), path);
      // A whole env list that is a Pulumi secret makes each of its literal values one.
      list.push(read.secret && v.source === "literal" && !v.secret ? { ...v, secret: true } : v);
    });
    return unknown === undefined ? { list } : { list, unknown };
  }

  /**
   * A function's env: the map `mapKey` (name → literal value) and the list `secretKey` of
   * {key: <env name>, secret, version} (Secret Manager references).
   */
  private readFunctionEnv(c: ContainerView, mapKey: string, secretKey: string | undefined): ListRead<EnvVar> {
    const list: EnvVar[] = [];
    const base = joinPath(c.path, mapKey);
    const m = lookup(c.raw, mapKey);
    let unknown = m.kind === "unknown" ? base : undefined;
    if (m.kind === "known" && isRecord(m.value)) {
      for (const [name, v] of Object.entries(m.value)) {
        const path = `${base}.${name}`;
        if (isUnknown(v)) list.push({ source: "unknown", name, path });
        else {
          const lit = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
          list.push(lit === undefined ? { source: "none", name, path } : { source: "literal", value: lit, name, path });
        }
      }
    }
    if (secretKey !== undefined) {
      const sbase = joinPath(c.path, secretKey);
      const read = this.list(c.raw, secretKey, sbase);
      unknown ??= read.unknown;
      read.items.forEach((raw, i) => {
        const path = `${sbase}[${i}]`;
        if (isUnknown(raw)) {
          unknown ??= path;
          return;
        }
        const name = asString(valueAt(raw, "key"));
        list.push({ source: "secret", ref: { name: asString(valueAt(raw, "secret")), key: asString(valueAt(raw, "version")) }, name, path });
      });
    }
    return unknown === undefined ? { list } : { list, unknown };
  }

  /** One env entry, built as a literal per source (no spreading: this runs for every variable of every container). */
  private envVar(raw: unknown, name: string | undefined, path: string): EnvVar {
    const env = this.shape.env;
    const from = env.from;
    const valueL = lookup(raw, "value");
    const fromL = lookup(raw, from);
    if (valueL.kind === "unknown" || fromL.kind === "unknown") return { source: "unknown", name, path };
    if (fromL.kind === "known") {
      const secretRef = lookup(fromL.value, "secretKeyRef");
      if (secretRef.kind === "unknown") return { source: "unknown", name, path };
      if (secretRef.kind === "known") {
        const refName = asString(valueAt(secretRef.value, env.secretName));
        const key = asString(valueAt(secretRef.value, env.secretVersion));
        return { source: "secret", ref: { name: refName, key }, name, path };
      }
      const cmRef = lookup(fromL.value, "configMapKeyRef");
      if (cmRef.kind === "unknown") return { source: "unknown", name, path };
      if (cmRef.kind === "known") {
        return { source: "configMap", ref: { name: asString(valueAt(cmRef.value, "name")), key: asString(valueAt(cmRef.value, "key")) }, name, path };
      }
      return { source: "field", name, path };
    }
    if (valueL.kind === "known") {
      const v = valueL.value;
      const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
      if (s === undefined) return { source: "none", name, path };
      return valueL.secret ? { source: "literal", value: s, secret: true, name, path } : { source: "literal", value: s, name, path };
    }
    return { source: "none", name, path };
  }

  /** `envFrom` sources of a Kubernetes container. */
  envFrom(c: ContainerView): ListRead<EnvFrom> {
    return c instanceof Container ? (c.envFromRead ??= this.readEnvFrom(c)) : this.readEnvFrom(c);
  }

  private readEnvFrom(c: ContainerView): ListRead<EnvFrom> {
    if (this.platform !== "kubernetes") return { list: [] };
    const base = `${c.path}.envFrom`;
    const read = this.list(c.raw, "envFrom", base);
    const list: EnvFrom[] = [];
    read.items.forEach((raw, i) => {
      const path = `${base}[${i}]`;
      const s = lookup(raw, "secretRef");
      const cm = lookup(raw, "configMapRef");
      if (isUnknown(raw) || s.kind === "unknown" || cm.kind === "unknown") list.push({ kind: "unknown", path });
      else if (s.kind === "known") list.push({ kind: "secret", name: asString(valueAt(s.value, "name")), path });
      else if (cm.kind === "known") list.push({ kind: "configMap", name: asString(valueAt(cm.value, "name")), path });
    });
    return read.unknown === undefined ? { list } : { list, unknown: read.unknown };
  }

  /** Pod volumes (Kubernetes) or template volumes (Cloud Run). */
  volumes(): ListRead<VolumeView> {
    if (this.podSpec().kind === "unknown") return { list: [], unknown: this.podSpecPath };
    const where = this.shape.volumesAt;
    const read = this.list(this.r.props, where.keys, where.path);
    const list = read.items.map((raw, i) => ({
      name: asString(valueAt(raw, "name")),
      path: `${where.path}[${i}]`,
      raw,
    }));
    return read.unknown === undefined ? { list } : { list, unknown: read.unknown };
  }

  /**
   * The pod's service account: Kubernetes serviceAccountName (or the deprecated serviceAccount);
   * Cloud Run v2 serviceAccount, v1 serviceAccountName; a function's serviceAccountEmail.
   */
  serviceAccount(): { lookup: Lookup; path: string } {
    const legacy = this.shape.serviceAccountAt;
    if (this.platform !== "kubernetes") {
      const g = this.shape.googleServiceAccountAt;
      return { lookup: this.r.get(g.keys), path: g.path };
    }
    const primary = this.shape.serviceAccountNameAt;
    const l = this.r.get(primary.keys);
    if (l.kind !== "absent") return { lookup: l, path: primary.path };
    const ll = this.r.get(legacy.keys);
    return ll.kind === "absent" ? { lookup: l, path: primary.path } : { lookup: ll, path: legacy.path };
  }

  /** The top-level prop whose dependencies settle an unknown pod-template value (a v1 function: its environmentVariables). */
  get dependencyProp(): string {
    return this.shape.dependencyProp;
  }

  /** The top-level prop whose dependencies settle an unknown service account. */
  get serviceAccountDependencyProp(): string {
    const first = this.shape.googleServiceAccountAt.keys[0] as string;
    return this.platform === "kubernetes" ? this.shape.dependencyProp : first;
  }
}

/** A container field, read three-state. */
export function containerGet(c: ContainerView, path: string): Lookup {
  return lookup(c.raw, path);
}

// ------------------------------------------------------------------------------ quantities

const SUFFIXES: Readonly<Record<string, number>> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/**
 * A Kubernetes resource quantity in base units (cores for CPU, bytes for memory):
 * "500m" → 0.5, "1.5" → 1.5, "512Mi" → 536870912, "1G" → 1e9, "1e3" → 1000. A number is taken
 * as is. Anything else (wrong suffix, spaces, empty, unknown) → undefined.
 */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  return typeof v === "string" ? quantityOf(v) : undefined;
}

/** parseQuantity() of a string, memoised: workloads repeat the same few quantities. */
const quantityOf: (v: string) => number | undefined = memoByString(parseQuantityText);

function parseQuantityText(v: string): number | undefined {
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  const base = Number(m[1]);
  const n = m[2] !== undefined ? base * 10 ** Number(m[2]) : base * (SUFFIXES[m[3] ?? ""] as number);
  return Number.isFinite(n) ? n : undefined;
}

/** "0.5 cores" / "512 MiB" style rendering of a parsed quantity, for messages. */
export function formatQuantity(n: number, resource: "cpu" | "memory"): string {
  if (resource === "cpu") return `${Number(n.toFixed(3))} cores`;
  if (n >= 2 ** 30) return `${Number((n / 2 ** 30).toFixed(2))} GiB`;
  return `${Number((n / 2 ** 20).toFixed(1))} MiB`;
}
