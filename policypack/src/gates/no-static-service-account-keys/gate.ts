/** The `no-static-service-account-keys` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { noStaticServiceAccountKeys as legacy } from "../../policies/identity";

export const meta = defineMeta({
  name: "no-static-service-account-keys",
  title: "No static service-account keys",
  area: "identity-gateway",
  kind: "resource",
  severity: "critical",
  level: "mandatory",
  proves: "No gcp:serviceaccount/key:Key, no Kubernetes Secret holding a service-account key.",
  remediation: "Delete the key; use Workload Identity (a Kubernetes ServiceAccount annotated with iam.gke.io/gcp-service-account).",
  sources: [{ seed: "002", section: "6. Security", line: "Workload Identity used for all GCP API calls; no static SA keys" }],
});

export const noStaticServiceAccountKeys = withMeta(meta, legacy);
