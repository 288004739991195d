/** The `gateway-jwt-auth` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asString, isRecord, valueAt, type ResourceView, type StackView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, violation, type Reporter } from "../../engine/rule";
import { checkRoutes, kongClassesSchema, missingRefs, PLUGINS_ANNOTATION, type Plugin, type Route } from "../../lib/gateway";
import { publicEndpoints } from "../../lib/public-endpoints";
import { reportUndecided } from "../../lib/undecided";

export const meta = defineMeta({
  name: "gateway-jwt-auth",
  title: "JWT and tenant header at the gateway",
  area: "identity-gateway",
  kind: "stack",
  severity: "critical",
  level: "mandatory",
  proves:
    "Every Ingress/route of a service is behind a Kong JWT (or OIDC) plugin and a tenant-header check, and nothing bypasses Kong: no Cloud Run service or function invokable by allUsers, no external LoadBalancer Service but Kong's proxy, no Cloud SQL authorized network open to 0.0.0.0/0.",
  remediation: "Attach KongPlugins of type jwt and a tenant-header check via the konghq.com/plugins annotation.",
  sources: [{ seed: "002", section: "6. Security", line: "All endpoints behind JWT + tenant header check at Kong" }],
});

export const settings = z.strictObject({
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
  /**
   * LoadBalancer Services ("<namespace>/<name>") that are Kong's proxy, besides those recognised by
   * the label or selector app.kubernetes.io/name: kong or a Kong Helm chart parent.
   */
  kongProxyServices: z.array(z.string().regex(/^[^/]+\/[^/]+$/, 'must be "<namespace>/<name>"')).default([]),
});

type JwtSettings = z.infer<typeof settings>;

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

/** Endpoints outside Kong (lib/public-endpoints.ts): each one is a bypass of the gateway's JWT and tenant checks. */
function reportBypasses(stack: StackView, s: JwtSettings, report: Reporter): void {
  for (const e of publicEndpoints(stack)) {
    if (e.gateway || (e.kind === "loadBalancer" && s.kongProxyServices.includes(`${e.subject.namespace()}/${e.subject.k8sName()}`))) continue;
    if (e.unknown) {
      reportUndecided(report, e.subject, `${e.unknown} (whether it opens an endpoint outside the Kong gateway)`, e.service);
      continue;
    }
    report({
      subject: e.subject,
      service: e.service,
      message: violation(
        e.subject.display(),
        `${e.service ? `service '${e.service}': ` : ""}${e.what}: an endpoint outside the Kong gateway, which bypasses its JWT authentication and tenant-header check`,
        e.found,
        e.fix,
      ),
    });
  }
}

export const gatewayJwtAuth = stackGate({
  meta,
  settings,
  check(stack, s: JwtSettings, report) {
    const gate = {
      bypasses: "JWT authentication",
      problem: (service: string) => `service '${service}' routes are not all behind Kong JWT authentication and a tenant-header check on ${s.tenantHeader}`,
      fix: `create KongPlugins of type ${s.authPlugins[0]} and ${s.tenantCheckPlugins[0]} (config.parameter_schema: [{name: "${s.tenantHeader}", in: "header", required: true, schema: "{\\"type\\":\\"string\\"}"}]) and name them in the ${PLUGINS_ANNOTATION} annotation of the Ingress`,
    };
    checkRoutes(stack, s.kongIngressClasses, report, gate, (route) => {
      const auth = find(route, (p) => s.authPlugins.includes(p.type ?? ""));
      const tenant = find(route, (p) => tenantCheck(p, s));
      if ((!auth.hit && auth.unknown) || (!tenant.hit && tenant.unknown)) return { pending: auth.unknown ?? tenant.unknown };
      const lacks = [!auth.hit ? `no ${s.authPlugins.join("/")} plugin` : undefined, !tenant.hit ? `no tenant check on ${s.tenantHeader}` : undefined].filter(
        (x): x is string => x !== undefined,
      );
      return lacks.length > 0 ? { bad: `${describe(route)} (${lacks.join(", ")})` } : undefined;
    });
    reportBypasses(stack, s, report);
  },
});
