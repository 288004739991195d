/** The `no-static-service-account-keys` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asString, isRecord, lookup, show, T, typeFromUrn, type ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { resourceGate, violation } from "../../engine/rule";
import { COMPUTE_TYPES, metadataKeyDependency, metadataKeys } from "../../lib/compute";

export const meta = defineMeta({
  name: "no-static-service-account-keys",
  title: "No static service-account keys",
  area: "identity-gateway",
  kind: "resource",
  severity: "critical",
  level: "mandatory",
  proves:
    "No gcp:serviceaccount/key:Key, no Kubernetes Secret holding a service-account key; no Compute instance or template with static SSH keys (metadata ssh-keys / sshKeys) or a key file (service-account key, PEM private key) in its metadata or startup script.",
  remediation: "Delete the key; use Workload Identity (a Kubernetes ServiceAccount annotated with iam.gke.io/gcp-service-account).",
  sources: [{ seed: "002", section: "6. Security", line: "Workload Identity used for all GCP API calls; no static SA keys" }],
});

export const settings = z.strictObject({});

/** True when a text is (or contains) a Google service-account key file. Never logs it. */
export function looksLikeServiceAccountKey(text: string): boolean {
  return /"type"\s*:\s*"service_account"/.test(text) || (/"private_key"\s*:/.test(text) && /"client_email"\s*:/.test(text));
}

/** Base64 decoding that never throws; undefined when the text is not base64. */
function fromBase64(v: string): string | undefined {
  const t = v.replace(/\s+/g, "");
  if (t === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, "base64").toString("utf8");
}

/** The data keys of a Kubernetes Secret that hold a service-account key, and whether any value is unknown. */
function saKeyEntries(r: ResourceView): { keys: string[]; unknown: boolean } {
  const keys: string[] = [];
  let unknown = false;
  for (const [field, encoded] of [
    ["stringData", false],
    ["data", true],
  ] as const) {
    const l = r.get(field);
    if (l.kind === "unknown") {
      unknown = true;
      continue;
    }
    if (l.kind !== "known" || !isRecord(l.value)) continue;
    for (const key of Object.keys(l.value)) {
      const vl = lookup(l.value, [key]);
      if (vl.kind === "unknown") {
        unknown = true;
        continue;
      }
      const raw = vl.kind === "known" ? asString(vl.value) : undefined;
      if (raw === undefined) continue;
      const text = encoded ? (fromBase64(raw) ?? raw) : raw;
      if (looksLikeServiceAccountKey(text) || (key.toLowerCase().endsWith(".json") && /"private_key"\s*:/.test(text))) {
        keys.push(`${field}.${key}`);
      }
    }
  }
  return { keys, unknown };
}

export const noStaticServiceAccountKeys = resourceGate({
  meta,
  types: [T.serviceAccountKey, T.k8sSecret, ...COMPUTE_TYPES],
  settings,
  check(r, _s, report) {
    if (r.type !== T.serviceAccountKey && r.type !== T.k8sSecret) {
      const md = metadataKeys(r, looksLikeServiceAccountKey);
      if (md.ssh.length > 0) {
        report({
          message: violation(
            r.display(),
            `puts static SSH keys in instance metadata (${md.ssh.join(", ")}): long-lived keys outside IAM, never rotated or revoked with the person`,
            `metadata ${md.ssh.map((k) => `"${k}"`).join(", ")} set (not shown)`,
            'remove the key entries and use OS Login (metadata "enable-oslogin": "TRUE", roles/compute.osLogin granted through IAM)',
          ),
        });
      }
      if (md.keyFiles.length > 0) {
        report({
          message: violation(
            r.display(),
            `holds a private key file in ${md.keyFiles.join(", ")}`,
            "a service-account key or private key (not shown)",
            "remove it and disable the key; run the instance as a dedicated service account (serviceAccount.email) and let it use the metadata server's credentials",
          ),
        });
      }
      const key = md.unknown ? metadataKeyDependency(r) : undefined;
      if (key) {
        report({
          message: violation(
            r.display(),
            "metadata is filled from a static service-account key created in this stack",
            `metadata from ${show(key)}`,
            "delete the key; run the instance as a dedicated service account (serviceAccount.email) instead of a key file",
          ),
        });
      }
      return;
    }
    if (r.type === T.serviceAccountKey) {
      const sa = r.get("serviceAccountId");
      report({
        message: violation(
          r.display(),
          "creates a static service-account key (a long-lived credential that can leak and is never rotated by Google)",
          `serviceAccountId ${sa.kind === "known" ? show(sa.value) : sa.kind === "unknown" ? "<unknown until apply>" : "not set"}`,
          "delete the key; let the workload authenticate through Workload Identity (a Kubernetes ServiceAccount annotated iam.gke.io/gcp-service-account, or the Cloud Run service account)",
        ),
      });
      return;
    }
    const found = saKeyEntries(r);
    if (found.keys.length > 0) {
      report({
        message: violation(
          r.display(),
          `Kubernetes Secret holds a Google service-account key in ${found.keys.join(", ")}`,
          "a service-account key file (not shown)",
          "delete the Secret and disable the key in IAM; use Workload Identity instead of a key file",
        ),
      });
      return;
    }
    // Data unknown at preview comes from another resource of this stack: when the dependencies are
    // known, a Key among them settles it; otherwise the Key resource itself is reported above.
    if (found.unknown && r.input.dependencies !== undefined) {
      const key = [...r.dependenciesOf("data"), ...r.dependenciesOf("stringData")].find((u) => typeFromUrn(u) === T.serviceAccountKey);
      if (key) {
        report({
          message: violation(
            r.display(),
            "Kubernetes Secret is filled from a static service-account key created in this stack",
            `data from ${show(key)}`,
            "delete the Secret and the key; use Workload Identity instead of a key file",
          ),
        });
      }
    }
  },
});
