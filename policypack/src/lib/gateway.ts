/**
 * What both gateway gates read (Kong Ingress Controller): the routes of every service Ingress and
 * HTTPRoute with the plugins that apply to each, and the walk that turns each route's verdict into
 * the gate's finding for its Ingress/HTTPRoute.
 *
 * Kong plugins are `configuration.konghq.com/v1` KongPlugin (namespaced) and KongClusterPlugin
 * resources (`plugin` and `config` at the top level of the object). They apply to a route when
 * named in the `konghq.com/plugins` annotation (comma-separated) of the Ingress / HTTPRoute or of
 * its backend Service, through an HTTPRoute ExtensionRef filter, or globally (a KongClusterPlugin
 * labelled `global: "true"`). A route here is one backend Service of the Ingress/HTTPRoute.
 */
import { z } from "zod";
import { asArray, asString, show, T, valueAt, type ResourceView, type StackView } from "../access";
import { undecidedMessage, violation, type Reporter } from "../engine/rule";
import { memoByObject } from "../memo";

export const PLUGINS_ANNOTATION = "konghq.com/plugins";

/** A plugin a route names, resolved against the stack. */
export interface Plugin {
  readonly ref: string;
  readonly r?: ResourceView;
  /** The Kong plugin type (`plugin` prop). */
  readonly type?: string;
  readonly disabled: boolean;
}

export interface Route {
  /** "backend Service 'api'" or "the Ingress itself". */
  readonly label: string;
  readonly plugins: readonly Plugin[];
}

interface RouteSet {
  readonly subject: ResourceView;
  readonly service: string;
  /** Why the routes cannot be known at preview. */
  readonly unknown?: string;
  /** Why the Ingress is not served by Kong. */
  readonly notKong?: string;
  readonly routes: readonly Route[];
}

function pluginNames(v: string | undefined): string[] {
  return (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** The stack's Kong objects, indexed once. */
class KongIndex {
  private readonly plugins = new Map<string, ResourceView>();
  private readonly clusterPlugins = new Map<string, ResourceView>();
  private readonly services = new Map<string, ResourceView>();
  readonly globals: Plugin[] = [];

  constructor(stack: StackView) {
    for (const p of stack.ofType(T.kongPlugin)) this.plugins.set(`${p.namespace()}/${p.k8sName()}`, p);
    for (const p of stack.ofType(T.kongClusterPlugin)) {
      this.clusterPlugins.set(p.k8sName(), p);
      if (p.label("global") === "true") this.globals.push(this.plugin(p.k8sName(), p));
    }
    for (const s of stack.ofType(T.k8sService)) this.services.set(`${s.namespace()}/${s.k8sName()}`, s);
  }

  private plugin(ref: string, r: ResourceView | undefined): Plugin {
    return { ref, r, type: r?.str("plugin"), disabled: r?.bool("disabled") === true };
  }

  resolve(ns: string, ref: string): Plugin {
    return this.plugin(ref, this.plugins.get(`${ns}/${ref}`) ?? this.clusterPlugins.get(ref));
  }

  service(ns: string, name: string): ResourceView | undefined {
    return this.services.get(`${ns}/${name}`);
  }
}

export const kongClassesSchema = z.array(z.string().min(1)).min(1).default(["kong"]);

/** Per stack, the route sets per Kong class list: both gateway gates read them (they must not be mutated). */
const routeCache = memoByObject((_stack: StackView) => new Map<string, readonly RouteSet[]>());

/** The routes of every service Ingress and HTTPRoute, with the plugins that apply to each (built once per stack). */
function routeSets(stack: StackView, kongClasses: readonly string[]): readonly RouteSet[] {
  const perClasses = routeCache(stack);
  const key = kongClasses.join("\n");
  let sets = perClasses.get(key);
  if (!sets) perClasses.set(key, (sets = buildRouteSets(stack, kongClasses)));
  return sets;
}

function buildRouteSets(stack: StackView, kongClasses: readonly string[]): RouteSet[] {
  const kong = new KongIndex(stack);
  const out: RouteSet[] = [];
  for (const r of stack.ofType(T.ingress, T.httpRoute)) {
    const service = stack.serviceOf(r);
    if (!service) continue;
    const ns = r.namespace();
    const unknownOf = (...paths: string[]) => paths.find((p) => r.unknown(p));
    const unknown = unknownOf("metadata.annotations", "metadata.namespace", "spec.rules", "spec.defaultBackend", "spec.ingressClassName");
    if (unknown) {
      out.push({ subject: r, service, unknown: `'${unknown}'`, routes: [] });
      continue;
    }
    if (r.type === T.ingress) {
      const cls = r.str("spec.ingressClassName") ?? r.annotations()["kubernetes.io/ingress.class"];
      if (cls !== undefined && !kongClasses.includes(cls)) {
        out.push({ subject: r, service, notKong: `ingress class ${show(cls)}`, routes: [] });
        continue;
      }
    }
    const own = pluginNames(r.annotations()[PLUGINS_ANNOTATION]);
    const backends: { name: string; ns: string; filters: string[] }[] = [];
    if (r.type === T.ingress) {
      const names = [
        asString(r.value("spec.defaultBackend.service.name")),
        ...asArray(r.value("spec.rules")).flatMap((rule) => asArray(valueAt(rule, "http.paths")).map((p) => asString(valueAt(p, "backend.service.name")))),
      ];
      for (const n of names) if (n !== undefined) backends.push({ name: n, ns, filters: [] });
    } else {
      for (const rule of asArray(r.value("spec.rules"))) {
        const filters = asArray(valueAt(rule, "filters"))
          .filter((f) => asString(valueAt(f, "type")) === "ExtensionRef" && asString(valueAt(f, "extensionRef.kind")) === "KongPlugin")
          .map((f) => asString(valueAt(f, "extensionRef.name")))
          .filter((n): n is string => n !== undefined);
        for (const b of asArray(valueAt(rule, "backendRefs"))) {
          const kind = asString(valueAt(b, "kind")) ?? "Service";
          const n = asString(valueAt(b, "name"));
          if (kind === "Service" && n !== undefined) backends.push({ name: n, ns: asString(valueAt(b, "namespace")) ?? ns, filters });
        }
      }
    }
    const routes: Route[] = [];
    let pending: string | undefined;
    const seen = new Set<string>();
    for (const b of backends.length > 0 ? backends : [undefined]) {
      const key = b ? `${b.ns}/${b.name}|${b.filters.join(",")}` : "";
      if (seen.has(key)) continue;
      seen.add(key);
      const svc = b ? kong.service(b.ns, b.name) : undefined;
      if (svc?.unknown("metadata.annotations")) pending ??= `the annotations of ${svc.display()}`;
      // Plugins named on the route resolve in the route's namespace, those on a Service in the Service's.
      const refs = [...own, ...(b?.filters ?? [])].map((ref) => ({ ref, ns }));
      for (const ref of pluginNames(svc?.annotations()[PLUGINS_ANNOTATION])) refs.push({ ref, ns: b?.ns ?? ns });
      const uniq = new Map(refs.map((x) => [`${x.ns}/${x.ref}`, x]));
      const plugins = [...uniq.values()].map((x) => kong.resolve(x.ns, x.ref)).concat(kong.globals);
      routes.push({ label: b ? `backend Service ${show(b.name)}` : `the ${r.type === T.ingress ? "Ingress" : "HTTPRoute"} itself (no Service backend)`, plugins });
    }
    out.push(pending ? { subject: r, service, unknown: pending, routes: [] } : { subject: r, service, routes });
  }
  return out;
}

/** Where a route names plugins that are not in the stack: "" when none. */
export function missingRefs(route: Route): string {
  const missing = route.plugins.filter((p) => !p.r).map((p) => show(p.ref));
  if (missing.length === 0) return "";
  return `; names ${missing.join(", ")}, which ${missing.length > 1 ? "are not KongPlugins/KongClusterPlugins" : "is not a KongPlugin/KongClusterPlugin"} of the stack`;
}

function reportSet(set: RouteSet, report: Reporter, gateWhat: string): boolean {
  if (set.unknown) {
    report({ subject: set.subject, service: set.service, undecided: true, message: undecidedMessage(set.subject.display(), set.unknown) });
    return true;
  }
  if (set.notKong) {
    report({
      subject: set.subject,
      service: set.service,
      message: violation(
        set.subject.display(),
        `service '${set.service}' is exposed by an Ingress that is not served by Kong, so it bypasses ${gateWhat}`,
        set.notKong,
        'set spec.ingressClassName: "kong" (or add the class to the policy\'s kongIngressClasses)',
      ),
    });
    return true;
  }
  return false;
}

/** One route's verdict: undefined when it passes; why it fails; or the plugin whose type or config is unknown until apply. */
export type RouteVerdict = { readonly bad: string } | { readonly pending: Plugin | undefined } | undefined;

/** What a gateway gate says about a service: what a non-Kong Ingress bypasses, the problem and the fix. */
export interface RouteGate {
  readonly bypasses: string;
  problem(service: string): string;
  readonly fix: string;
}

/**
 * Checks every service Ingress/HTTPRoute served by Kong: one violation listing the failing routes,
 * else, when a route cannot be told at preview, one undecided finding naming the first such plugin.
 */
export function checkRoutes(stack: StackView, kongClasses: readonly string[], report: Reporter, gate: RouteGate, verdict: (route: Route) => RouteVerdict): void {
  for (const set of routeSets(stack, kongClasses)) {
    if (reportSet(set, report, gate.bypasses)) continue;
    const bad: string[] = [];
    let pending: Plugin | undefined;
    for (const route of set.routes) {
      const v = verdict(route);
      if (v === undefined) continue;
      if ("pending" in v) pending ??= v.pending;
      else bad.push(v.bad);
    }
    if (bad.length > 0) {
      report({ subject: set.subject, service: set.service, message: violation(set.subject.display(), gate.problem(set.service), bad.join("; "), gate.fix) });
    } else if (pending) {
      report({ subject: set.subject, service: set.service, undecided: true, message: undecidedMessage(set.subject.display(), `the plugin or config of ${pending.r?.display()}`) });
    }
  }
}
