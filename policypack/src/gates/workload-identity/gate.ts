/** The `workload-identity` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { workloadIdentity as legacy } from "../../policies/identity";

export const meta = defineMeta({
  name: "workload-identity",
  title: "Workload Identity",
  area: "identity-gateway",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "GKE clusters have Workload Identity, node pools use the GKE metadata server, every service pod runs as a Kubernetes ServiceAccount bound to a Google service account.",
  remediation:
    "Set workloadIdentityConfig.workloadPool on the cluster, nodeConfig.workloadMetadataConfig.mode: GKE_METADATA on node pools, and run pods as a ServiceAccount annotated iam.gke.io/gcp-service-account.",
  sources: [{ seed: "002", section: "6. Security", line: "Workload Identity used for all GCP API calls; no static SA keys" }],
});

export const workloadIdentity = withMeta(meta, legacy);
