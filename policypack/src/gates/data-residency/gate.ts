/** The `data-residency` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { dataResidency as legacy } from "../../policies/residency";

export const meta = defineMeta({
  name: "data-residency",
  title: "Data stays in the allowed regions",
  area: "residency-encryption",
  kind: "resource",
  severity: "critical",
  level: "mandatory",
  proves:
    "Every resource that stores or processes data sits in an allowed location (own field, else provider region/zone, else the stack's gcp:region). Multi-regions, global and automatic Secret Manager replication are violations; DR locations only for replicas and backups.",
  remediation:
    "Set the resource's location to an allowed region (default europe-west1); use a single region rather than a multi-region; give Secret Manager secrets user-managed replication in allowed regions; put Pub/Sub message storage policy on allowed regions.",
  sources: [{ seed: "002", section: "12. Compliance", line: "Data residency: confirmed all production storage in europe-west1" }],
});

export const dataResidency = withMeta(meta, legacy);
