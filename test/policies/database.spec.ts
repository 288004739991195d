import * as assert from "node:assert/strict";
import { tierSize } from "../../policypack/src/gates/cloudsql-hardening/gate";
import { cloudsqlCrossRegionReplica } from "../../policypack/src/gates/cloudsql-cross-region-replica/gate";
import { cloudsqlHardening } from "../../policypack/src/gates/cloudsql-hardening/gate";
import { sqlPrimary, sqlReplica } from "../fixtures/gcp";
import { expectClean, expectOne, mutate, run, UNKNOWN } from "../support/fixtures";

const R = "cloudsql-cross-region-replica";
const H = "cloudsql-hardening";

describe("cloudsql-cross-region-replica", () => {
  it("passes a primary with a replica in europe-west4 (linked by dependency)", () => {
    const db = sqlPrimary();
    expectClean(run(cloudsqlCrossRegionReplica, [db, sqlReplica(db)]));
  });

  it("links a replica by the primary's name when there is no dependency info", () => {
    const db = sqlPrimary();
    const rep = { ...sqlReplica(db), dependencies: [], propertyDependencies: {} };
    expectClean(run(cloudsqlCrossRegionReplica, [db, rep]));
    const qualified = mutate(rep, "masterInstanceName", "acme:registration-db");
    expectClean(run(cloudsqlCrossRegionReplica, [db, qualified]));
    // No name prop: the Pulumi name links; an unknown name prop does not fall back to it.
    const noName = { ...db, props: Object.fromEntries(Object.entries(db.props).filter(([k]) => k !== "name")) };
    expectClean(run(cloudsqlCrossRegionReplica, [noName, rep]));
    const unknownName = mutate(db, "name", UNKNOWN);
    expectOne(run(cloudsqlCrossRegionReplica, [unknownName, rep]), { policy: R, name: "registration-db" }, "no read replica");
  });

  it("links many dependency-less replicas by name to the first primary of that name", () => {
    const primaries = Array.from({ length: 300 }, (_, i) => sqlPrimary(`db-${i}`));
    const replicas = primaries.map((p) => ({ ...sqlReplica(p, `${p.name}-replica`), dependencies: [], propertyDependencies: {} }));
    expectClean(run(cloudsqlCrossRegionReplica, [...primaries, ...replicas]));
    const twin = { ...sqlPrimary("db-7"), urn: "urn:pulumi:prod::p::gcp:sql/databaseInstance:DatabaseInstance::db-7-twin", name: "db-7-twin" };
    const f = run(cloudsqlCrossRegionReplica, [...primaries, twin, ...replicas]);
    expectOne(f, { policy: R, name: "db-7-twin" }, "no read replica");
  });

  it("fails a primary without any replica", () => {
    expectOne(run(cloudsqlCrossRegionReplica, [sqlPrimary()]), { policy: R, name: "registration-db" }, "no read replica", "0 replicas", 'region: "europe-west4"');
  });

  it("fails a replica in the wrong region", () => {
    const db = sqlPrimary();
    const rep = sqlReplica(db, "registration-db-replica", "europe-west1");
    expectOne(run(cloudsqlCrossRegionReplica, [db, rep]), { policy: R, name: "registration-db" }, "no read replica in the DR region europe-west4", "europe-west1", "'registration-db-replica'");
  });

  it("reports each primary separately", () => {
    const a = sqlPrimary("a-db");
    const b = sqlPrimary("b-db");
    const f = run(cloudsqlCrossRegionReplica, [a, b, sqlReplica(a, "a-rep")]);
    expectOne(f, { policy: R, name: "b-db" });
    assert.equal(f.filter((x) => x.name === "a-db").length, 0);
  });

  it("is undecided when a replica's region or master is unknown", () => {
    const db = sqlPrimary();
    expectOne(run(cloudsqlCrossRegionReplica, [db, sqlReplica(db, "rep", UNKNOWN)]), { policy: R, kind: "undecided" }, "region of its replica");
    const orphan = { ...mutate(sqlReplica(db), "masterInstanceName", UNKNOWN), dependencies: [], propertyDependencies: {} };
    expectOne(run(cloudsqlCrossRegionReplica, [db, orphan]), { policy: R, kind: "undecided" }, "masterInstanceName");
  });

  it("is disabled by the staging config", () => {
    expectClean(run(cloudsqlCrossRegionReplica, [sqlPrimary()], { [R]: { enforcementLevel: "disabled" } }));
  });
});

describe("cloudsql-hardening", () => {
  it("passes the baseline primary and replica", () => {
    const db = sqlPrimary();
    expectClean(run(cloudsqlHardening, [db, sqlReplica(db)]));
  });

  it("fails with deletion protection off", () => {
    expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), "deletionProtection", false)]), { policy: H, name: "registration-db" }, "deletion protection is off");
  });

  it("fails a zonal primary in production but not in staging", () => {
    const db = mutate(sqlPrimary(), "settings.availabilityType", "ZONAL");
    expectOne(run(cloudsqlHardening, [db]), { policy: H }, "zonal", '"ZONAL"', '"REGIONAL"');
    expectClean(run(cloudsqlHardening, [db], { [H]: { requireRegional: false } }));
  });

  it("fails a public IPv4 address, including the provider default", () => {
    expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), "settings.ipConfiguration.ipv4Enabled", true)]), { policy: H }, "public IPv4");
    expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), "settings.ipConfiguration.ipv4Enabled", undefined)]), { policy: H }, "provider default");
  });

  it("fails connections without TLS; accepts the legacy requireSsl flag", () => {
    expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), "settings.ipConfiguration.sslMode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED")]), { policy: H }, "unencrypted", '"ALLOW_UNENCRYPTED_AND_ENCRYPTED"');
    const legacy = mutate(mutate(sqlPrimary(), "settings.ipConfiguration.sslMode", undefined), "settings.ipConfiguration.requireSsl", true);
    expectClean(run(cloudsqlHardening, [legacy]));
  });

  it("fails without the IAM authentication flag", () => {
    expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), "settings.databaseFlags", [])]), { policy: H }, "IAM database authentication", "no cloudsql.iam_authentication flag");
    const off = mutate(sqlPrimary(), "settings.databaseFlags", [{ name: "cloudsql.iam_authentication", value: "off" }]);
    expectOne(run(cloudsqlHardening, [off]), { policy: H }, 'cloudsql.iam_authentication="off"');
    const mysql = mutate(sqlPrimary(), "databaseVersion", "MYSQL_8_0");
    expectOne(run(cloudsqlHardening, [mysql]), { policy: H }, "cloudsql_iam_authentication");
  });

  it("fails a tier below the minimum, and a missing tier", () => {
    expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), "settings.tier", "db-f1-micro")]), { policy: H }, "smaller than the minimum tier db-custom-2-7680", '"db-f1-micro"');
    expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), "settings.tier", undefined)]), { policy: H }, "no machine tier");
  });

  it("treats a tier it cannot size as undecided, not as a violation", () => {
    expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), "settings.tier", "db-c4a-highmem-8")]), { policy: H, kind: "undecided" }, "cannot be checked");
  });

  it("reports unknown fields as undecided", () => {
    for (const p of ["deletionProtection", "settings.availabilityType", "settings.ipConfiguration.ipv4Enabled", "settings.ipConfiguration.sslMode", "settings.databaseFlags", "settings.tier"]) {
      expectOne(run(cloudsqlHardening, [mutate(sqlPrimary(), p, UNKNOWN)]), { policy: H, kind: "undecided" }, p);
    }
  });

  it("sizes tiers", () => {
    assert.deepEqual(tierSize("db-custom-4-16384"), { vcpus: 4, memoryMb: 16384 });
    assert.deepEqual(tierSize("db-n1-standard-2"), { vcpus: 2, memoryMb: 7680 });
    assert.deepEqual(tierSize("db-n1-highmem-4"), { vcpus: 4, memoryMb: 26624 });
    assert.deepEqual(tierSize("db-perf-optimized-N-8"), { vcpus: 8, memoryMb: 65536 });
    assert.deepEqual(tierSize("db-g1-small"), { vcpus: 0.5, memoryMb: 1740 });
    assert.equal(tierSize("huge"), undefined);
  });

  it("rejects a config with an unknown tier, naming the field", () => {
    const f = run(cloudsqlHardening, [sqlPrimary()], { [H]: { minTier: "big" } });
    expectOne(f, { policy: H, kind: "config" }, "cloudsql-hardening.minTier", "db-custom-<vcpus>-<memoryMb>");
  });
});
