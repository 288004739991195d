/** The `service-slos` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { serviceSlos as legacy } from "../../policies/observability";

export const meta = defineMeta({
  name: "service-slos",
  title: "Every service has an SLO",
  area: "observability-retention",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "Every service has an SLO.",
  remediation: "Add a gcp.monitoring.Slo for the service (with the service label).",
  sources: [
    { seed: "000", section: "Observability", line: "All SLO alerts configured with runbooks linked" },
    { seed: "001", section: "Observability", line: "All SLO alerts configured with runbooks" },
    { seed: "002", section: "7. Observability", line: "SLOs published in error-budget tracking system" },
  ],
});

export const serviceSlos = withMeta(meta, legacy);
