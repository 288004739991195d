/**
 * Observability and retention gates: alert-runbooks, service-slos, service-dashboards,
 * uptime-checks, log-archive-sink, outbox-lag-alert, regulated-data-retention.
 *
 * Per-service gates index the stack once (group by service in one pass) and report each service
 * that misses the gate by name. How a resource is matched to a service: docs/contract.md.
 */
import { z } from "zod";
import {
  asArray,
  asNumber,
  asString,
  isRecord,
  isUnknown,
  lookup,
  SERVICE_LABELS,
  show,
  T,
  typeFromUrn,
  valueAt,
  type ResourceView,
  type StackView,
} from "../access";
import { resourceRule, stackRule, undecidedMessage, violation, type Reporter } from "../engine/rule";
import { durationSchema, formatDuration, parseDuration } from "../lib/durations";
import { names, stackServices, type ServiceEntry } from "../lib/services";
import { undecidedField } from "../lib/undecided";

const NOTIFICATION_CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel";

/**
 * Which service each resource of a kind belongs to, in one pass: `attribute` returns the service,
 * "unknown" when it cannot be told at preview, or undefined when the resource names no service.
 */
interface Attribution {
  readonly byService: ReadonlyMap<string, readonly ResourceView[]>;
  readonly unknown: readonly ResourceView[];
  readonly unattributed: readonly ResourceView[];
}

function attribute(rs: readonly ResourceView[], serviceOf: (r: ResourceView) => string | "unknown" | undefined): Attribution {
  const byService = new Map<string, ResourceView[]>();
  const unknown: ResourceView[] = [];
  const unattributed: ResourceView[] = [];
  for (const r of rs) {
    const s = serviceOf(r);
    if (s === "unknown") unknown.push(r);
    else if (s === undefined) unattributed.push(r);
    else {
      let list = byService.get(s);
      if (!list) byService.set(s, (list = []));
      list.push(r);
    }
  }
  return { byService, unknown, unattributed };
}

/** Labels, else the labels of the resources its `service` input depends on (an SLO's monitoring service). */
function labelledService(stack: StackView, r: ResourceView, viaProp?: string): string | "unknown" | undefined {
  const own = stack.serviceOf(r);
  if (own) return own;
  if (viaProp) {
    for (const urn of r.dependenciesOf(viaProp)) {
      const dep = stack.byUrn(urn);
      const s = dep ? stack.serviceOf(dep) : undefined;
      if (s) return s;
    }
  }
  for (const path of ["userLabels", "labels"]) if (r.unknown(path)) return "unknown";
  return undefined;
}

/**
 * The per-service "has at least one X" report: undecided when some X cannot be attributed yet.
 * What the message says about the other X is computed once, so reporting many services stays linear.
 */
function missingReporter(found: Attribution, what: string, report: Reporter): (svc: ServiceEntry, fix: string) => void {
  const unknown = found.unknown.length > 0 ? `the service label of ${names(found.unknown)}` : undefined;
  const others = [...found.byService.keys()];
  const parts: string[] = [];
  if (others.length > 0) {
    const more = others.length > 4 ? ` and ${others.length - 4} more` : "";
    parts.push(`${what}s exist for ${others.slice(0, 4).map((o) => `'${o}'`).join(", ")}${more}`);
  }
  if (found.unattributed.length > 0) parts.push(`${names(found.unattributed)} carry no service label`);
  const foundText = parts.length > 0 ? parts.join("; ") : `no ${what} in the stack`;
  return (svc, fix) => {
    if (unknown) report({ subject: svc.anchor, service: svc.name, undecided: true, message: undecidedMessage(`service '${svc.name}'`, unknown) });
    else report({ subject: svc.anchor, service: svc.name, message: violation(`service '${svc.name}'`, `has no ${what}`, foundText, fix) });
  };
}

// ------------------------------------------------------------------------------- alert-runbooks

export const alertSettings = z.strictObject({
  minChannels: z.number().int().min(1).default(1).describe("The fewest notification channels an alert policy must notify."),
});

const HTTPS_LINK = /https:\/\/[^\s<>()"'\]]+/i;
const HTTP_LINK = /http:\/\/[^\s<>()"'\]]+/i;

export const alertRunbooks = resourceRule({
  gate: "alert-runbooks",
  types: [T.alertPolicy],
  settings: alertSettings,
  check(r, s, report) {
    const fail = (problem: string, found: string, fix: string) => report({ message: violation(r.display(), problem, found, fix) });
    // Runbook: an https link in documentation.content or documentation.links[].url.
    const content = r.get("documentation.content");
    const links = r.get("documentation.links");
    let unknown: string | undefined;
    if (content.kind === "unknown") unknown = "documentation.content";
    const text = content.kind === "known" ? (asString(content.value) ?? "") : "";
    let linked = HTTPS_LINK.test(text);
    if (links.kind === "unknown") unknown ??= "documentation.links";
    for (const [i, l] of asArray(links.kind === "known" ? links.value : undefined).entries()) {
      const url = lookup(l, "url");
      if (url.kind === "unknown") unknown ??= `documentation.links[${i}].url`;
      else if (url.kind === "known" && /^https:\/\/\S+$/i.test(asString(url.value) ?? "")) linked = true;
    }
    if (!linked && unknown) report({ undecided: true, message: undecidedMessage(r.display(), `the runbook link ('${unknown}')`) });
    else if (!linked) {
      const http = HTTP_LINK.exec(text);
      fail(
        http ? "links its runbook over plain http" : "has no runbook link in its documentation",
        http ? `link ${show(http[0])}` : `documentation.content ${show(content.kind === "known" ? content.value : undefined)}`,
        'put the runbook URL in documentation.content (e.g. "Runbook: https://runbooks.example.com/<alert>") or documentation.links [{ displayName: "Runbook", url: "https://..." }]',
      );
    }
    // Notification channels: entries unknown at preview are channels created in the stack.
    const ch = r.get("notificationChannels");
    if (ch.kind === "unknown") {
      if (r.dependenciesOf("notificationChannels").some((u) => typeFromUrn(u) === NOTIFICATION_CHANNEL)) return;
      undecidedField(r, "notificationChannels", report);
      return;
    }
    const list = asArray(ch.kind === "known" ? ch.value : undefined).filter((c) => isUnknown(c) || (asString(c) ?? "").trim() !== "");
    if (list.length < s.minChannels) {
      fail(
        s.minChannels === 1 ? "notifies nobody: it has no notification channel" : `notifies ${list.length} channel(s), fewer than ${s.minChannels}`,
        `notificationChannels ${show(ch.kind === "known" ? ch.value : undefined)}`,
        "set notificationChannels to the on-call gcp.monitoring.NotificationChannel ids",
      );
    }
  },
});

// --------------------------------------------------------------------------------- service-slos

export const sloSettings = z.strictObject({});

export const serviceSlos = stackRule({
  gate: "service-slos",
  settings: sloSettings,
  check(stack, _s, report) {
    const services = stackServices(stack);
    if (services.size === 0) return;
    const slos = attribute(stack.ofType(T.slo), (r) => labelledService(stack, r, "service"));
    const missing = missingReporter(slos, "SLO", report);
    for (const svc of services.values()) {
      if (slos.byService.has(svc.name)) continue;
      missing(svc, `add a gcp.monitoring.Slo with userLabels { service: "${svc.name}" } (or create it inside the service's labelled component)`);
    }
  },
});

// --------------------------------------------------------------------------- service-dashboards

export const dashboardSettings = z.strictObject({});

/** A dashboard's service: `labels` inside dashboardJson, else its own or its parent's service label. */
export function dashboardService(stack: StackView, r: ResourceView): string | "unknown" | undefined {
  const json = r.get("dashboardJson");
  if (json.kind === "unknown") return stack.serviceOf(r) ?? "unknown";
  const text = json.kind === "known" ? asString(json.value) : undefined;
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      const labels = isRecord(parsed) && isRecord(parsed["labels"]) ? parsed["labels"] : {};
      for (const key of SERVICE_LABELS) {
        const v = asString(labels[key]);
        if (v) return v;
      }
    } catch {
      // Not JSON: fall back to the Pulumi labels below.
    }
  }
  return stack.serviceOf(r);
}

export const serviceDashboards = stackRule({
  gate: "service-dashboards",
  settings: dashboardSettings,
  check(stack, _s, report) {
    const services = stackServices(stack);
    if (services.size === 0) return;
    const dashboards = attribute(stack.ofType(T.dashboard), (r) => dashboardService(stack, r));
    const missing = missingReporter(dashboards, "dashboard", report);
    for (const svc of services.values()) {
      if (dashboards.byService.has(svc.name)) continue;
      missing(svc, `add a gcp.monitoring.Dashboard whose dashboardJson has "labels": { "service": "${svc.name}" } (or create it inside the service's labelled component)`);
    }
  },
});

// -------------------------------------------------------------------------------- uptime-checks

export const uptimeSettings = z.strictObject({
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

/** Public services (and those whose exposure is unknown), and the hosts of their Ingresses and HTTPRoutes. One pass. */
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

export const uptimeChecks = stackRule({
  gate: "uptime-checks",
  settings: uptimeSettings,
  check(stack, s, report) {
    const { open, maybe, hosts } = publicServices(stack);
    if (open.size === 0 && maybe.size === 0) return;
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
    for (const [svc, { exp, sure }] of [...exposed.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const mine = checks.byService.get(svc) ?? [];
      const verdicts = mine.map((c) => judgeUptime(c, maxPeriod, s.minRegions));
      if (verdicts.some((v) => v.kind === "pass")) continue;
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
  },
});

// ----------------------------------------------------------------------------- log-archive-sink

export const sinkSettings = z.strictObject({});

const BIGQUERY_DESTINATION = "bigquery.googleapis.com/";

export const logArchiveSink = stackRule({
  gate: "log-archive-sink",
  settings: sinkSettings,
  check(stack, _s, report) {
    // Stacks that hold no service (network, platform) are out of scope.
    if (stackServices(stack).size === 0) return;
    const sinks = stack.ofType(T.logSink);
    const seen: string[] = [];
    let unknown: ResourceView | undefined;
    for (const sink of sinks) {
      const disabled = sink.get("disabled");
      if (disabled.kind === "unknown") {
        unknown ??= sink;
        continue;
      }
      if (disabled.kind === "known" && disabled.value === true) {
        seen.push(`'${sink.name}' (disabled)`);
        continue;
      }
      const dest = sink.get("destination");
      if (dest.kind === "unknown") {
        // The destination is interpolated from a dataset created in the stack: that settles it.
        if (stack.dependsOnType(sink, "destination", T.bqDataset)) return;
        unknown ??= sink;
        continue;
      }
      const d = dest.kind === "known" ? (asString(dest.value) ?? "") : "";
      if (d.startsWith(BIGQUERY_DESTINATION)) return;
      seen.push(`'${sink.name}' → ${show(d || undefined)}`);
    }
    if (unknown) {
      report({ subject: unknown, undecided: true, message: undecidedMessage(unknown.display(), "the sink's destination") });
      return;
    }
    report({
      message: violation(
        "the stack",
        "archives no logs to BigQuery",
        seen.length > 0 ? `sinks ${seen.join(", ")}` : "no gcp.logging.ProjectSink",
        'add a gcp.logging.ProjectSink with destination "bigquery.googleapis.com/projects/<project>/datasets/<dataset>" (a CMEK dataset in the allowed region) and uniqueWriterIdentity: true',
      ),
    });
  },
});

// ----------------------------------------------------------------------------- outbox-lag-alert

export const outboxSettings = z.strictObject({
  metricPattern: z
    .string()
    .refine(
      (p) => {
        try {
          new RegExp(p, "i");
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be a regular expression such as "outbox[_./-]?lag". Fix: escape special characters.' },
    )
    .default("outbox[_./-]?lag")
    .describe("A regular expression (case-insensitive) that an alert condition's filter or query must match."),
});

export const OUTBOX_LABEL = "outbox";

const CONDITION_TEXT_PATHS = [
  "conditionThreshold.filter",
  "conditionAbsent.filter",
  "conditionMonitoringQueryLanguage.query",
  "conditionPrometheusQueryLanguage.query",
  "conditionMatchedLog.filter",
  "conditionSql.query",
] as const;

/** Does an alert policy watch the outbox lag metric? */
export function watchesOutbox(r: ResourceView, pattern: RegExp): "yes" | "no" | "unknown" {
  const enabled = r.get("enabled");
  if (enabled.kind === "known" && enabled.value === false) return "no";
  const conds = r.get("conditions");
  if (conds.kind === "unknown" || enabled.kind === "unknown") return "unknown";
  let result: "no" | "unknown" = "no";
  for (const c of asArray(conds.kind === "known" ? conds.value : undefined)) {
    if (isUnknown(c)) result = "unknown";
    for (const path of CONDITION_TEXT_PATHS) {
      const l = lookup(c, path);
      if (l.kind === "unknown") result = "unknown";
      else if (l.kind === "known" && pattern.test(asString(l.value) ?? "")) return "yes";
    }
  }
  return result;
}

export const outboxLagAlert = stackRule({
  gate: "outbox-lag-alert",
  settings: outboxSettings,
  check(stack, s, report) {
    const pattern = new RegExp(s.metricPattern, "i");
    // Services with an outbox: any of their resources labelled outbox: "true". One pass.
    const outbox = new Map<string, ResourceView>();
    for (const [svc, rs] of stack.services()) {
      const marked = rs.find((r) => r.label(OUTBOX_LABEL) === "true");
      if (marked) outbox.set(svc, marked);
    }
    if (outbox.size === 0) return;
    const watching = new Map<string, "yes" | "unknown">();
    const unattributed: ResourceView[] = [];
    for (const a of stack.ofType(T.alertPolicy)) {
      const w = watchesOutbox(a, pattern);
      if (w === "no") continue;
      const svc = stack.serviceOf(a);
      if (!svc) {
        unattributed.push(a);
        continue;
      }
      if (watching.get(svc) !== "yes") watching.set(svc, w);
    }
    const services = stackServices(stack);
    for (const [svc, marked] of [...outbox.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const w = watching.get(svc);
      if (w === "yes") continue;
      const subject = services.get(svc)?.anchor ?? marked;
      if (w === "unknown") {
        report({ subject, service: svc, undecided: true, message: undecidedMessage(`service '${svc}'`, "the conditions of its alert policies") });
        continue;
      }
      report({
        subject,
        service: svc,
        message: violation(
          `service '${svc}'`,
          `has an outbox (${marked.display()} is labelled ${OUTBOX_LABEL}: "true") but no alert on outbox lag`,
          unattributed.length > 0 ? `outbox lag alerts ${names(unattributed)} carry no service label` : `no enabled alert policy of the service whose condition matches /${s.metricPattern}/`,
          `add a gcp.monitoring.AlertPolicy with userLabels { service: "${svc}", alert: "outbox-lag" } whose condition filters on the outbox lag metric (e.g. metric.type="prometheus.googleapis.com/outbox_lag_seconds/gauge")`,
        ),
      });
    }
  },
});

// --------------------------------------------------------------------- regulated-data-retention

/** Seven years of 365 days, in seconds. */
export const SEVEN_YEARS = 7 * 365 * 86400;

export const retentionSettings = z.strictObject({
  regulatedBuckets: z.array(z.string().min(1)).default([]).describe("Bucket names (the `name` input, or the Pulumi name) that hold regulated data, labelled or not."),
  minRetentionSeconds: z.number().int().min(1).max(3_155_759_999).default(SEVEN_YEARS).describe("The shortest retention period, in seconds (7 × 365 days)."),
  requireLocked: z.boolean().default(true).describe("Whether the retention policy must be locked (irreversible; off in staging)."),
});

export const DATA_CLASS_LABEL = "data-class";

function years(seconds: number): string {
  const y = seconds / (365 * 86400);
  const n = Number(y.toFixed(2));
  return y >= 1 ? `${n} ${n === 1 ? "year" : "years"}` : formatDuration(seconds);
}

export const regulatedDataRetention = resourceRule({
  gate: "regulated-data-retention",
  types: [T.bucket],
  settings: retentionSettings,
  check(r, s, report) {
    const named = s.regulatedBuckets.includes(r.str("name") ?? "") || s.regulatedBuckets.includes(r.name);
    const label = r.get(["labels", DATA_CLASS_LABEL]);
    if (!named && label.kind !== "known") {
      if (label.kind === "unknown") report({ undecided: true, message: undecidedMessage(r.display(), `whether it holds regulated data (label '${DATA_CLASS_LABEL}')`) });
      return;
    }
    if (!named && label.kind === "known" && label.value !== "regulated") return;
    const why = named ? "is configured as holding regulated data" : `holds regulated data (${DATA_CLASS_LABEL}: regulated)`;
    const fix = `set retentionPolicy = { retentionPeriod: "${s.minRetentionSeconds}" (${years(s.minRetentionSeconds)}, in seconds)${s.requireLocked ? ", isLocked: true" : ""} }`;
    const policy = r.get("retentionPolicy");
    if (undecidedField(r, "retentionPolicy", report)) return;
    if (policy.kind === "absent") {
      report({ message: violation(r.display(), `${why} but has no retention policy, so objects can be deleted at any time`, "retentionPolicy not set", fix) });
      return;
    }
    if (!undecidedField(r, "retentionPolicy.retentionPeriod", report)) {
      const raw = r.value("retentionPolicy.retentionPeriod");
      const secs = asNumber(raw);
      if (secs === undefined || secs < s.minRetentionSeconds) {
        report({
          message: violation(
            r.display(),
            `${why} but keeps objects for less than ${years(s.minRetentionSeconds)}`,
            `retentionPolicy.retentionPeriod ${show(raw)}${secs !== undefined ? ` (${years(secs)})` : ""}`,
            fix,
          ),
        });
      }
    }
    if (s.requireLocked && !undecidedField(r, "retentionPolicy.isLocked", report) && r.bool("retentionPolicy.isLocked") !== true) {
      report({
        message: violation(
          r.display(),
          `${why} but its retention policy is not locked, so it can be shortened or removed`,
          `retentionPolicy.isLocked ${show(r.value("retentionPolicy.isLocked"))}`,
          "set retentionPolicy.isLocked: true (irreversible: lock only once the period is right)",
        ),
      });
    }
  },
});
