import * as assert from "node:assert/strict";
import { T } from "../../policypack/src/access/tokens";
import { secondsDuration } from "../../policypack/src/lib/durations";
import { keyLocationFromName } from "../../policypack/src/lib/kms";
import { cmekRequired } from "../../policypack/src/gates/cmek-required/gate";
import { kmsKeyHygiene } from "../../policypack/src/gates/kms-key-hygiene/gate";
import { bucket, cryptoKey, KEY_NAME, keyRing, secret, sqlPrimary, sqlReplica, topic } from "../fixtures/gcp";
import { expectClean, expectOne, mutate, res, run, UNKNOWN } from "../support/fixtures";

const C = "cmek-required";
const K = "kms-key-hygiene";

describe("cmek-required", () => {
  it("passes resources that name a CryptoKey", () => {
    expectClean(run(cmekRequired, [sqlPrimary(), bucket(), secret(), topic()]));
  });

  it("passes a key created in the same stack (unknown at preview, depends on the CryptoKey)", () => {
    const ring = keyRing();
    const key = cryptoKey("registration-db-key", ring);
    const db = sqlPrimary("registration-db", key);
    assert.equal(db.props["encryptionKeyName"], UNKNOWN);
    expectClean(run(cmekRequired, [ring, key, db]));
  });

  it("reports an unknown key that does not depend on a CryptoKey as undecided", () => {
    const db = mutate(sqlPrimary(), "encryptionKeyName", UNKNOWN);
    expectOne(run(cmekRequired, [db]), { policy: C, name: "registration-db", kind: "undecided" }, "'encryptionKeyName'", "unknown until apply");
  });

  it("fails Cloud SQL without encryptionKeyName", () => {
    expectOne(
      run(cmekRequired, [mutate(sqlPrimary(), "encryptionKeyName", undefined)]),
      { policy: C, name: "registration-db" },
      "without a customer-managed encryption key",
      "'encryptionKeyName' not set",
      "Fix: set encryptionKeyName",
    );
  });

  it("fails a bucket with Google-managed encryption", () => {
    expectOne(run(cmekRequired, [mutate(bucket(), "encryption", undefined)]), { policy: C, name: "maintenance-invoices" }, "encryption.defaultKmsKeyName");
  });

  it("fails a key field that is not a CryptoKey name", () => {
    expectOne(run(cmekRequired, [mutate(topic(), "kmsKeyName", "my-key")]), { policy: C, name: "registration-events" }, "not a Cloud KMS CryptoKey name", '"my-key"');
  });

  it("fails each Secret Manager replica without CMEK", () => {
    const s = mutate(secret(), "replication.userManaged.replicas", [
      { location: "europe-west1", customerManagedEncryption: { kmsKeyName: KEY_NAME } },
      { location: "europe-west1" },
    ]);
    expectOne(run(cmekRequired, [s]), { policy: C, name: "registration-db-password" }, "replicas[1].customerManagedEncryption.kmsKeyName");
  });

  it("fails automatic replication without CMEK, and a secret without replication", () => {
    expectOne(run(cmekRequired, [mutate(secret(), "replication", { auto: {} })]), { policy: C, name: "registration-db-password" }, "replication.auto");
    expectOne(run(cmekRequired, [mutate(secret(), "replication", {})]), { policy: C, name: "registration-db-password" }, "no replication");
    expectOne(run(cmekRequired, [mutate(secret(), "replication", { userManaged: { replicas: UNKNOWN } })]), { policy: C, kind: "undecided" });
  });

  it("fails a GKE cluster whose application-layer encryption is DECRYPTED", () => {
    const c = res(T.gkeCluster, "gke", { location: "europe-west1", databaseEncryption: { state: "DECRYPTED" } });
    expectOne(run(cmekRequired, [c]), { policy: C, name: "gke" }, '"DECRYPTED"', 'state: "ENCRYPTED"');
    expectClean(run(cmekRequired, [mutate(c, "databaseEncryption", { state: "ENCRYPTED", keyName: KEY_NAME })]));
  });

  it("covers Redis, disks, BigQuery and Artifact Registry", () => {
    const f = run(cmekRequired, [
      res(T.redis, "cache", { region: "europe-west1" }),
      res(T.disk, "scratch", { zone: "europe-west1-b" }),
      res(T.bqDataset, "logs", { location: "europe-west1" }),
      res(T.artifactRepo, "images", { location: "europe-west1" }),
    ]);
    expectOne(f, { policy: C, name: "cache" }, "customerManagedKey");
    expectOne(f, { policy: C, name: "scratch" }, "diskEncryptionKey.kmsKeySelfLink");
    expectOne(f, { policy: C, name: "logs" }, "defaultEncryptionConfiguration.kmsKeyName");
    expectOne(f, { policy: C, name: "images" }, "kmsKeyName");
  });

  it("can be narrowed to some types by config", () => {
    expectClean(run(cmekRequired, [mutate(bucket(), "encryption", undefined)], { [C]: { types: [T.sqlInstance] } }));
  });
});

describe("kms-key-hygiene", () => {
  it("passes a protected key rotating every 90 days, co-located with its data", () => {
    const ring = keyRing();
    const key = cryptoKey("registration-db-key", ring);
    expectClean(run(kmsKeyHygiene, [ring, key, sqlPrimary("registration-db", key)]));
  });

  it("fails a key rotating every 365 days", () => {
    const key = mutate(cryptoKey(), "rotationPeriod", "31536000s");
    expectOne(run(kmsKeyHygiene, [keyRing(), key]), { policy: K, name: "registration-db-key" }, "rotates every 365 days", '"31536000s"', '"7776000s"');
  });

  it("fails a key that does not rotate", () => {
    expectOne(run(kmsKeyHygiene, [mutate(cryptoKey(), "rotationPeriod", undefined)]), { policy: K, name: "registration-db-key" }, "does not rotate", "rotationPeriod not set");
  });

  it("reports an unknown rotation period as undecided", () => {
    expectOne(run(kmsKeyHygiene, [mutate(cryptoKey(), "rotationPeriod", UNKNOWN)]), { policy: K, kind: "undecided" }, "'rotationPeriod'");
  });

  it("fails a key that is not protected", () => {
    const key = { ...cryptoKey(), opts: { protect: false } };
    expectOne(run(kmsKeyHygiene, [key]), { policy: K, name: "registration-db-key" }, "not protected", "protect: true");
    expectClean(run(kmsKeyHygiene, [key], { [K]: { requireProtect: false } }));
  });

  it("fails a key in another region than the data it encrypts (key from the stack)", () => {
    const ring = keyRing("dr-ring", "europe-west4");
    const key = cryptoKey("dr-key", ring);
    const db = sqlPrimary("registration-db", key);
    expectOne(run(kmsKeyHygiene, [ring, key, db]), { policy: K, name: "registration-db" }, "key in europe-west4", "data is in europe-west1", "'dr-key'");
  });

  it("fails a known key name in another region", () => {
    const db = mutate(sqlPrimary(), "encryptionKeyName", "projects/acme/locations/europe-west4/keyRings/r/cryptoKeys/k");
    expectOne(run(kmsKeyHygiene, [db]), { policy: K, name: "registration-db" }, "key in europe-west4");
  });

  it("finds the key resource by its known name, with a known key ring id", () => {
    const key = mutate(cryptoKey("db"), "keyRing", "projects/acme/locations/europe-west4/keyRings/r");
    const b = mutate(bucket(), "encryption.defaultKmsKeyName", "db-alias/cryptoKeys/db");
    expectOne(run(kmsKeyHygiene, [key, b]), { policy: K, name: "maintenance-invoices" }, "key in europe-west4");
  });

  it("checks each Secret Manager replica against its own key", () => {
    const s = mutate(secret(), "replication.userManaged.replicas", [
      { location: "europe-west1", customerManagedEncryption: { kmsKeyName: "projects/a/locations/europe-west4/keyRings/r/cryptoKeys/k" } },
    ]);
    expectOne(run(kmsKeyHygiene, [s]), { policy: K, name: "registration-db-password" }, "data is in europe-west1");
  });

  it("stays silent where the key's location cannot be known", () => {
    const key = cryptoKey("k", keyRing());
    const noRing = { ...key, dependencies: [], propertyDependencies: {} };
    expectClean(run(kmsKeyHygiene, [noRing, sqlPrimary("registration-db", noRing)]));
    expectClean(run(kmsKeyHygiene, [mutate(key, "keyRing", "not-a-ring-id")]));
  });

  it("parses durations and key locations", () => {
    assert.equal(secondsDuration("7776000s"), 7776000);
    assert.equal(secondsDuration("90d"), undefined);
    assert.equal(secondsDuration(42), undefined);
    assert.equal(keyLocationFromName(KEY_NAME), "europe-west1");
    assert.equal(keyLocationFromName("nope"), undefined);
  });

  it("does not flag the DR replica's own DR key", () => {
    const db = sqlPrimary();
    expectClean(run(kmsKeyHygiene, [db, sqlReplica(db)]));
  });
});
