/** The `kms-key-hygiene` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { kmsKeyHygiene as legacy } from "../../policies/encryption";

export const meta = defineMeta({
  name: "kms-key-hygiene",
  title: "KMS keys rotate, are protected and are co-located",
  area: "residency-encryption",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "CryptoKeys rotate at most every 90 days, are protected from destroy, and live in the same location as the resources they encrypt.",
  remediation:
    "Set rotationPeriod to at most 7776000s, create the key with the `protect: true` resource option, and create it in a key ring in the same region as the data it encrypts.",
  sources: [
    { seed: "002", section: "6. Security", line: "CMEK enabled on Cloud SQL and melmastoon-vendor-invoices/ bucket" },
    { seed: "000", section: "Security", line: "Secret rotation procedure documented" },
  ],
});

export const kmsKeyHygiene = withMeta(meta, legacy);
