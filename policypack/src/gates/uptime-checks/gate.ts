/** The `uptime-checks` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { uptimeChecks as legacy } from "../../policies/observability";

export const meta = defineMeta({
  name: "uptime-checks",
  title: "Uptime checks every 60 s from 3 regions",
  area: "observability-retention",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "Every public service has an uptime check every 60 s from ≥ 3 regions.",
  remediation: "Add a gcp.monitoring.UptimeCheckConfig with period \"60s\" and at least 3 selectedRegions.",
  sources: [{ seed: "002", section: "7. Observability", line: "Synthetic checks running every 60 s from 3 regions" }],
});

export const uptimeChecks = withMeta(meta, legacy);
