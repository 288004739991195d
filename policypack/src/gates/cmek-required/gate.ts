/** The `cmek-required` gate: its catalog record, settings and check. */
import { z } from "zod";
import { show, T, type ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation, type Reporter } from "../../engine/rule";
import { checkComputeDisks, COMPUTE_TYPES } from "../../lib/compute";
import { KEYED_TYPES, keyFix, keyRefs } from "../../lib/kms";

export const meta = defineMeta({
  name: "cmek-required",
  title: "Data encrypted with customer-managed keys",
  area: "residency-encryption",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "Every GCP type that stores data and has a customer-managed key field names a Cloud KMS key there (docs/gcp-scope.md: Cloud SQL, buckets, BigQuery datasets, Pub/Sub topics, Secret Manager replicas, Artifact Registry, GKE application-layer secrets, node pool boot disks, Redis, disks, Compute instance and template disks, Spanner, Bigtable, AlloyDB, Filestore, ...). At preview a key that is unknown but depends on a CryptoKey of the stack counts as set.",
  remediation:
    "Create a gcp.kms.CryptoKey in the service's region and pass its id to the resource's encryption field (e.g. encryptionKeyName, encryption.defaultKmsKeyName, kmsKeyName).",
  sources: [
    { seed: "002", section: "6. Security", line: "CMEK enabled on Cloud SQL and melmastoon-vendor-invoices/ bucket" },
    { seed: "001", section: "Security", line: "Portrait encryption key configured in secret manager" },
  ],
});

export const settings = z.strictObject({
  /** Type tokens that must use CMEK (defaults to every type the pack knows a key field for). */
  types: z.array(z.string()).default([...KEYED_TYPES]),
});

const SECRET_FIX = "give every user-managed replica customerManagedEncryption.kmsKeyName (a CryptoKey in the replica's region)";

function checkGkeState(r: ResourceView, report: Reporter): boolean {
  const st = r.get("databaseEncryption.state");
  if (st.kind === "known" && st.value !== "ENCRYPTED") {
    report({
      subject: r,
      message: violation(
        r.display(),
        "application-layer secrets encryption is not on",
        `databaseEncryption.state ${show(st.value)}`,
        'set databaseEncryption = { state: "ENCRYPTED", keyName: <CryptoKey id> }',
      ),
    });
    return false;
  }
  return true;
}

export const cmekRequired = stackGate({
  meta,
  settings,
  check(stack, s, report) {
    for (const r of stack.ofType(...s.types)) {
      if (r.type === T.gkeCluster && !checkGkeState(r, report)) continue;
      const refs = keyRefs(r);
      if (refs.length === 0 && r.type === T.secret) {
        report({ subject: r, message: violation(r.display(), "has no replication with a customer-managed key", undefined, SECRET_FIX) });
      }
      for (const k of refs) {
        if (k.state === "known") {
          if (!k.value?.includes("/cryptoKeys/")) {
            report({
              subject: r,
              message: violation(r.display(), `'${k.path}' is not a Cloud KMS CryptoKey name`, show(k.value), "use a CryptoKey id: projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>"),
            });
          }
          continue;
        }
        if (k.state === "unknown") {
          if (stack.dependsOnType(r, k.dep, T.kmsCryptoKey)) continue;
          report({ subject: r, undecided: true, message: undecidedMessage(r.display(), `the key '${k.path}'`) });
          continue;
        }
        report({
          subject: r,
          message: violation(
            r.display(),
            "stores data without a customer-managed encryption key",
            `'${k.path}' not set`,
            r.type === T.secret ? SECRET_FIX : keyFix(r.type, k.field ?? k.path),
          ),
        });
      }
    }
    // Compute Engine instances and instance templates: every disk (boot, attached, template, scratch), see lib/compute.ts.
    for (const r of stack.ofType(...COMPUTE_TYPES)) checkComputeDisks(stack, r, report);
  },
});
