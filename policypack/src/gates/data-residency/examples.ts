/** Examples of `data-residency`, run by test/gates/examples.spec.ts. */
import { T } from "../../access/tokens";
import { bucket, keyRing, provider, secret, sqlPrimary, sqlReplica, topic } from "../../../../test/fixtures/gcp";
import { at, change, examples, plus } from "../../../../test/support/examples";
import { mutate, res, UNKNOWN } from "../../../../test/support/fixtures";

/** Baseline indices. */
const DB = 0;
const REPLICA = 1;
const BUCKET = 2;
const SECRET = 3;
const TOPIC = 4;
const RING = 5;

const REPLICAS = "replication.userManaged.replicas";

export default examples({
  baseline: () => {
    const db = sqlPrimary();
    return [db, sqlReplica(db), bucket(), secret(), topic(), keyRing()];
  },
  compliant: [
    { title: "a disk in a zone of an allowed region (europe-west1-b)", stack: plus(() => res(T.disk, "scratch", { zone: "europe-west1-b" })) },
    { title: "no own region, the stack's gcp:region allowed", stack: at(DB, "region", undefined), facts: { gcpRegion: "europe-west1" } },
    { title: "a bucket labelled as a backup in the DR region", stack: change(BUCKET, (r) => mutate(mutate(r, "location", "europe-west4"), "labels", { "dr-role": "backup" })) },
    { title: "a key ring in the DR region (it holds the DR replica's keys)", stack: change(RING, () => keyRing("registration-dr-ring", "europe-west4")) },
    { title: "a resource that holds no data, in the US", stack: plus(() => res(T.alertPolicy, "a", { location: "US" })) },
  ],
  violating: [
    { title: "a location that is an object (wrong type)", stack: at(BUCKET, "location", { region: "europe-west1" }), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): has a location of the wrong type in field 'location': expected a region or zone name (a string such as 'europe-west1') (found an object). Fix: set location to one of europe-west1." }] },
    { title: "a location that is a list (wrong type)", stack: at(BUCKET, "location", ["europe-west1"]), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): has a location of the wrong type in field 'location': expected a region or zone name (a string such as 'europe-west1') (found an array (1 item)). Fix: set location to one of europe-west1." }] },
    { title: "a location that is a number (wrong type)", stack: at(BUCKET, "location", 1), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): has a location of the wrong type in field 'location': expected a region or zone name (a string such as 'europe-west1') (found the number 1). Fix: set location to one of europe-west1." }] },
    { title: "a location that is empty (wrong type)", stack: at(BUCKET, "location", ""), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): has a location of the wrong type in field 'location': expected a region or zone name (a string such as 'europe-west1') (found an empty string). Fix: set location to one of europe-west1." }] },
    { title: "a location that is a boolean (wrong type)", stack: at(BUCKET, "location", true), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): has a location of the wrong type in field 'location': expected a region or zone name (a string such as 'europe-west1') (found the boolean true). Fix: set location to one of europe-west1." }] },
    { title: "a bucket in the EU multi-region", stack: at(BUCKET, "location", "EU"), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): is stored in a multi-region or global location, from field 'location'; data may leave europe-west1 (found \"EU\"). Fix: use the single region europe-west1." }] },
    { title: "a dual-region bucket", stack: at(BUCKET, "location", "EUR4"), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): is stored in a multi-region or global location, from field 'location'; data may leave europe-west1 (found \"EUR4\"). Fix: use the single region europe-west1." }] },
    {
      title: "no own region, a provider in the DR region",
      stack: change(DB, (r) => ({ ...mutate(r, "region", undefined), provider: provider("eu-dr", "europe-west4") })),
      expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): is in the DR region europe-west4 (from the provider's 'region') but is not a replica or backup; DR regions hold only replicas and backups (found \"europe-west4\"). Fix: move it to europe-west1, or label it dr-role=replica or dr-role=backup if it is one." }],
    },
    {
      title: "no own region, a provider with only a zone",
      stack: change(DB, (r) => ({ ...mutate(r, "region", undefined), provider: { ...provider("zonal", "x"), props: { zone: "us-central1-a" } } })),
      expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): is outside the allowed regions europe-west1 (from the provider's 'zone') (found \"us-central1\"). Fix: set its location to europe-west1." }],
    },
    { title: "no own region, the stack's gcp:region outside", stack: at(DB, "region", undefined), facts: { gcpRegion: "us-east1" }, expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): is outside the allowed regions europe-west1 (from the stack config 'gcp:region') (found \"us-east1\"). Fix: set its location to europe-west1." }] },
    { title: "no location anywhere", stack: at(DB, "region", undefined), facts: {}, expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): has no location: no own location field, no provider region and no stack 'gcp:region', so Google's default location (often US) applies. Fix: set its location to europe-west1, or set 'gcp:region' in the stack config." }] },
    { title: "a secret with automatic replication", stack: at(SECRET, "replication", { auto: {} }), expect: [{ name: "registration-db-password", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): is stored in a multi-region or global location, from field 'replication.auto'; data may leave europe-west1 (found \"automatic\"). Fix: use user-managed replication with replicas in europe-west1." }] },
    { title: "a secret with no replication block", stack: at(SECRET, "replication", {}), expect: [{ name: "registration-db-password", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): is stored in a multi-region or global location, from field 'replication'; data may leave europe-west1 (found \"automatic\"). Fix: use user-managed replication with replicas in europe-west1." }] },
    { title: "a secret replica outside the allowed regions", stack: at(SECRET, REPLICAS, [{ location: "europe-west1" }, { location: "us-east1" }]), expect: [{ name: "registration-db-password", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): is outside the allowed regions europe-west1 (from field 'replication.userManaged.replicas') (found \"us-east1\"). Fix: set its location to europe-west1." }] },
    { title: "a Pub/Sub topic without a message storage policy", stack: at(TOPIC, "messageStoragePolicy", undefined), expect: [{ name: "registration-events", message: "'registration-events' (gcp:pubsub/topic:Topic): is stored in a multi-region or global location, from field 'messageStoragePolicy'; data may leave europe-west1 (found \"global\"). Fix: set messageStoragePolicy.allowedPersistenceRegions to [\"europe-west1\"]." }] },
    { title: "an unlabelled bucket in the DR region", stack: at(BUCKET, "location", "europe-west4"), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): is in the DR region europe-west4 (from field 'location') but is not a replica or backup; DR regions hold only replicas and backups (found \"europe-west4\"). Fix: move it to europe-west1, or label it dr-role=replica or dr-role=backup if it is one." }] },
    { title: "a key ring outside the allowed and DR regions", stack: change(RING, () => keyRing("us-ring", "us-east1")), expect: [{ name: "us-ring", message: "'us-ring' (gcp:kms/keyRing:KeyRing): is outside the allowed regions europe-west1 (from field 'location') (found \"us-east1\"). Fix: set its location to europe-west1." }] },
    { title: "a replica in a region neither allowed nor DR", stack: at(REPLICA, "region", "us-central1"), expect: [{ name: "registration-db-replica", message: "'registration-db-replica' (gcp:sql/databaseInstance:DatabaseInstance): is outside the allowed regions europe-west1 (from field 'region') (found \"us-central1\"). Fix: set its location to europe-west1." }] },
    { title: "configured allowed regions", stack: (b) => [b[BUCKET]!], config: { allowedRegions: ["europe-west3"], drRegions: [] }, expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): is outside the allowed regions europe-west3 (from field 'location') (found \"europe-west1\"). Fix: set its location to europe-west3." }] },
    { title: "a region unknown at preview", stack: at(DB, "region", UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): its location ('region') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a topic's storage policy unknown", stack: at(TOPIC, "messageStoragePolicy", UNKNOWN), expect: [{ name: "registration-events", kind: "undecided", message: "'registration-events' (gcp:pubsub/topic:Topic): its location ('messageStoragePolicy') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a secret's replicas unknown", stack: at(SECRET, REPLICAS, UNKNOWN), expect: [{ name: "registration-db-password", kind: "undecided", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): its location ('replication.userManaged.replicas') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a secret's automatic replication unknown", stack: at(SECRET, "replication.auto", UNKNOWN), expect: [{ name: "registration-db-password", kind: "undecided", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): its location ('replication.auto') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a secret's replication unknown", stack: at(SECRET, "replication", UNKNOWN), expect: [{ name: "registration-db-password", kind: "undecided", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): its location ('replication') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a secret replica's location unknown", stack: at(SECRET, REPLICAS, [{ location: UNKNOWN }]), expect: [{ name: "registration-db-password", kind: "undecided", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): its location ('replication.userManaged.replicas[0].location') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
