/**
 * Workloads as policies see them: the pod template of every Kubernetes workload kind and of Cloud
 * Run v2 services and jobs, its containers, env, volumes and service account, plus Kubernetes
 * quantity parsing. Reading never throws; an unknown value is reported as such.
 *
 * Where the pod template lives:
 *   apps/v1 Deployment, StatefulSet, DaemonSet; batch/v1 Job; argoproj.io Rollout   spec.template
 *   batch/v1 CronJob                                                                spec.jobTemplate.spec.template
 *   gcp:cloudrunv2 Service                                                          template (containers, volumes, serviceAccount)
 *   gcp:cloudrunv2 Job                                                              template.template
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
  | "CloudRunJob";

export type Platform = "kubernetes" | "cloudrun";

interface Shape {
  readonly kind: WorkloadKind;
  readonly platform: Platform;
  /** Path of the pod spec (Kubernetes) or revision/task template (Cloud Run). */
  readonly podSpec: readonly string[];
  /** Path of the pod template's metadata (Kubernetes only). */
  readonly podMeta?: readonly string[];
  /** Long-running and serving traffic (probes, telemetry, autoscaling). */
  readonly serving: boolean;
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
    podLabelsAt: s.podMeta ? [...s.podMeta, "labels"] : ["template", "labels"],
  };
}

const SHAPE_LIST: Readonly<Record<string, Shape>> = {
  [T.deployment]: { kind: "Deployment", platform: "kubernetes", podSpec: ["spec", "template", "spec"], podMeta: ["spec", "template", "metadata"], serving: true },
  [T.statefulSet]: { kind: "StatefulSet", platform: "kubernetes", podSpec: ["spec", "template", "spec"], podMeta: ["spec", "template", "metadata"], serving: true },
  [T.rollout]: { kind: "Rollout", platform: "kubernetes", podSpec: ["spec", "template", "spec"], podMeta: ["spec", "template", "metadata"], serving: true },
  [T.daemonSet]: { kind: "DaemonSet", platform: "kubernetes", podSpec: ["spec", "template", "spec"], podMeta: ["spec", "template", "metadata"], serving: false },
  [T.job]: { kind: "Job", platform: "kubernetes", podSpec: ["spec", "template", "spec"], podMeta: ["spec", "template", "metadata"], serving: false },
  [T.cronJob]: {
    kind: "CronJob",
    platform: "kubernetes",
    podSpec: ["spec", "jobTemplate", "spec", "template", "spec"],
    podMeta: ["spec", "jobTemplate", "spec", "template", "metadata"],
    serving: false,
  },
  [T.cloudRunService]: { kind: "CloudRunService", platform: "cloudrun", podSpec: ["template"], serving: true },
  [T.cloudRunJob]: { kind: "CloudRunJob", platform: "cloudrun", podSpec: ["template", "template"], serving: false },
};

const SHAPES: Readonly<Record<string, ShapePaths>> = Object.fromEntries(Object.entries(SHAPE_LIST).map(([t, s]) => [t, withPaths(s)]));

/** Every workload type token (Kubernetes and Cloud Run). */
export const WORKLOAD_TYPES: readonly string[] = Object.keys(SHAPES);
/** Kubernetes workload type tokens. */
export const K8S_WORKLOAD_TYPES: readonly string[] = WORKLOAD_TYPES.filter((t) => SHAPES[t]?.platform === "kubernetes");
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
  /** Declares ports (Cloud Run: the ingress container). */
  readonly serving: boolean;
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

  /** Containers, init containers included unless `init` is false. */
  containers(opts: { init?: boolean } = {}): ListRead<ContainerView> {
    const main = (this.main ??= this.readContainerGroup(false));
    if (opts.init === false || this.platform !== "kubernetes") return main;
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

  /** Environment variables of one container (Kubernetes `env`, Cloud Run `envs`). */
  env(c: ContainerView): ListRead<EnvVar> {
    return c instanceof Container ? (c.envRead ??= this.readEnv(c)) : this.readEnv(c);
  }

  private readEnv(c: ContainerView): ListRead<EnvVar> {
    const key = this.platform === "cloudrun" ? "envs" : "env";
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

  /** One env entry, built as a literal per source (no spreading: this runs for every variable of every container). */
  private envVar(raw: unknown, name: string | undefined, path: string): EnvVar {
    const from = this.platform === "cloudrun" ? "valueSource" : "valueFrom";
    const valueL = lookup(raw, "value");
    const fromL = lookup(raw, from);
    if (valueL.kind === "unknown" || fromL.kind === "unknown") return { source: "unknown", name, path };
    if (fromL.kind === "known") {
      const secretRef = lookup(fromL.value, "secretKeyRef");
      if (secretRef.kind === "unknown") return { source: "unknown", name, path };
      if (secretRef.kind === "known") {
        const cr = this.platform === "cloudrun";
        const refName = asString(valueAt(secretRef.value, cr ? "secret" : "name"));
        const key = asString(valueAt(secretRef.value, cr ? "version" : "key"));
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

  /** The pod's service account: Kubernetes serviceAccountName (or the deprecated serviceAccount); Cloud Run serviceAccount. */
  serviceAccount(): { lookup: Lookup; path: string } {
    const legacy = this.shape.serviceAccountAt;
    if (this.platform === "cloudrun") return { lookup: this.r.get(legacy.keys), path: legacy.path };
    const primary = this.shape.serviceAccountNameAt;
    const l = this.r.get(primary.keys);
    if (l.kind !== "absent") return { lookup: l, path: primary.path };
    const ll = this.r.get(legacy.keys);
    return ll.kind === "absent" ? { lookup: l, path: primary.path } : { lookup: ll, path: legacy.path };
  }

  /** The top-level prop whose dependencies settle an unknown pod-template value. */
  get dependencyProp(): string {
    return this.platform === "cloudrun" ? "template" : "spec";
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
