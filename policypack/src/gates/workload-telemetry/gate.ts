/** The `workload-telemetry` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { workloadTelemetry as legacy } from "../../policies/workloads";

export const meta = defineMeta({
  name: "workload-telemetry",
  title: "OpenTelemetry configured",
  area: "workloads",
  kind: "resource",
  severity: "medium",
  level: "mandatory",
  proves: "Service containers carry OpenTelemetry settings (service name, exporter endpoint).",
  remediation: "Set OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT on each service container.",
  sources: [
    { seed: "000", section: "Observability", line: "OpenTelemetry traces visible in Grafana/Tempo for staging" },
    { seed: "001", section: "Observability", line: "OpenTelemetry traces visible in staging Grafana" },
    { seed: "002", section: "7. Observability", line: "OTel tracing enabled with required attributes (per OBSERVABILITY.md §1)" },
  ],
});

export const workloadTelemetry = withMeta(meta, legacy);
