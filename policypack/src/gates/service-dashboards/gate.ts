/** The `service-dashboards` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { serviceDashboards as legacy } from "../../policies/observability";

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

export const serviceDashboards = withMeta(meta, legacy);
