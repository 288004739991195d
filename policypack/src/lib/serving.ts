/**
 * Which containers of a Kubernetes workload serve traffic, read from the whole stack.
 *
 * A container serves when it declares a port, or has any probe, or its pod is selected by a
 * Service of the stack (an Ingress or HTTPRoute reaches pods only through such a Service). Of a
 * pod selected by a Service, the containers that declare a port matching one of the Service's
 * target ports serve (they already do, by their port); when no container of the pod declares a
 * matching port, the first container (the main one) serves. Any other container without a port
 * and without a probe is a sidecar and stays exempt.
 *
 * Service selection: a `kubernetes:core/v1:Service` in the pod's namespace whose `spec.selector`
 * is non-empty and a subset of the pod template's labels. The Services are indexed once per stack
 * (by namespace and one selector pair), so a stack of n resources costs O(n) lookups.
 */
import { asArray, asNumber, asRecord, asString, isUnknown, T, valueAt, type ResourceView, type StackView } from "../access";
import { containerGet, type ContainerView, type Workload } from "../access/k8s";
import { memoByObject } from "../memo";

/** The ports a container declares: container port numbers and port names. */
export interface DeclaredPorts {
  readonly numbers: ReadonlySet<number>;
  readonly names: ReadonlySet<string>;
  /** True when `ports` is unknown until apply (the container may declare any port). */
  readonly unknown: boolean;
}

const NO_PORTS: DeclaredPorts = { numbers: new Set(), names: new Set(), unknown: false };

/** The ports a container declares (Kubernetes `ports[].containerPort` / `ports[].name`). */
export function declaredPorts(c: ContainerView): DeclaredPorts {
  const l = containerGet(c, "ports");
  if (l.kind === "unknown") return { ...NO_PORTS, unknown: true };
  if (l.kind === "absent") return NO_PORTS;
  const numbers = new Set<number>();
  const names = new Set<string>();
  for (const p of Array.isArray(l.value) ? l.value : [l.value]) {
    const n = asNumber(valueAt(p, "containerPort"));
    const name = asString(valueAt(p, "name"));
    if (n !== undefined) numbers.add(n);
    if (name !== undefined) names.add(name);
  }
  return { numbers, names, unknown: false };
}

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;

/** The first probe the container sets (unknown values count as set), if any. */
export function firstProbe(c: ContainerView): string | undefined {
  return PROBES.find((p) => containerGet(c, p).kind !== "absent");
}

/** One Service of the stack with a selector, as the index holds it. */
export interface ServiceEntry {
  readonly r: ResourceView;
  /** The Service's target ports (`targetPort`, else `port`): numbers and names; undefined when unknown until apply. */
  readonly targets?: { readonly numbers: ReadonlySet<number>; readonly names: ReadonlySet<string> };
  /** The first Ingress / HTTPRoute of the stack that names this Service as a backend. */
  readonly route?: ResourceView;
}

interface Indexed extends ServiceEntry {
  readonly selector: readonly (readonly [string, string])[];
}

/** What the stack's Services say about one pod template. */
export interface Selection {
  /** The Services whose selector matches the pod's labels. */
  readonly services: readonly ServiceEntry[];
  /** Display of a value unknown until apply that may make one more Service select the pod. */
  readonly unknown?: string;
}

const sep = "\u0000";

/** The stack's Services with selectors, indexed by namespace and their first selector pair. */
class ServiceIndex {
  private readonly byPair = new Map<string, Indexed[]>();
  /** Services whose selector is computed from one workload (a property dependency of `spec` on it). */
  private readonly byDependency = new Map<string, ServiceEntry[]>();
  /** Services whose namespace or selector is unknown and not settled by a dependency, by namespace ("" = any). */
  private readonly pending = new Map<string, string>();
  /** Namespaces that hold a Service with a known selector. */
  private readonly namespaces = new Set<string>();

  constructor(stack: StackView, workloadTypes: ReadonlySet<string>) {
    const routes = routeBackends(stack);
    for (const s of stack.ofType(T.k8sService)) {
      const nsUnknown = s.unknown("metadata.namespace");
      const ns = s.namespace();
      const route = routes.get(`${ns}/${s.k8sName()}`);
      const targets = targetPorts(s);
      if (nsUnknown || s.unknown("spec.selector")) {
        const deps = s.dependenciesOf("spec").filter((u) => workloadTypes.has(stack.byUrn(u)?.type ?? ""));
        if (deps.length > 0 && !nsUnknown) {
          for (const u of deps) push(this.byDependency, u, { r: s, targets, route });
        } else {
          const key = nsUnknown ? "" : ns;
          if (!this.pending.has(key)) this.pending.set(key, `'${nsUnknown ? "metadata.namespace" : "spec.selector"}' of ${s.display()}`);
        }
        continue;
      }
      const selector: [string, string][] = [];
      let partlyUnknown = false;
      const raw = asRecord(s.value("spec.selector"));
      for (const k of Object.keys(raw).sort()) {
        const v = raw[k];
        if (isUnknown(v)) partlyUnknown = true;
        const str = asString(v);
        if (str !== undefined) selector.push([k, str]);
      }
      if (partlyUnknown) {
        if (!this.pending.has(ns)) this.pending.set(ns, `'spec.selector' of ${s.display()}`);
        continue;
      }
      const first = selector[0];
      if (!first) continue; // no selector: no pods are selected (endpoints are managed by hand)
      this.namespaces.add(ns);
      push(this.byPair, `${ns}${sep}${first[0]}=${first[1]}`, { r: s, targets, route, selector });
    }
  }

  /** The Services that select the pod template of `w`. */
  select(w: Workload): Selection {
    const r = w.r;
    const services: ServiceEntry[] = [...(this.byDependency.get(r.urn) ?? [])];
    if (r.unknown("metadata.namespace")) {
      return this.namespaces.size > 0 || this.pending.size > 0 ? { services, unknown: "'metadata.namespace'" } : { services };
    }
    const ns = r.namespace();
    const labels = w.podLabels();
    for (const k in labels) {
      for (const s of this.byPair.get(`${ns}${sep}${k}=${labels[k]}`) ?? []) {
        if (s.selector.every(([sk, sv]) => labels[sk] === sv)) services.push(s);
      }
    }
    let unknown = this.pending.get(ns) ?? this.pending.get("");
    if (unknown === undefined && this.namespaces.has(ns)) {
      const l = w.podLabelsRead();
      if (l.lookup.kind === "unknown" || (l.lookup.kind === "known" && Object.values(asRecord(l.lookup.value)).some(isUnknown))) unknown = `'${l.path}'`;
    }
    return unknown === undefined ? { services } : { services, unknown };
  }
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A Service's target ports (targetPort, else port), or undefined when its ports are unknown until apply. */
function targetPorts(s: ResourceView): ServiceEntry["targets"] {
  if (s.unknown("spec.ports")) return undefined;
  const numbers = new Set<number>();
  const names = new Set<string>();
  for (const p of asArray(s.value("spec.ports"))) {
    const t = valueAt(p, "targetPort") ?? valueAt(p, "port");
    if (isUnknown(t)) return undefined;
    const n = asNumber(t);
    const name = asString(t);
    if (n !== undefined) numbers.add(n);
    else if (name !== undefined && /^\d+$/.test(name)) numbers.add(Number(name));
    else if (name !== undefined) names.add(name);
  }
  return { numbers, names };
}

/** "<namespace>/<Service name>" → the first Ingress / HTTPRoute of the stack that routes to it. */
function routeBackends(stack: StackView): Map<string, ResourceView> {
  const out = new Map<string, ResourceView>();
  const add = (ns: string, name: string | undefined, r: ResourceView) => {
    if (name !== undefined && !out.has(`${ns}/${name}`)) out.set(`${ns}/${name}`, r);
  };
  for (const r of stack.ofType(T.ingress)) {
    const ns = r.namespace();
    add(ns, asString(r.value("spec.defaultBackend.service.name")), r);
    for (const rule of asArray(r.value("spec.rules"))) for (const p of asArray(valueAt(rule, "http.paths"))) add(ns, asString(valueAt(p, "backend.service.name")), r);
  }
  for (const r of stack.ofType(T.httpRoute)) {
    const ns = r.namespace();
    for (const rule of asArray(r.value("spec.rules"))) {
      for (const b of asArray(valueAt(rule, "backendRefs"))) {
        if ((asString(valueAt(b, "kind")) ?? "Service") === "Service") add(asString(valueAt(b, "namespace")) ?? ns, asString(valueAt(b, "name")), r);
      }
    }
  }
  return out;
}

/** The index of a stack for a set of workload types (built once per stack and type list). */
const indexes = memoByObject((_stack: StackView) => new Map<string, ServiceIndex>());

/** The Services of the stack that select the pod template of `w` (the index is built once per stack). */
export function selectingServices(stack: StackView, w: Workload, workloadTypes: readonly string[]): Selection {
  const perTypes = indexes(stack);
  const key = workloadTypes.join("\n");
  let idx = perTypes.get(key);
  if (!idx) perTypes.set(key, (idx = new ServiceIndex(stack, new Set(workloadTypes))));
  return idx.select(w);
}

/** True when one of the containers declares a port that is a target port of the Service. */
export function targetsDeclared(s: ServiceEntry, ports: readonly DeclaredPorts[]): boolean {
  const t = s.targets;
  if (!t) return false;
  return ports.some((p) => [...p.numbers].some((n) => t.numbers.has(n)) || [...p.names].some((n) => t.names.has(n)));
}
