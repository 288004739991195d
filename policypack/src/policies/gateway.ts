/**
 * Gateway gates (Kong Ingress Controller): every route of a service is behind a JWT (or OIDC)
 * plugin and a tenant-header check, and is rate-limited per tenant header.
 *
 * Kong plugins are `configuration.konghq.com/v1` KongPlugin (namespaced) and KongClusterPlugin
 * resources (`plugin` and `config` at the top level of the object). They apply to a route when
 * named in the `konghq.com/plugins` annotation (comma-separated) of the Ingress / HTTPRoute or of
 * its backend Service, through an HTTPRoute ExtensionRef filter, or globally (a KongClusterPlugin
 * labelled `global: "true"`). A route here is one backend Service of the Ingress/HTTPRoute.
 */
import { z } from "zod";
import { asArray, asNumber, asString, isRecord, show, T, valueAt, type ResourceView, type StackView } from "../access";
import { stackRule, undecidedMessage, violation, type Reporter } from "../engine/rule";
import { memoByObject } from "../memo";

const PLUGINS_ANNOTATION = "konghq.com/plugins";

/** A plugin a route names, resolved against the stack. */
interface Plugin {
  readonly ref: string;
  readonly r?: ResourceView;
  /** The Kong plugin type (`plugin` prop). */
  readonly type?: string;
  readonly disabled: boolean;
}

interface Route {
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

/** A plugin of one of `types` that applies; "unknown" when a plugin's type or config is unknown. */
function find(route: Route, accept: (p: Plugin) => boolean | "unknown"): { hit?: Plugin; unknown?: Plugin } {
  let unknown: Plugin | undefined;
  for (const p of route.plugins) {
    if (!p.r || p.disabled) continue;
    if (p.r.unknown("plugin") || p.r.unknown("disabled")) {
      unknown ??= p;
      continue;
    }
    const ok = accept(p);
    if (ok === "unknown") unknown ??= p;
    else if (ok) return { hit: p };
  }
  return { unknown };
}

function missingRefs(route: Route): string {
  const missing = route.plugins.filter((p) => !p.r).map((p) => show(p.ref));
  if (missing.length === 0) return "";
  return `; names ${missing.join(", ")}, which ${missing.length > 1 ? "are not KongPlugins/KongClusterPlugins" : "is not a KongPlugin/KongClusterPlugin"} of the stack`;
}

function describe(route: Route): string {
  const active = route.plugins.filter((p) => p.r && !p.disabled).map((p) => `${p.ref} (${p.type ?? "?"})`);
  return `${route.label}: plugins ${active.length > 0 ? active.join(", ") : "none"}${missingRefs(route)}`;
}

/** True when any string inside `v` mentions the header (case-insensitive). */
function mentions(v: unknown, header: string, depth = 0): boolean {
  if (depth > 16) return false;
  if (typeof v === "string") return v.toLowerCase().includes(header.toLowerCase());
  if (Array.isArray(v)) return v.some((x) => mentions(x, header, depth + 1));
  if (isRecord(v)) return Object.values(v).some((x) => mentions(x, header, depth + 1));
  return false;
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

// ---------------------------------------------------------------------------- gateway-jwt-auth

export const jwtSettings = z.strictObject({
  /** The header that carries the tenant id. */
  tenantHeader: z.string().min(1).default("X-Tenant-Id"),
  /** Kong plugin types that authenticate a request with a JWT. */
  authPlugins: z.array(z.string().min(1)).min(1).default(["jwt", "openid-connect"]),
  /**
   * Kong plugin types accepted as a tenant-header check, when configured on the tenant header:
   * request-validator (a required header parameter), pre-function (Lua that reads the header),
   * or a custom plugin whose config names the header.
   */
  tenantCheckPlugins: z.array(z.string().min(1)).min(1).default(["request-validator", "pre-function", "tenant-header-check"]),
  kongIngressClasses: kongClassesSchema,
});

type JwtSettings = z.infer<typeof jwtSettings>;

/** A tenant check on the header: request-validator needs a required header parameter; others must name the header. */
function tenantCheck(p: Plugin, s: JwtSettings): boolean | "unknown" {
  if (!s.tenantCheckPlugins.includes(p.type ?? "")) return false;
  const r = p.r as ResourceView;
  if (r.unknown("config")) return "unknown";
  if (p.type === "request-validator") {
    const params = r.get("config.parameter_schema");
    if (params.kind === "unknown") return "unknown";
    return asArray(r.value("config.parameter_schema")).some(
      (x) =>
        asString(valueAt(x, "in")) === "header" &&
        asString(valueAt(x, "name"))?.toLowerCase() === s.tenantHeader.toLowerCase() &&
        valueAt(x, "required") === true,
    );
  }
  return mentions(r.value("config"), s.tenantHeader);
}

export const gatewayJwtAuth = stackRule({
  gate: "gateway-jwt-auth",
  settings: jwtSettings,
  check(stack, s: JwtSettings, report) {
    for (const set of routeSets(stack, s.kongIngressClasses)) {
      if (reportSet(set, report, "JWT authentication")) continue;
      const bad: string[] = [];
      let pending: Plugin | undefined;
      for (const route of set.routes) {
        const auth = find(route, (p) => s.authPlugins.includes(p.type ?? ""));
        const tenant = find(route, (p) => tenantCheck(p, s));
        if ((!auth.hit && auth.unknown) || (!tenant.hit && tenant.unknown)) {
          pending ??= auth.unknown ?? tenant.unknown;
          continue;
        }
        const lacks = [!auth.hit ? `no ${s.authPlugins.join("/")} plugin` : undefined, !tenant.hit ? `no tenant check on ${s.tenantHeader}` : undefined].filter(
          (x): x is string => x !== undefined,
        );
        if (lacks.length > 0) bad.push(`${describe(route)} (${lacks.join(", ")})`);
      }
      if (bad.length > 0) {
        report({
          subject: set.subject,
          service: set.service,
          message: violation(
            set.subject.display(),
            `service '${set.service}' routes are not all behind Kong JWT authentication and a tenant-header check on ${s.tenantHeader}`,
            bad.join("; "),
            `create KongPlugins of type ${s.authPlugins[0]} and ${s.tenantCheckPlugins[0]} (config.parameter_schema: [{name: "${s.tenantHeader}", in: "header", required: true, schema: "{\\"type\\":\\"string\\"}"}]) and name them in the ${PLUGINS_ANNOTATION} annotation of the Ingress`,
          ),
        });
      } else if (pending) {
        report({ subject: set.subject, service: set.service, undecided: true, message: undecidedMessage(set.subject.display(), `the plugin or config of ${pending.r?.display()}`) });
      }
    }
  },
});

// ------------------------------------------------------------------- gateway-tenant-rate-limit

export const rateSettings = z.strictObject({
  tenantHeader: z.string().min(1).default("X-Tenant-Id"),
  /** The highest per-tenant rate allowed, in requests per second. */
  maxRequestsPerSecond: z.number().int().min(1).default(50),
  kongIngressClasses: kongClassesSchema,
});

type RateSettings = z.infer<typeof rateSettings>;

const WINDOWS = ["second", "minute", "hour", "day", "month", "year"] as const;

/** Why a plugin is not a per-tenant limit within bounds; undefined when it is; "unknown" when it cannot be told. */
export function rateProblem(r: ResourceView, s: RateSettings): string | "unknown" | undefined {
  const type = r.str("plugin");
  if (r.unknown("config")) return "unknown";
  const byKey = type === "rate-limiting-advanced" ? "identifier" : "limit_by";
  for (const f of [byKey, "header_name"]) if (r.unknown(`config.${f}`)) return "unknown";
  const by = r.str(`config.${byKey}`) ?? "consumer";
  const header = r.str("config.header_name");
  const who = `${r.display()}`;
  if (by !== "header") return `${who} limits by ${byKey} ${show(by)}, not by the ${s.tenantHeader} header`;
  if (header?.toLowerCase() !== s.tenantHeader.toLowerCase()) return `${who} limits by header ${show(header)}, not ${show(s.tenantHeader)}`;
  // Any window's limit also caps a single second, so the tightest one is the per-second cap.
  let caps: number[];
  if (type === "rate-limiting-advanced") {
    if (r.unknown("config.limit")) return "unknown";
    caps = asArray(r.value("config.limit")).map(asNumber).filter((n): n is number => n !== undefined);
  } else {
    if (WINDOWS.some((w) => r.unknown(`config.${w}`))) return "unknown";
    caps = WINDOWS.map((w) => r.num(`config.${w}`)).filter((n): n is number => n !== undefined);
  }
  const cap = caps.length > 0 ? Math.min(...caps) : undefined;
  if (cap === undefined) return `${who} sets no limit`;
  if (cap > s.maxRequestsPerSecond) {
    return `${who} allows up to ${cap} requests in one second per tenant, above ${s.maxRequestsPerSecond}${r.num("config.second") !== undefined ? ` (config.second ${r.num("config.second")})` : ""}`;
  }
  return undefined;
}

export const gatewayTenantRateLimit = stackRule({
  gate: "gateway-tenant-rate-limit",
  settings: rateSettings,
  check(stack, s: RateSettings, report) {
    for (const set of routeSets(stack, s.kongIngressClasses)) {
      if (reportSet(set, report, "the per-tenant rate limit")) continue;
      const bad: string[] = [];
      let pending: Plugin | undefined;
      for (const route of set.routes) {
        const limiters = route.plugins.filter((p) => p.r && !p.disabled && (p.type === "rate-limiting" || p.type === "rate-limiting-advanced"));
        const verdicts = limiters.map((p) => ({ p, v: rateProblem(p.r as ResourceView, s) }));
        if (verdicts.some((x) => x.v === undefined)) continue;
        const unknownType = route.plugins.find((p) => p.r && (p.r.unknown("plugin") || p.r.unknown("disabled")));
        const unknown = verdicts.find((x) => x.v === "unknown")?.p ?? unknownType;
        if (unknown) {
          pending ??= unknown;
          continue;
        }
        const why = verdicts.map((x) => x.v as string);
        bad.push(`${route.label}: ${why.length > 0 ? why.join("; ") : `no rate-limiting plugin${missingRefs(route)}`}`);
      }
      if (bad.length > 0) {
        report({
          subject: set.subject,
          service: set.service,
          message: violation(
            set.subject.display(),
            `service '${set.service}' routes are not rate-limited per tenant at ≤ ${s.maxRequestsPerSecond} requests per second`,
            bad.join("; "),
            `create a KongPlugin with plugin: rate-limiting, config: {limit_by: "header", header_name: "${s.tenantHeader}", second: ${s.maxRequestsPerSecond}} and name it in the ${PLUGINS_ANNOTATION} annotation of the Ingress`,
          ),
        });
      } else if (pending) {
        report({ subject: set.subject, service: set.service, undecided: true, message: undecidedMessage(set.subject.display(), `the plugin or config of ${pending.r?.display()}`) });
      }
    }
  },
});
