/** The `workload-telemetry` gate: its catalog record, settings and check. */
import { z } from "zod";
import { show, T } from "../../access";
import { FUNCTION_TYPES, K8S_SERVING_TYPES, type EnvVar } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { violation } from "../../engine/rule";
import { reportUndecided } from "../../lib/undecided";
import { containersOf, imageMatches, workloadGate } from "../../lib/workloads";

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

export const settings = z.strictObject({
  /** Images (substring match) exempt from the gate: third-party proxies that carry no OTel SDK. */
  exemptImages: z.array(z.string().min(1)).default(["pgbouncer", "cloud-sql-proxy", "cloudsql-proxy", "opentelemetry-collector", "otelcol"]),
});

type TelemetrySettings = z.infer<typeof settings>;

function envSet(e: EnvVar | undefined): boolean {
  if (!e) return false;
  if (e.source === "literal") return (e.value as string).trim() !== "";
  return e.source !== "none";
}

export const workloadTelemetry = workloadGate({
  meta,
  // Cloud Functions: the HTTP-triggered ones (their runtime serves traffic), like a container with ports.
  types: [...K8S_SERVING_TYPES, T.cloudRunService, T.cloudRunV1Service, ...FUNCTION_TYPES],
  settings,
  check(w, s: TelemetrySettings, report) {
    const r = w.r;
    for (const c of containersOf(w, report, { init: false })) {
      if (!c.serving) continue;
      if (imageMatches(c, s.exemptImages)) continue;
      const env = w.env(c);
      if (env.unknown) {
        reportUndecided(report, r, `'${env.unknown}'`);
        continue;
      }
      const byName = new Map<string, EnvVar>();
      for (const e of env.list) if (e.name !== undefined) byName.set(e.name, e);
      const attrs = byName.get("OTEL_RESOURCE_ATTRIBUTES");
      const nameOk =
        envSet(byName.get("OTEL_SERVICE_NAME")) ||
        (attrs?.source === "literal" && /(?:^|,)\s*service\.name\s*=\s*[^,\s]/.test(attrs.value as string)) ||
        (attrs !== undefined && attrs.source !== "literal" && attrs.source !== "none");
      const endpointOk = envSet(byName.get("OTEL_EXPORTER_OTLP_ENDPOINT")) || envSet(byName.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
      /** Missing settings (may come from an envFrom ConfigMap) and settings that switch tracing off. */
      const missing: string[] = [];
      const off: string[] = [];
      if (!nameOk) missing.push("no service name (OTEL_SERVICE_NAME, or service.name in OTEL_RESOURCE_ATTRIBUTES)");
      if (!endpointOk) missing.push("no exporter endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)");
      const disabled = byName.get("OTEL_SDK_DISABLED");
      if (disabled?.source === "literal" && /^true$/i.test((disabled.value as string).trim())) off.push("OTEL_SDK_DISABLED=true");
      const exporter = byName.get("OTEL_TRACES_EXPORTER");
      if (exporter?.source === "literal" && (exporter.value as string).trim().toLowerCase() === "none") off.push('OTEL_TRACES_EXPORTER="none"');
      const problems = [...missing, ...off];
      if (problems.length === 0) continue;
      const from = w.envFrom(c).list.filter((f) => f.kind !== "secret");
      if (from.length > 0 && off.length === 0) {
        report({
          undecided: true,
          message: `${r.display()}: ${c.label} has ${problems.join(" and ")} in env, but loads env from ${from.map((f) => `${f.kind} ${show(f.name)}`).join(", ")}, which a per-resource check cannot read, so this gate is not decided for it. Fix: set the OTEL_* variables in the container's env.`,
        });
        continue;
      }
      report({
        message: violation(
          r.display(),
          `${c.label} is not instrumented with OpenTelemetry`,
          problems.join("; "),
          `set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in ${w.platform === "functions" ? "the function's environmentVariables" : "the container's env"}`,
        ),
      });
    }
  },
});
