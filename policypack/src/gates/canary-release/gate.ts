/** The `canary-release` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { canaryRelease as legacy } from "../../policies/release";

export const meta = defineMeta({
  name: "canary-release",
  title: "Canary releases",
  area: "release",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "Each service is released by a canary (Cloud Deploy canary strategy and automation waits, or Argo Rollout steps and pauses) with the configured progression.",
  remediation: "Add a Cloud Deploy delivery pipeline with a canary strategy and automation waits, or an Argo Rollout with setWeight/pause steps.",
  sources: [
    { seed: "000", section: "Deployment", line: "Canary deploy completed (5 % / 30 min) in staging" },
    { seed: "001", section: "Operations", line: "Canary deploy (5% / 30 min) completed in staging" },
    { seed: "002", section: "8. Deployment", line: "Canary release: 10% → 50% → 100% traffic shift with bake intervals" },
  ],
});

export const canaryRelease = withMeta(meta, legacy);
