/** The `service-dashboards` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asString, isRecord, SERVICE_LABELS, T, type ResourceView, type StackView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate } from "../../engine/rule";
import { reportServicesWithout } from "../../lib/attribution";

export const meta = defineMeta({
  name: "service-dashboards",
  title: "Every service has a dashboard",
  area: "observability-retention",
  kind: "stack",
  severity: "low",
  level: "mandatory",
  proves: "Every service has a dashboard.",
  remediation: "Add a gcp.monitoring.Dashboard for the service, with \"labels\": {\"service\": \"<svc>\"} in its dashboardJson.",
  sources: [
    { seed: "000", section: "Observability", line: "Dashboard: Config Service Overview live in Grafana" },
    { seed: "002", section: "7. Observability", line: "Dashboards published: Service health, Operations, AI, Sync" },
  ],
});

export const settings = z.strictObject({});

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

export const serviceDashboards = stackGate({
  meta,
  settings,
  check(stack, _s, report) {
    const fix = (svc: string) => `add a gcp.monitoring.Dashboard whose dashboardJson has "labels": { "service": "${svc}" } (or create it inside the service's labelled component)`;
    reportServicesWithout(stack, T.dashboard, "dashboard", (r) => dashboardService(stack, r), fix, report);
  },
});
