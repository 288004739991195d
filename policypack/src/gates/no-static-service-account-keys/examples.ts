/** Examples of `no-static-service-account-keys`, run by test/gates/examples.spec.ts. */
import type { ResourceInput } from "../../access/resource";
import { T } from "../../access/tokens";
import { SA_KEY_JSON } from "../../../../test/fixtures/identity";
import { computeInstance, instanceTemplate } from "../../../../test/fixtures/gcp-workloads";
import { PEM } from "../../../../test/fixtures/k8s";
import { examples } from "../../../../test/support/examples";
import { mutate, res, UNKNOWN, urnOf } from "../../../../test/support/fixtures";

/** A private_key in a JSON file, without the rest of a key file. */
const partial = JSON.stringify({ private_key: "x" });

/** The Secret registration-gcp with this data (base64 values) or stringData. */
const secret = (data: Record<string, unknown>, field = "data"): ResourceInput =>
  res(T.k8sSecret, "registration-gcp", { apiVersion: "v1", kind: "Secret", metadata: { name: "registration-gcp", namespace: "registration" }, type: "Opaque", [field]: data });
const key = () => res(T.serviceAccountKey, "registration-key", { serviceAccountId: "registration@acme-prod.iam.gserviceaccount.com" });

export default examples({
  // An ordinary Secret: a base64 certificate and a plain value.
  baseline: () => [secret({ "tls.crt": Buffer.from("-----BEGIN CERTIFICATE-----").toString("base64"), note: "plain" })],
  compliant: [
    { title: "a JSON config file in stringData", stack: () => [secret({ "config.json": '{"feature": true}' }, "stringData")] },
    { title: "values that are not strings", stack: () => [secret({ weird: 3, nested: { a: 1 } })] },
    { title: "a private_key in a file not named .json", stack: () => [secret({ "sa.txt": partial }, "stringData")] },
    {
      title: "data unknown at preview, filled from a resource that is not a key",
      stack: () => [{ ...secret(UNKNOWN as unknown as Record<string, unknown>), dependencies: [urnOf("random:index/randomPassword:RandomPassword", "pw")] }],
    },
    // Without dependency information (per-resource Analyze), the Key resource itself is what fails.
    { title: "a key file unknown at preview, without dependency information", stack: () => [secret({ "key.json": UNKNOWN })] },
    { title: "a Compute instance and template on OS Login, a startup script without keys", stack: () => [mutate(computeInstance(), "metadataStartupScript", "#!/bin/sh\napt-get update"), instanceTemplate()] },
    { title: "an empty ssh-keys entry", stack: () => [mutate(computeInstance(), "metadata", { "ssh-keys": "" })] },
    { title: "instance metadata unknown at preview, not computed from a Key", stack: () => [{ ...mutate(computeInstance(), "metadata", UNKNOWN), dependencies: [] }] },
  ],
  violating: [
    { title: "a gcp:serviceaccount/key:Key", stack: () => [key()], expect: [{ name: "registration-key", message: "'registration-key' (gcp:serviceaccount/key:Key): creates a static service-account key (a long-lived credential that can leak and is never rotated by Google) (found serviceAccountId \"registration@acme-prod.iam.gserviceaccount.com\"). Fix: delete the key; let the workload authenticate through Workload Identity (a Kubernetes ServiceAccount annotated iam.gke.io/gcp-service-account, or the Cloud Run service account)." }] },
    { title: "a Key whose service account is unknown until apply", stack: () => [mutate(key(), "serviceAccountId", UNKNOWN)], expect: [{ name: "registration-key", message: "'registration-key' (gcp:serviceaccount/key:Key): creates a static service-account key (a long-lived credential that can leak and is never rotated by Google) (found serviceAccountId <unknown until apply>). Fix: delete the key; let the workload authenticate through Workload Identity (a Kubernetes ServiceAccount annotated iam.gke.io/gcp-service-account, or the Cloud Run service account)." }] },
    { title: "a Key without service account", stack: () => [mutate(key(), "serviceAccountId", undefined)], expect: [{ name: "registration-key", message: "'registration-key' (gcp:serviceaccount/key:Key): creates a static service-account key (a long-lived credential that can leak and is never rotated by Google) (found serviceAccountId not set). Fix: delete the key; let the workload authenticate through Workload Identity (a Kubernetes ServiceAccount annotated iam.gke.io/gcp-service-account, or the Cloud Run service account)." }] },
    // The whole message is asserted: it never echoes the key (PEM or base64).
    { title: "a Secret holding a key file (base64 data)", stack: () => [secret({ "key.json": Buffer.from(SA_KEY_JSON).toString("base64") })], expect: [{ name: "registration-gcp", message: "'registration-gcp' (kubernetes:core/v1:Secret): Kubernetes Secret holds a Google service-account key in data.key.json (found a service-account key file (not shown)). Fix: delete the Secret and disable the key in IAM; use Workload Identity instead of a key file." }] },
    { title: "a Secret holding a key file in stringData", stack: () => [secret({ credentials: SA_KEY_JSON }, "stringData")], expect: [{ name: "registration-gcp", message: "'registration-gcp' (kubernetes:core/v1:Secret): Kubernetes Secret holds a Google service-account key in stringData.credentials (found a service-account key file (not shown)). Fix: delete the Secret and disable the key in IAM; use Workload Identity instead of a key file." }] },
    { title: "a .json file with a private_key", stack: () => [secret({ "sa.json": partial }, "stringData")], expect: [{ name: "registration-gcp", message: "'registration-gcp' (kubernetes:core/v1:Secret): Kubernetes Secret holds a Google service-account key in stringData.sa.json (found a service-account key file (not shown)). Fix: delete the Secret and disable the key in IAM; use Workload Identity instead of a key file." }] },
    { title: "a Compute instance with ssh-keys in metadata (not echoed)", stack: () => [mutate(computeInstance(), "metadata", { "ssh-keys": "admin:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin" })], expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): puts static SSH keys in instance metadata (ssh-keys): long-lived keys outside IAM, never rotated or revoked with the person (found metadata \"ssh-keys\" set (not shown)). Fix: remove the key entries and use OS Login (metadata \"enable-oslogin\": \"TRUE\", roles/compute.osLogin granted through IAM)." }] },
    { title: "an instance template with sshKeys computed at apply", stack: () => [mutate(instanceTemplate(), "metadata", { sshKeys: UNKNOWN })], expect: [{ name: "registration-template", message: "'registration-template' (gcp:compute/instanceTemplate:InstanceTemplate): puts static SSH keys in instance metadata (sshKeys): long-lived keys outside IAM, never rotated or revoked with the person (found metadata \"sshKeys\" set (not shown)). Fix: remove the key entries and use OS Login (metadata \"enable-oslogin\": \"TRUE\", roles/compute.osLogin granted through IAM)." }] },
    { title: "a service-account key file in a startup script (not echoed)", stack: () => [mutate(computeInstance(), "metadataStartupScript", `cat > /etc/key.json <<EOF\n${SA_KEY_JSON}\nEOF`)], expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): holds a private key file in metadataStartupScript (found a service-account key or private key (not shown)). Fix: remove it and disable the key; run the instance as a dedicated service account (serviceAccount.email) and let it use the metadata server's credentials." }] },
    { title: "a PEM private key in a metadata entry (not echoed)", stack: () => [mutate(computeInstance(), "metadata", { "enable-oslogin": "TRUE", "tls-key": PEM })], expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): holds a private key file in metadata.tls-key (found a service-account key or private key (not shown)). Fix: remove it and disable the key; run the instance as a dedicated service account (serviceAccount.email) and let it use the metadata server's credentials." }] },
    {
      title: "instance metadata computed from a Key of the stack",
      stack: () => {
        const k = res(T.serviceAccountKey, "k", {});
        return [{ ...mutate(computeInstance(), "metadata", { "sa-key": UNKNOWN }), dependencies: [k.urn], propertyDependencies: { metadata: [k.urn] } }];
      },
      expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): metadata is filled from a static service-account key created in this stack (found metadata from \"urn:pulumi:prod::readiness::gcp:serviceaccount/key:Key::k\"). Fix: delete the key; run the instance as a dedicated service account (serviceAccount.email) instead of a key file." }],
    },
    {
      title: "data unknown at preview, filled from a Key of the stack",
      stack: () => {
        const k = res(T.serviceAccountKey, "k", {});
        return [{ ...secret({ "key.json": UNKNOWN }), dependencies: [k.urn], propertyDependencies: { data: [k.urn] } }];
      },
      expect: [{ name: "registration-gcp", message: "'registration-gcp' (kubernetes:core/v1:Secret): Kubernetes Secret is filled from a static service-account key created in this stack (found data from \"urn:pulumi:prod::readiness::gcp:serviceaccount/key:Key::k\"). Fix: delete the Secret and the key; use Workload Identity instead of a key file." }],
    },
  ],
});
