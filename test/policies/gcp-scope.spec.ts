/**
 * The GCP scope of data-residency and cmek-required is derived from the installed @pulumi/gcp:
 * regenerated here in memory, it must equal the checked-in policypack/src/lib/gcp-scope.ts and
 * docs/gcp-scope.md. A provider upgrade that adds a type fails here, naming it, until someone
 * regenerates and reviews (test/support/gcp-scope/review.ts).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { GCP_DATA_BEARING_TYPES, GCP_KEY_PATHS, GCP_LOCATION_FIELDS, GCP_SCOPE_PROVIDER_VERSION } from "../../policypack/src/lib/gcp-scope";
import { deriveGcpTypes, type DerivedType } from "../support/gcp-scope/derive";
import { buildScope, DOC_FILE, GCP_DIR, MODULE_FILE, REGENERATE, renderDoc, providerVersion, renderModule, type Scope } from "../support/gcp-scope/generate";

/** What changed between the checked-in tables and a fresh scope, one line per type. */
function scopeDiff(label: string, checked: ReadonlyMap<string, readonly string[]>, fresh: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [t, f] of fresh) {
    const old = checked.get(t);
    if (!old) out.push(`${label}: new type ${t} (${f.join(", ") || "type-specific"})`);
    else if (old.join(",") !== f.join(",")) out.push(`${label}: ${t} changed from ${old.join(", ")} to ${f.join(", ")}`);
  }
  for (const t of checked.keys()) if (!fresh.has(t)) out.push(`${label}: ${t} is no longer in scope (removed from the provider or newly excluded)`);
  return out;
}

function explain(fresh: Scope): string {
  const lines = [...scopeDiff("data-residency", GCP_LOCATION_FIELDS, fresh.residency), ...scopeDiff("cmek-required", GCP_KEY_PATHS, fresh.cmek)];
  return (
    `the GCP scope derived from @pulumi/gcp ${fresh.version} differs from the checked-in one (${GCP_SCOPE_PROVIDER_VERSION}):\n  ` +
    (lines.length ? lines.join("\n  ") : "(exclusions or the doc changed)") +
    `\nRegenerate with \`${REGENERATE}\`, then review the diff of policypack/src/lib/gcp-scope.ts and docs/gcp-scope.md: ` +
    "exclude in test/support/gcp-scope/review.ts, with a one-line reason, every new type whose location is not a data location or that stores no data."
  );
}

describe("GCP scope derived from the provider", function () {
  this.timeout(60_000);
  let fresh: Scope;
  let derived: DerivedType[];
  before(() => {
    derived = deriveGcpTypes(GCP_DIR);
    fresh = buildScope(derived, providerVersion(GCP_DIR));
  });

  it("the checked-in tables and doc equal what the installed provider gives", () => {
    const ok = renderModule(fresh) === fs.readFileSync(MODULE_FILE, "utf8") && renderDoc(fresh) === fs.readFileSync(DOC_FILE, "utf8");
    assert.ok(ok, explain(fresh));
  });

  it("every review entry still matches a type of the provider", () => {
    assert.deepEqual(fresh.unused, []);
  });

  it("a type the provider adds is named in the failure, with the command to regenerate", () => {
    const added: DerivedType = { token: "gcp:newstore/vault:Vault", locationFields: ["location"], keyPaths: ["encryptionConfig.kmsKeyName"] };
    const upgraded = buildScope([...derived, added], "99.0.0");
    assert.notEqual(renderModule(upgraded), fs.readFileSync(MODULE_FILE, "utf8"));
    const msg = explain(upgraded);
    assert.match(msg, /data-residency: new type gcp:newstore\/vault:Vault \(location\)/);
    assert.match(msg, /cmek-required: new type gcp:newstore\/vault:Vault \(encryptionConfig\.kmsKeyName\)/);
    assert.ok(msg.includes(REGENERATE));
    // A removed type is named too.
    const removed = buildScope(derived.filter((t) => t.token !== "gcp:spanner/database:Database"), "99.0.0");
    assert.match(explain(removed), /cmek-required: gcp:spanner\/database:Database is no longer in scope/);
  });

  it("an IAM grant or a network setting with a location is excluded; a new one of those needs no review line", () => {
    const s = buildScope(
      [
        { token: "gcp:newstore/vaultIamMember:VaultIamMember", locationFields: ["location"], keyPaths: [] },
        { token: "gcp:compute/router:Router", locationFields: ["region"], keyPaths: [] },
      ],
      "0",
    );
    assert.equal(s.residency.size, 0);
    assert.deepEqual([...s.residencyExcluded.keys()], ["iam-grant", "compute-network"]);
  });

  it("covers the types reviewed before, and many more", () => {
    for (const t of ["gcp:sql/databaseInstance:DatabaseInstance", "gcp:storage/bucket:Bucket", "gcp:pubsub/topic:Topic", "gcp:secretmanager/secret:Secret", "gcp:kms/keyRing:KeyRing", "gcp:cloudrunv2/service:Service"]) {
      assert.ok(GCP_LOCATION_FIELDS.has(t), t);
    }
    assert.deepEqual(GCP_LOCATION_FIELDS.get("gcp:compute/disk:Disk"), ["zone"]);
    // Compute instances and templates: every disk is checked by lib/compute.ts (CSEK, scratch disks,
    // disks attached from a Disk of the stack), so they are data-bearing but not in the generic key table.
    for (const t of ["gcp:compute/instance:Instance", "gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"]) {
      assert.equal(GCP_KEY_PATHS.get(t), undefined, t);
      assert.ok(GCP_DATA_BEARING_TYPES.has(t), t);
    }
    assert.deepEqual(GCP_KEY_PATHS.get("gcp:compute/disk:Disk"), ["diskEncryptionKey.kmsKeySelfLink"]);
    assert.deepEqual(GCP_KEY_PATHS.get("gcp:container/cluster:Cluster"), ["databaseEncryption.keyName"]);
    assert.ok(GCP_LOCATION_FIELDS.size > 14 * 10, `${GCP_LOCATION_FIELDS.size}`);
    assert.ok(GCP_KEY_PATHS.size > 10 * 5, `${GCP_KEY_PATHS.size}`);
  });

  it("GCP_DATA_BEARING_TYPES: stores, and data types whose key is checked elsewhere; not workloads nor settings", () => {
    for (const t of ["gcp:storage/bucket:Bucket", "gcp:spanner/database:Database", "gcp:bigquery/table:Table", "gcp:storage/bucketObject:BucketObject"]) assert.ok(GCP_DATA_BEARING_TYPES.has(t), t);
    for (const t of ["gcp:cloudrunv2/service:Service", "gcp:kms/cryptoKeyVersion:CryptoKeyVersion", "gcp:dataform/config:Config", "gcp:bigquery/job:Job"]) assert.ok(!GCP_DATA_BEARING_TYPES.has(t), t);
  });
});
