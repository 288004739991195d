/** The `workload-autoscaling` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { workloadAutoscaling as legacy } from "../../policies/workloads";

export const meta = defineMeta({
  name: "workload-autoscaling",
  title: "Autoscaling configured",
  area: "workloads",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves:
    "Each service Deployment is targeted by an HPA with minReplicas ≥ configured (2 in production), maxReplicas > min, CPU target within bounds (default 50–80 %); Cloud Run min and max instances set.",
  remediation: "Add a HorizontalPodAutoscaler (autoscaling/v2) in the same namespace whose scaleTargetRef names the Deployment.",
  sources: [
    { seed: "001", section: "Infrastructure", line: "HPA configured with correct thresholds" },
    { seed: "002", section: "13. Capacity & cost", line: "Cloud Run min/max instances set per environment" },
  ],
});

export const workloadAutoscaling = withMeta(meta, legacy);
