/** The `uptime-checks` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asString, isUnknown, show, T, valueAt, type ResourceView, type StackView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { attribute } from "../../lib/attribution";
import { durationSchema, parseDuration } from "../../lib/durations";
import { publicEndpoints } from "../../lib/public-endpoints";
import { names, stackServices } from "../../lib/services";
import { reportUndecided } from "../../lib/undecided";

export const meta = defineMeta({
  name: "uptime-checks",
  title: "Uptime checks every 60 s from 3 regions",
  area: "observability-retention",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves:
    "Every uptime check runs every 60 s from ≥ 3 regions, and every public service (an Ingress, HTTPRoute or LoadBalancer Service, a Cloud Run service or function invokable by allUsers, or the label exposure: public) has one.",
  remediation: "Add a gcp.monitoring.UptimeCheckConfig with period \"60s\" and at least 3 selectedRegions.",
  sources: [{ seed: "002", section: "7. Observability", line: "Synthetic checks running every 60 s from 3 regions" }],
});

export const settings = z.strictObject({
  maxPeriod: durationSchema.default("60s").describe('The longest time between two checks ("60s").'),
  minRegions: z.number().int().min(1).default(3).describe("The fewest checker regions (selectedRegions; unset means all regions)."),
});

/** The uptime check API default when `period` is not set. */
const DEFAULT_UPTIME_PERIOD = 300;
export const EXPOSURE_LABEL = "exposure";

interface Exposure {
  readonly subject: ResourceView;
  readonly why: string;
}

/**
 * Public services (and those whose exposure is unknown), and the hosts of their Ingresses and
 * HTTPRoutes. One pass over the services, then the stack's other public endpoints
 * (lib/public-endpoints.ts: allUsers invokers, external LoadBalancer Services), each mapped to its
 * service (an IAM resource: the service of the Cloud Run service / function it names).
 */
function publicServices(stack: StackView): { open: Map<string, Exposure>; maybe: Map<string, Exposure>; hosts: Map<string, string> } {
  const open = new Map<string, Exposure>();
  const maybe = new Map<string, Exposure>();
  const hosts = new Map<string, string>();
  for (const [svc, rs] of stack.services()) {
    for (const r of rs) {
      const exposure = r.label(EXPOSURE_LABEL);
      if (exposure === "public" && !open.has(svc)) open.set(svc, { subject: r, why: `${r.display()} is labelled ${EXPOSURE_LABEL}: public` });
      if ((r.type === T.ingress || r.type === T.httpRoute) && exposure !== "internal") {
        const kind = r.type === T.ingress ? "Ingress" : "HTTPRoute";
        if (!open.has(svc)) open.set(svc, { subject: r, why: `${kind} '${r.name}' exposes it` });
        const hostValues = r.type === T.ingress ? asArray(r.value("spec.rules")).map((rule) => valueAt(rule, "host")) : asArray(r.value("spec.hostnames"));
        for (const n of hostValues) {
          const h = asString(n);
          if (h) hosts.set(h.toLowerCase(), svc);
        }
      }
      if (r.type === T.cloudRunService && exposure !== "internal") {
        const ing = r.get("ingress");
        if (ing.kind === "unknown") {
          if (!maybe.has(svc)) maybe.set(svc, { subject: r, why: `Cloud Run service '${r.name}' ingress` });
        } else if (ing.kind === "absent" || ing.value === "INGRESS_TRAFFIC_ALL") {
          if (!open.has(svc)) open.set(svc, { subject: r, why: `Cloud Run service '${r.name}' accepts all traffic (ingress ${show(ing.kind === "known" ? ing.value : "INGRESS_TRAFFIC_ALL (default)")})` });
        }
      }
    }
  }
  for (const e of publicEndpoints(stack)) {
    if (e.kind === "sqlOpen" || !e.service || e.subject.label(EXPOSURE_LABEL) === "internal") continue;
    const exp = { subject: e.subject, why: `${e.subject.display()} ${e.what.replace(/, so anyone can call it$/, "")}` };
    if (e.unknown) {
      if (!maybe.has(e.service)) maybe.set(e.service, { ...exp, why: `${e.unknown} of ${e.subject.display()}` });
    } else if (!open.has(e.service)) open.set(e.service, exp);
  }
  return { open, maybe, hosts };
}

type CheckVerdict = { kind: "pass" } | { kind: "unknown"; what: string } | { kind: "fail"; problem: string };

export function judgeUptime(r: ResourceView, maxPeriod: number, minRegions: number): CheckVerdict {
  const problems: string[] = [];
  const period = r.get("period");
  if (period.kind === "unknown") return { kind: "unknown", what: `'${r.name}' period` };
  const secs = period.kind === "known" ? parseDuration(period.value) : DEFAULT_UPTIME_PERIOD;
  if (secs === undefined || secs > maxPeriod) {
    problems.push(`'${r.name}' runs every ${period.kind === "known" ? show(period.value) : `${DEFAULT_UPTIME_PERIOD}s (period not set: the API default)`}`);
  }
  const regions = r.get("selectedRegions");
  if (regions.kind === "unknown") return { kind: "unknown", what: `'${r.name}' selectedRegions` };
  if (regions.kind === "known") {
    const list = asArray(regions.value);
    if (list.some(isUnknown)) return { kind: "unknown", what: `'${r.name}' selectedRegions` };
    const distinct = new Set(list.map((x) => asString(x)).filter((x): x is string => !!x));
    if (distinct.size < minRegions) problems.push(`'${r.name}' checks from ${distinct.size} region(s) ${show([...distinct])}`);
  }
  return problems.length > 0 ? { kind: "fail", problem: problems.join(" and ") } : { kind: "pass" };
}

export const uptimeChecks = stackGate({
  meta,
  settings,
  check(stack, s, report) {
    const { open, maybe, hosts } = publicServices(stack);
    const maxPeriod = parseDuration(s.maxPeriod) as number;
    const checks = attribute(stack.ofType(T.uptimeCheck), (r) => {
      const own = stack.serviceOf(r);
      if (own) return own;
      const host = r.str("monitoredResource.labels.host");
      if (host && hosts.has(host.toLowerCase())) return hosts.get(host.toLowerCase());
      return r.unknown("userLabels") || r.unknown("monitoredResource") ? "unknown" : undefined;
    });
    const services = stackServices(stack);
    const exposed = new Map<string, { exp: Exposure; sure: boolean }>();
    for (const [svc, exp] of maybe) exposed.set(svc, { exp, sure: false });
    for (const [svc, exp] of open) exposed.set(svc, { exp, sure: true });
    /** Checks a per-service finding already speaks for: not judged again on their own. */
    const covered = new Set<ResourceView>();
    for (const [svc, { exp, sure }] of [...exposed.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const mine = checks.byService.get(svc) ?? [];
      const verdicts = mine.map((c) => judgeUptime(c, maxPeriod, s.minRegions));
      if (verdicts.some((v) => v.kind === "pass")) continue;
      for (const c of mine) covered.add(c);
      const subject = mine[0] ?? services.get(svc)?.anchor ?? exp.subject;
      const unknown = verdicts.find((v): v is Extract<CheckVerdict, { kind: "unknown" }> => v.kind === "unknown");
      if (unknown || checks.unknown.length > 0 || !sure) {
        const what = unknown
          ? `the uptime check ${unknown.what}`
          : checks.unknown.length > 0
            ? `the service of uptime checks ${names(checks.unknown)}`
            : `whether it is public (${exp.why})`;
        report({ subject, service: svc, undecided: true, message: undecidedMessage(`service '${svc}'`, what) });
        continue;
      }
      const fails = verdicts.flatMap((v) => (v.kind === "fail" ? [v.problem] : []));
      report({
        subject,
        service: svc,
        message: violation(
          `service '${svc}'`,
          mine.length === 0
            ? `is public (${exp.why}) but has no uptime check`
            : `is public (${exp.why}) but no uptime check runs every ${maxPeriod}s from ≥ ${s.minRegions} regions`,
          mine.length === 0 ? (checks.unattributed.length > 0 ? `${names(checks.unattributed)} carry no service label and no host of its Ingress` : "no uptime check") : fails.join("; "),
          `add a gcp.monitoring.UptimeCheckConfig with userLabels { service: "${svc}" }, period: "${maxPeriod}s" and selectedRegions with at least ${s.minRegions} regions (e.g. ["EUROPE", "USA", "ASIA_PACIFIC"]), or leave selectedRegions unset to check from all regions`,
        ),
      });
    }
    // Every other uptime check of the stack is judged on its own: public service or not, attributed or not.
    for (const c of stack.ofType(T.uptimeCheck)) {
      if (covered.has(c)) continue;
      const svc = stack.serviceOf(c);
      const v = judgeUptime(c, maxPeriod, s.minRegions);
      if (v.kind === "unknown") reportUndecided(report, c, v.what.replace(`'${c.name}' `, "'") + "'", svc);
      else if (v.kind === "fail") {
        report({
          subject: c,
          service: svc,
          message: violation(
            c.display(),
            `${svc ? `service '${svc}' ` : ""}uptime check does not run every ${maxPeriod}s from ≥ ${s.minRegions} regions`,
            v.problem,
            `set period: "${maxPeriod}s" and selectedRegions with at least ${s.minRegions} regions (or leave selectedRegions unset to check from all regions)`,
          ),
        });
      }
    }
  },
});
