/** The `workload-resource-limits` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { workloadResourceLimits as legacy } from "../../policies/workloads";

export const meta = defineMeta({
  name: "workload-resource-limits",
  title: "CPU and memory requests and limits",
  area: "workloads",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves: "CPU and memory requests and limits on every container (init containers too), within configured bounds; Cloud Run limits set.",
  remediation: "Set resources.requests and resources.limits for cpu and memory on every container, within the pack's bounds.",
  sources: [{ seed: "002", section: "8. Deployment", line: "Resource limits set (CPU, mem) per DEPLOYMENT_TOPOLOGY.md §2" }],
});

export const workloadResourceLimits = withMeta(meta, legacy);
