/** The `gateway-tenant-rate-limit` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asNumber, show, type ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate } from "../../engine/rule";
import { checkRoutes, kongClassesSchema, missingRefs, PLUGINS_ANNOTATION } from "../../lib/gateway";

export const meta = defineMeta({
  name: "gateway-tenant-rate-limit",
  title: "Per-tenant rate limit at the gateway",
  area: "identity-gateway",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "A Kong rate-limiting plugin limits by tenant header at ≤ the configured rate (default 50 rps).",
  remediation: "Attach a rate-limiting KongPlugin with limit_by: header, header_name: X-Tenant-Id, second: 50.",
  sources: [{ seed: "002", section: "4. API & event hygiene", line: "Rate limits configured at Kong: 50 RPS per tenant for BFF" }],
});

export const settings = z.strictObject({
  tenantHeader: z.string().min(1).default("X-Tenant-Id"),
  /** The highest per-tenant rate allowed, in requests per second. */
  maxRequestsPerSecond: z.number().int().min(1).default(50),
  kongIngressClasses: kongClassesSchema,
});

type RateSettings = z.infer<typeof settings>;

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

export const gatewayTenantRateLimit = stackGate({
  meta,
  settings,
  check(stack, s: RateSettings, report) {
    const gate = {
      bypasses: "the per-tenant rate limit",
      problem: (service: string) => `service '${service}' routes are not rate-limited per tenant at ≤ ${s.maxRequestsPerSecond} requests per second`,
      fix: `create a KongPlugin with plugin: rate-limiting, config: {limit_by: "header", header_name: "${s.tenantHeader}", second: ${s.maxRequestsPerSecond}} and name it in the ${PLUGINS_ANNOTATION} annotation of the Ingress`,
    };
    checkRoutes(stack, s.kongIngressClasses, report, gate, (route) => {
      const limiters = route.plugins.filter((p) => p.r && !p.disabled && (p.type === "rate-limiting" || p.type === "rate-limiting-advanced"));
      const verdicts = limiters.map((p) => ({ p, v: rateProblem(p.r as ResourceView, s) }));
      if (verdicts.some((x) => x.v === undefined)) return undefined;
      const unknownType = route.plugins.find((p) => p.r && (p.r.unknown("plugin") || p.r.unknown("disabled")));
      const unknown = verdicts.find((x) => x.v === "unknown")?.p ?? unknownType;
      if (unknown) return { pending: unknown };
      const why = verdicts.map((x) => x.v as string);
      return { bad: `${route.label}: ${why.length > 0 ? why.join("; ") : `no rate-limiting plugin${missingRefs(route)}`}` };
    });
  },
});
