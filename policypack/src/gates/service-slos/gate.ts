/** The `service-slos` gate: its catalog record, settings and check. */
import { z } from "zod";
import { T, type ResourceView, type StackView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate } from "../../engine/rule";
import { reportServicesWithout } from "../../lib/attribution";

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

export const settings = z.strictObject({});

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

export const serviceSlos = stackGate({
  meta,
  settings,
  check(stack, _s, report) {
    const fix = (svc: string) => `add a gcp.monitoring.Slo with userLabels { service: "${svc}" } (or create it inside the service's labelled component)`;
    reportServicesWithout(stack, T.slo, "SLO", (r) => labelledService(stack, r, "service"), fix, report);
  },
});
