/** The `outbox-lag-alert` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asString, isUnknown, lookup, T, type ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { names, stackServices } from "../../lib/services";

export const meta = defineMeta({
  name: "outbox-lag-alert",
  title: "Outbox lag alert",
  area: "observability-retention",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "A service with an outbox has an alert on outbox lag.",
  remediation: "Add an alert policy (userLabels service: <svc>) whose condition watches the service's outbox lag metric, e.g. outbox_lag_seconds.",
  sources: [{ seed: "001", section: "Observability", line: "Outbox lag alert firing + tested" }],
});

export const settings = z.strictObject({
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

export const outboxLagAlert = stackGate({
  meta,
  settings,
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
