/** The `cmek-required` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { cmekRequired as legacy } from "../../policies/encryption";

export const meta = defineMeta({
  name: "cmek-required",
  title: "Data encrypted with customer-managed keys",
  area: "residency-encryption",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "Cloud SQL, buckets, BigQuery datasets, Pub/Sub topics, Secret Manager user-managed replicas, Artifact Registry, GKE application-layer secrets, Redis and disks name a Cloud KMS key. At preview a key that is unknown but depends on a CryptoKey of the stack counts as set.",
  remediation:
    "Create a gcp.kms.CryptoKey in the service's region and pass its id to the resource's encryption field (e.g. encryptionKeyName, encryption.defaultKmsKeyName, kmsKeyName).",
  sources: [
    { seed: "002", section: "6. Security", line: "CMEK enabled on Cloud SQL and melmastoon-vendor-invoices/ bucket" },
    { seed: "001", section: "Security", line: "Portrait encryption key configured in secret manager" },
  ],
});

export const cmekRequired = withMeta(meta, legacy);
