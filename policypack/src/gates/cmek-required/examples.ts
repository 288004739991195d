/** Examples of `cmek-required`, run by test/gates/examples.spec.ts. */
import { T } from "../../access/tokens";
import { bucket, cryptoKey, KEY_NAME, keyRing, secret, sqlPrimary, topic } from "../../../../test/fixtures/gcp";
import { computeInstance, DISK_KEY, instanceTemplate } from "../../../../test/fixtures/gcp-workloads";
import { at, examples, plus } from "../../../../test/support/examples";
import { mutate, res, UNKNOWN } from "../../../../test/support/fixtures";

/** Baseline indices. */
const DB = 0;
const BUCKET = 1;
const SECRET = 2;
const TOPIC = 3;

const gke = (state: string, keyName?: string) =>
  res(T.gkeCluster, "gke", { location: "europe-west1", databaseEncryption: keyName === undefined ? { state } : { state, keyName } });

/** A Compute instance (or template) with one change, added to the baseline. */
const vm = (path: string, value: unknown) => plus(() => mutate(computeInstance(), path, value));
const tpl = (path: string, value: unknown) => plus(() => mutate(instanceTemplate(), path, value));
/** The data disk of the stack the instance attaches (a Disk checked in its own right). */
const dataDisk = () => res(T.disk, "registration-data", { name: "registration-data", zone: "europe-west1-b", diskEncryptionKey: { kmsKeySelfLink: DISK_KEY } });
const instance = (bootKey: string | undefined, attached: readonly (string | undefined)[]) =>
  res("gcp:compute/instance:Instance", "worker", {
    zone: "europe-west1-b",
    bootDisk: bootKey === undefined ? { initializeParams: { image: "debian-12" } } : { kmsKeySelfLink: bootKey },
    ...(attached.length ? { attachedDisks: attached.map((k) => (k === undefined ? { source: "data-disk" } : { source: "data-disk", kmsKeySelfLink: k })) } : {}),
  });

export default examples({
  baseline: () => [sqlPrimary(), bucket(), secret(), topic()],
  compliant: [
    {
      title: "a key created in the same stack (unknown at preview, depends on the CryptoKey)",
      stack: (b) => {
        const ring = keyRing();
        const key = cryptoKey("registration-db-key", ring);
        return [ring, key, mutate(sqlPrimary("registration-db", key), "encryptionKeyName", UNKNOWN), ...b.slice(DB + 1)];
      },
    },
    { title: "a GKE cluster with application-layer encryption on", stack: plus(() => gke("ENCRYPTED", KEY_NAME)) },
    { title: "a Compute instance, a global and a regional instance template with CMEK on every disk", stack: plus(() => computeInstance(), () => instanceTemplate(), () => instanceTemplate("registration", "registration-region-template", T.regionInstanceTemplate)) },
    {
      title: "a Compute instance attaching a Disk of the stack (no key of its own: the Disk is checked in its own right)",
      stack: plus(dataDisk, (b) => {
        const d = b.find((r) => r.type === T.disk) ?? dataDisk();
        return { ...mutate(computeInstance(), "attachedDisks.0.kmsKeySelfLink", undefined), dependencies: [d.urn], propertyDependencies: { attachedDisks: [d.urn] } };
      }),
    },
    {
      title: "a boot disk key unknown at preview that depends on a CryptoKey of the stack",
      stack: (b) => {
        const ring = keyRing();
        const key = cryptoKey("registration-disk-key", ring);
        return [...b, ring, key, { ...mutate(computeInstance(), "bootDisk.kmsKeySelfLink", UNKNOWN), dependencies: [key.urn], propertyDependencies: { bootDisk: [key.urn] } }];
      },
    },
    { title: "an instance from a template that overrides no disk (the template's disks apply)", stack: plus(() => res(T.instanceFromTemplate, "registration-vm-2", { zone: "europe-west1-b", sourceInstanceTemplate: "registration-template" })) },
    { title: "a Compute instance whose boot disk and attached disks name a key", stack: plus(() => instance(KEY_NAME, [KEY_NAME, KEY_NAME])) },
    { title: "a Compute instance without attached disks (nothing there to key)", stack: plus(() => instance(KEY_NAME, [])) },
    { title: "a Spanner database with a key", stack: plus(() => res("gcp:spanner/database:Database", "ledger", { instance: "main", encryptionConfig: { kmsKeyName: KEY_NAME } })) },
    { title: "a Cloud Run service: a workload, not a store (reviewed exclusion)", stack: plus(() => res(T.cloudRunService, "api", { location: "europe-west1", template: {} })) },
    { title: "a BigQuery table: inherits its dataset's key (reviewed exclusion)", stack: plus(() => res(T.bqTable, "events", { datasetId: "logs" })) },
    { title: "narrowed by config to Cloud SQL, a bucket without CMEK", stack: at(BUCKET, "encryption", undefined), config: { types: [T.sqlInstance] } },
  ],
  violating: [
    { title: "a Compute instance whose boot disk has no key", stack: vm("bootDisk.kmsKeySelfLink", undefined), expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): disk bootDisk has no customer-managed encryption key (found 'bootDisk.kmsKeySelfLink' not set). Fix: create a gcp.kms.CryptoKey in the instance's region (grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter) and set bootDisk.kmsKeySelfLink." }] },
    { title: "a Compute instance whose boot disk uses a raw customer-supplied key (CSEK)", stack: (b) => vm("bootDisk.diskEncryptionKeyRaw", "c2VjcmV0LWtleS0zMi1ieXRlcy1sb25nLWFhYWFhYWE=")(b), expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): disk bootDisk is encrypted with a customer-supplied key (CSEK), not a customer-managed Cloud KMS key (found 'bootDisk.diskEncryptionKeyRaw' set (not shown)). Fix: remove bootDisk.diskEncryptionKeyRaw; create a gcp.kms.CryptoKey in the instance's region (grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter) and set bootDisk.kmsKeySelfLink." }] },
    { title: "a Compute instance attaching a disk outside the stack without a key", stack: vm("attachedDisks.0.kmsKeySelfLink", undefined), expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): attaches disk attachedDisks[0] without a customer-managed encryption key (found 'attachedDisks[0].kmsKeySelfLink' not set, and its source is no disk of this stack). Fix: create a gcp.kms.CryptoKey in the instance's region (grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter) and set attachedDisks[0].kmsKeySelfLink (the source disk's key)." }] },
    { title: "a Compute instance with a local SSD scratch disk", stack: vm("scratchDisks", [{ interface: "NVME" }]), expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): disk scratchDisks[0] is a local SSD (scratch disk), which cannot use a customer-managed encryption key (found scratchDisks[0]). Fix: use a persistent disk with a CMEK instead; waive it only if the disk holds no data that must be encrypted with your key." }] },
    { title: "a Compute instance with a key that is not a CryptoKey", stack: vm("attachedDisks.0.kmsKeySelfLink", "my-key"), expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): 'attachedDisks[0].kmsKeySelfLink' is not a Cloud KMS CryptoKey name (found \"my-key\"). Fix: use a CryptoKey id: projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>." }] },
    { title: "a Compute instance's boot disk unknown at preview", stack: vm("bootDisk", UNKNOWN), expect: [{ name: "registration-vm", kind: "undecided", message: "'registration-vm' (gcp:compute/instance:Instance): the encryption of 'bootDisk' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a Compute instance's boot disk key unknown, without a CryptoKey dependency", stack: vm("bootDisk.kmsKeySelfLink", UNKNOWN), expect: [{ name: "registration-vm", kind: "undecided", message: "'registration-vm' (gcp:compute/instance:Instance): the encryption of 'bootDisk.kmsKeySelfLink' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an instance template with a second disk without a key", stack: tpl("disks.1", { sourceImage: "debian-cloud/debian-12", diskSizeGb: 100 }), expect: [{ name: "registration-template", message: "'registration-template' (gcp:compute/instanceTemplate:InstanceTemplate): disk disks[1] has no customer-managed encryption key (found 'disks[1].diskEncryptionKey.kmsKeySelfLink' not set). Fix: create a gcp.kms.CryptoKey in the instance's region (grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter) and set disks[1].diskEncryptionKey.kmsKeySelfLink." }] },
    { title: "an instance template with a SCRATCH disk", stack: tpl("disks.1", { type: "SCRATCH", diskType: "local-ssd", interface: "NVME" }), expect: [{ name: "registration-template", message: "'registration-template' (gcp:compute/instanceTemplate:InstanceTemplate): disk disks[1] is a local SSD (scratch disk), which cannot use a customer-managed encryption key (found disks[1]). Fix: use a persistent disk with a CMEK instead; waive it only if the disk holds no data that must be encrypted with your key." }] },
    { title: "an instance template's disks unknown at preview", stack: tpl("disks", UNKNOWN), expect: [{ name: "registration-template", kind: "undecided", message: "'registration-template' (gcp:compute/instanceTemplate:InstanceTemplate): the encryption of 'disks' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    {
      title: "an instance from a template whose boot disk override has no key",
      stack: plus(() => res(T.instanceFromTemplate, "registration-vm-2", { zone: "europe-west1-b", sourceInstanceTemplate: "registration-template", bootDisk: { initializeParams: { size: 50 } } })),
      expect: [{ name: "registration-vm-2", message: "'registration-vm-2' (gcp:compute/instanceFromTemplate:InstanceFromTemplate): disk bootDisk has no customer-managed encryption key (found 'bootDisk.kmsKeySelfLink' not set). Fix: create a gcp.kms.CryptoKey in the instance's region (grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter) and set bootDisk.kmsKeySelfLink." }],
    },
    { title: "an unknown key that does not depend on a CryptoKey", stack: at(DB, "encryptionKeyName", UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): the key 'encryptionKeyName' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "Cloud SQL without encryptionKeyName", stack: at(DB, "encryptionKeyName", undefined), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): stores data without a customer-managed encryption key (found 'encryptionKeyName' not set). Fix: set encryptionKeyName to a CryptoKey id." }] },
    { title: "a bucket with Google-managed encryption", stack: at(BUCKET, "encryption", undefined), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): stores data without a customer-managed encryption key (found 'encryption.defaultKmsKeyName' not set). Fix: set encryption.defaultKmsKeyName to a CryptoKey id." }] },
    { title: "a key field that is not a CryptoKey name", stack: at(TOPIC, "kmsKeyName", "my-key"), expect: [{ name: "registration-events", message: "'registration-events' (gcp:pubsub/topic:Topic): 'kmsKeyName' is not a Cloud KMS CryptoKey name (found \"my-key\"). Fix: use a CryptoKey id: projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>." }] },
    {
      title: "one Secret Manager replica without CMEK",
      stack: at(SECRET, "replication.userManaged.replicas", [
        { location: "europe-west1", customerManagedEncryption: { kmsKeyName: KEY_NAME } },
        { location: "europe-west1" },
      ]),
      expect: [{ name: "registration-db-password", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): stores data without a customer-managed encryption key (found 'replication.userManaged.replicas[1].customerManagedEncryption.kmsKeyName' not set). Fix: give every user-managed replica customerManagedEncryption.kmsKeyName (a CryptoKey in the replica's region)." }],
    },
    { title: "automatic replication without CMEK", stack: at(SECRET, "replication", { auto: {} }), expect: [{ name: "registration-db-password", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): stores data without a customer-managed encryption key (found 'replication.auto.customerManagedEncryption.kmsKeyName' not set). Fix: give every user-managed replica customerManagedEncryption.kmsKeyName (a CryptoKey in the replica's region)." }] },
    { title: "a secret without replication", stack: at(SECRET, "replication", {}), expect: [{ name: "registration-db-password", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): has no replication with a customer-managed key. Fix: give every user-managed replica customerManagedEncryption.kmsKeyName (a CryptoKey in the replica's region)." }] },
    { title: "a secret's replicas unknown", stack: at(SECRET, "replication", { userManaged: { replicas: UNKNOWN } }), expect: [{ name: "registration-db-password", kind: "undecided", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): the key 'replication.userManaged.replicas' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a GKE cluster whose application-layer encryption is DECRYPTED", stack: plus(() => gke("DECRYPTED")), expect: [{ name: "gke", message: "'gke' (gcp:container/cluster:Cluster): application-layer secrets encryption is not on (found databaseEncryption.state \"DECRYPTED\"). Fix: set databaseEncryption = { state: \"ENCRYPTED\", keyName: <CryptoKey id> }." }] },
    {
      title: "Redis, a disk, a BigQuery dataset and an Artifact Registry repository without CMEK",
      stack: plus(
        () => res(T.redis, "cache", { region: "europe-west1" }),
        () => res(T.disk, "scratch", { zone: "europe-west1-b" }),
        () => res(T.bqDataset, "logs", { location: "europe-west1" }),
        () => res(T.artifactRepo, "images", { location: "europe-west1" }),
      ),
      expect: [{ name: "logs", message: "'logs' (gcp:bigquery/dataset:Dataset): stores data without a customer-managed encryption key (found 'defaultEncryptionConfiguration.kmsKeyName' not set). Fix: set defaultEncryptionConfiguration.kmsKeyName to a CryptoKey id." }, { name: "images", message: "'images' (gcp:artifactregistry/repository:Repository): stores data without a customer-managed encryption key (found 'kmsKeyName' not set). Fix: set kmsKeyName to a CryptoKey id." }, { name: "cache", message: "'cache' (gcp:redis/instance:Instance): stores data without a customer-managed encryption key (found 'customerManagedKey' not set). Fix: set customerManagedKey to a CryptoKey id." }, { name: "scratch", message: "'scratch' (gcp:compute/disk:Disk): stores data without a customer-managed encryption key (found 'diskEncryptionKey.kmsKeySelfLink' not set). Fix: set diskEncryptionKey.kmsKeySelfLink to a CryptoKey id." }],
    },
    { title: "a Compute instance whose boot disk and second attached disk have no key (lib/compute.ts)", stack: plus(() => instance(undefined, [KEY_NAME, undefined])), expect: [{ name: "worker", message: "'worker' (gcp:compute/instance:Instance): disk bootDisk has no customer-managed encryption key (found 'bootDisk.kmsKeySelfLink' not set). Fix: create a gcp.kms.CryptoKey in the instance's region (grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter) and set bootDisk.kmsKeySelfLink." }, { name: "worker", message: "'worker' (gcp:compute/instance:Instance): attaches disk attachedDisks[1] without a customer-managed encryption key (found 'attachedDisks[1].kmsKeySelfLink' not set, and its source is no disk of this stack). Fix: create a gcp.kms.CryptoKey in the instance's region (grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter) and set attachedDisks[1].kmsKeySelfLink (the source disk's key)." }] },
    { title: "a Spanner database without encryptionConfig", stack: plus(() => res("gcp:spanner/database:Database", "ledger", { instance: "main" })), expect: [{ name: "ledger", message: "'ledger' (gcp:spanner/database:Database): stores data without a customer-managed encryption key (found 'encryptionConfig.kmsKeyName' not set). Fix: set encryptionConfig.kmsKeyName to a CryptoKey id." }] },
    { title: "a Bigtable instance with one cluster without a key", stack: plus(() => res("gcp:bigtable/instance:Instance", "timeseries", { clusters: [{ clusterId: "a", kmsKeyName: KEY_NAME }, { clusterId: "b" }] })), expect: [{ name: "timeseries", message: "'timeseries' (gcp:bigtable/instance:Instance): stores data without a customer-managed encryption key (found 'clusters[1].kmsKeyName' not set). Fix: set clusters[].kmsKeyName to a CryptoKey id." }] },
    { title: "a GKE node pool without nodeConfig (its boot disks get Google's key)", stack: plus(() => res(T.gkeNodePool, "pool", { location: "europe-west1", cluster: "gke" })), expect: [{ name: "pool", message: "'pool' (gcp:container/nodePool:NodePool): stores data without a customer-managed encryption key (found 'nodeConfig.bootDiskKmsKey' not set). Fix: set nodeConfig.bootDiskKmsKey to a CryptoKey id." }] },
    { title: "a Compute instance template whose disk block is unknown", stack: plus(() => res("gcp:compute/instanceTemplate:InstanceTemplate", "tpl", { disks: [{ diskEncryptionKey: UNKNOWN }] })), expect: [{ name: "tpl", kind: "undecided", message: "'tpl' (gcp:compute/instanceTemplate:InstanceTemplate): the encryption of 'disks[0].diskEncryptionKey.kmsKeySelfLink' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a Pub/Sub topic with Google-managed encryption", stack: at(TOPIC, "kmsKeyName", undefined), expect: [{ name: "registration-events", message: "'registration-events' (gcp:pubsub/topic:Topic): stores data without a customer-managed encryption key (found 'kmsKeyName' not set). Fix: set kmsKeyName to a CryptoKey id." }] },
  ],
});
