/** Examples of `kms-key-hygiene`, run by test/gates/examples.spec.ts. */
import type { ResourceInput } from "../../access/resource";
import { bucket, cryptoKey, keyRing, secret, sqlPrimary, sqlReplica } from "../../../../test/fixtures/gcp";
import { at, change, examples, plus } from "../../../../test/support/examples";
import { mutate, UNKNOWN } from "../../../../test/support/fixtures";

/** Baseline indices. */
const RING = 0;
const KEY = 1;
const DB = 2;

const unprotected = (r: ResourceInput): ResourceInput => ({ ...r, opts: { protect: false } });

export default examples({
  baseline: () => {
    const ring = keyRing();
    const key = cryptoKey("registration-db-key", ring);
    return [ring, key, sqlPrimary("registration-db", key)];
  },
  compliant: [
    { title: "an unprotected key when protection is not required", stack: change(KEY, unprotected), config: { requireProtect: false } },
    {
      title: "a key whose ring cannot be found (no dependency info): its location cannot be known",
      stack: (b) => [{ ...b[KEY]!, dependencies: [], propertyDependencies: {} }, b[DB]!],
    },
    { title: "a key ring id that names no location", stack: at(KEY, "keyRing", "not-a-ring-id") },
    { title: "the DR replica with its own DR key", stack: plus((b) => sqlReplica(b[DB]!)) },
  ],
  violating: [
    { title: "a key rotating every 365 days", stack: at(KEY, "rotationPeriod", "31536000s"), expect: [{ name: "registration-db-key", message: "'registration-db-key' (gcp:kms/cryptoKey:CryptoKey): rotates every 365 days, more than 90 (found rotationPeriod \"31536000s\"). Fix: set rotationPeriod to \"7776000s\" (90 days) or less." }] },
    { title: "a key that does not rotate", stack: at(KEY, "rotationPeriod", undefined), expect: [{ name: "registration-db-key", message: "'registration-db-key' (gcp:kms/cryptoKey:CryptoKey): does not rotate automatically (found rotationPeriod not set). Fix: set rotationPeriod to \"7776000s\" (90 days) or less." }] },
    { title: "a rotation period unknown at preview", stack: at(KEY, "rotationPeriod", UNKNOWN), expect: [{ name: "registration-db-key", kind: "undecided", message: "'registration-db-key' (gcp:kms/cryptoKey:CryptoKey): 'rotationPeriod' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a key that is not protected", stack: change(KEY, unprotected), expect: [{ name: "registration-db-key", message: "'registration-db-key' (gcp:kms/cryptoKey:CryptoKey): is not protected from destroy; destroying it makes all data it encrypts unreadable (found protect: false). Fix: create the key with the resource option { protect: true }." }] },
    { title: "a key from the stack in another region than its data", stack: at(RING, "location", "europe-west4"), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): is encrypted by a key in europe-west4 but its data is in europe-west1; a key must live in the same location as the data it encrypts (found key 'registration-db-key' (gcp:kms/cryptoKey:CryptoKey)). Fix: use a CryptoKey from a key ring in europe-west1." }] },
    {
      title: "a known key name in another region",
      stack: change(DB, () => mutate(sqlPrimary(), "encryptionKeyName", "projects/acme/locations/europe-west4/keyRings/r/cryptoKeys/k")),
      expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): is encrypted by a key in europe-west4 but its data is in europe-west1; a key must live in the same location as the data it encrypts (found 'encryptionKeyName' \"projects/acme/locations/europe-west4/keyRings/r/cryptoKeys/k\"). Fix: use a CryptoKey from a key ring in europe-west1." }],
    },
    {
      title: "the key resource found by its known name, with a known key ring id",
      stack: plus(
        () => mutate(cryptoKey("db"), "keyRing", "projects/acme/locations/europe-west4/keyRings/r"),
        () => mutate(bucket(), "encryption.defaultKmsKeyName", "db-alias/cryptoKeys/db"),
      ),
      expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): is encrypted by a key in europe-west4 but its data is in europe-west1; a key must live in the same location as the data it encrypts (found key 'db' (gcp:kms/cryptoKey:CryptoKey)). Fix: use a CryptoKey from a key ring in europe-west1." }],
    },
    {
      title: "a Secret Manager replica checked against its own key",
      stack: plus(() =>
        mutate(secret(), "replication.userManaged.replicas", [
          { location: "europe-west1", customerManagedEncryption: { kmsKeyName: "projects/a/locations/europe-west4/keyRings/r/cryptoKeys/k" } },
        ]),
      ),
      expect: [{ name: "registration-db-password", message: "'registration-db-password' (gcp:secretmanager/secret:Secret): is encrypted by a key in europe-west4 but its data is in europe-west1; a key must live in the same location as the data it encrypts (found 'replication.userManaged.replicas[0].customerManagedEncryption.kmsKeyName' \"projects/a/locations/europe-west4/keyRings/r/cryptoKeys/k\"). Fix: use a CryptoKey from a key ring in europe-west1." }],
    },
  ],
});
