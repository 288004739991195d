/** The `workload-health-probes` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { workloadHealthProbes as legacy } from "../../policies/workloads";

export const meta = defineMeta({
  name: "workload-health-probes",
  title: "Health probes on the configured paths",
  area: "workloads",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves:
    "Liveness and readiness probes on every serving container, on the configured paths (default /health/live, /health/ready); Cloud Run: liveness and startup probes.",
  remediation: "Add livenessProbe.httpGet.path: /health/live and readinessProbe.httpGet.path: /health/ready to each serving container.",
  sources: [
    { seed: "000", section: "Deployment", line: "Health check endpoints (/health/live, /health/ready) verified" },
    { seed: "001", section: "Infrastructure", line: "Readiness + liveness probes configured" },
    { seed: "002", section: "8. Deployment", line: "Health and readiness probes configured" },
  ],
});

export const workloadHealthProbes = withMeta(meta, legacy);
