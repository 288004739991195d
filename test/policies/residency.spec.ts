import * as assert from "node:assert/strict";
import { T } from "../../policypack/src/access/tokens";
import { dataResidency } from "../../policypack/src/gates/data-residency/gate";
import { bucket, keyRing, provider, secret, sqlPrimary, sqlReplica, topic } from "../fixtures/gcp";
import { expectClean, expectOne, mutate, res, run, UNKNOWN } from "../support/fixtures";

const P = "data-residency";

describe("data-residency", () => {
  it("passes compliant resources in europe-west1 and a Cloud SQL replica in the DR region", () => {
    const db = sqlPrimary();
    expectClean(run(dataResidency, [db, sqlReplica(db), bucket(), secret(), topic(), keyRing()]));
  });

  it("fails a bucket in the EU multi-region", () => {
    const f = run(dataResidency, [mutate(bucket(), "location", "EU")]);
    expectOne(f, { policy: P, name: "maintenance-invoices" }, "multi-region", '"EU"', "field 'location'", "europe-west1");
  });

  it("fails a dual-region bucket", () => {
    expectOne(run(dataResidency, [mutate(bucket(), "location", "EUR4")]), { policy: P, name: "maintenance-invoices" }, '"EUR4"');
  });

  it("accepts a zone of an allowed region (disk in europe-west1-b)", () => {
    expectClean(run(dataResidency, [res(T.disk, "scratch", { zone: "europe-west1-b" })]));
  });

  it("fails a Cloud SQL instance with no region whose provider sets europe-west4", () => {
    const db = mutate(sqlPrimary(), "region", undefined);
    const f = run(dataResidency, [{ ...db, provider: provider("eu-dr", "europe-west4") }]);
    expectOne(f, { policy: P, name: "registration-db" }, "DR region", "europe-west4", "the provider's 'region'", "not a replica");
  });

  it("uses the provider's zone when it has no region", () => {
    const db = mutate(sqlPrimary(), "region", undefined);
    const prov = { ...provider("zonal", "x"), props: { zone: "us-central1-a" } };
    expectOne(run(dataResidency, [{ ...db, provider: prov }]), { policy: P, name: "registration-db" }, "outside the allowed regions", "us-central1");
  });

  it("falls back to the stack's gcp:region", () => {
    const db = mutate(sqlPrimary(), "region", undefined);
    expectClean(run(dataResidency, [db], {}, { gcpRegion: "europe-west1" }));
    expectOne(run(dataResidency, [db], {}, { gcpRegion: "us-east1" }), { policy: P, name: "registration-db" }, "the stack config 'gcp:region'", '"us-east1"');
  });

  it("fails a resource with no location anywhere", () => {
    const db = mutate(sqlPrimary(), "region", undefined);
    expectOne(run(dataResidency, [db], {}, {}), { policy: P, name: "registration-db" }, "has no location");
  });

  it("fails Secret Manager with automatic replication", () => {
    const s = mutate(secret(), "replication", { auto: {} });
    expectOne(run(dataResidency, [s]), { policy: P, name: "registration-db-password" }, "multi-region or global", "user-managed replication");
  });

  it("fails a secret with no replication block at all", () => {
    expectOne(run(dataResidency, [mutate(secret(), "replication", {})]), { policy: P, name: "registration-db-password" }, "automatic");
  });

  it("fails a secret replica outside the allowed regions", () => {
    const s = mutate(secret(), "replication.userManaged.replicas", [{ location: "europe-west1" }, { location: "us-east1" }]);
    expectOne(run(dataResidency, [s]), { policy: P, name: "registration-db-password" }, '"us-east1"');
  });

  it("fails a Pub/Sub topic without a message storage policy", () => {
    const t = mutate(topic(), "messageStoragePolicy", undefined);
    expectOne(run(dataResidency, [t]), { policy: P, name: "registration-events" }, "messageStoragePolicy", "allowedPersistenceRegions");
  });

  it("allows a labelled backup bucket in the DR region, not an unlabelled one", () => {
    const b = mutate(bucket(), "location", "europe-west4");
    expectOne(run(dataResidency, [b]), { policy: P, name: "maintenance-invoices" }, "dr-role=backup");
    expectClean(run(dataResidency, [mutate(b, "labels", { "dr-role": "backup" })]));
  });

  it("allows a key ring in the DR region (it holds the DR replica's keys), not outside DR", () => {
    expectClean(run(dataResidency, [keyRing("registration-dr-ring", "europe-west4")]));
    expectOne(run(dataResidency, [keyRing("us-ring", "us-east1")]), { policy: P, name: "us-ring" }, "outside the allowed regions");
  });

  it("fails a replica in a region that is neither allowed nor DR", () => {
    const db = sqlPrimary();
    const rep = sqlReplica(db, "registration-db-replica", "us-central1");
    expectOne(run(dataResidency, [db, rep]), { policy: P, name: "registration-db-replica" }, "outside the allowed regions", '"us-central1"');
  });

  it("reports an unknown location as undecided (advisory), never as a pass or a block", () => {
    const f = run(dataResidency, [mutate(sqlPrimary(), "region", UNKNOWN)]);
    const u = expectOne(f, { policy: P, name: "registration-db", kind: "undecided" }, "unknown until apply", "'region'");
    assert.equal(u.level, "advisory");
    expectOne(run(dataResidency, [mutate(topic(), "messageStoragePolicy", UNKNOWN)]), { policy: P, name: "registration-events", kind: "undecided" });
    expectOne(run(dataResidency, [mutate(secret(), "replication.userManaged.replicas", UNKNOWN)]), { policy: P, name: "registration-db-password", kind: "undecided" });
    expectOne(run(dataResidency, [mutate(secret(), "replication.auto", UNKNOWN)]), { policy: P, kind: "undecided" });
    expectOne(run(dataResidency, [mutate(secret(), "replication", UNKNOWN)]), { policy: P, kind: "undecided" });
    expectOne(
      run(dataResidency, [mutate(secret(), "replication.userManaged.replicas", [{ location: UNKNOWN }])]),
      { policy: P, kind: "undecided" },
      "replicas[0].location",
    );
  });

  it("honours configured regions", () => {
    const cfg = { [P]: { allowedRegions: ["europe-west3"], drRegions: [] } };
    expectOne(run(dataResidency, [bucket()], cfg), { policy: P, name: "maintenance-invoices" }, "europe-west3");
  });

  it("ignores resources that hold no data", () => {
    expectClean(run(dataResidency, [res(T.alertPolicy, "a", { location: "US" })]));
  });
});
