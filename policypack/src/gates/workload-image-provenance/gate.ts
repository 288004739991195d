/** The `workload-image-provenance` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { workloadImageProvenance as legacy } from "../../policies/workloads";

export const meta = defineMeta({
  name: "workload-image-provenance",
  title: "Images from Artifact Registry, pinned by digest",
  area: "workloads",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves: "Images come from the approved Artifact Registry and are pinned by digest.",
  remediation: "Use europe-west1-docker.pkg.dev/<project>/<repo>/<image>@sha256:<digest>.",
  sources: [{ seed: "000", section: "Deployment", line: "Docker image built and pushed to registry" }],
});

export const workloadImageProvenance = withMeta(meta, legacy);
