/**
 * The real pack process, launched as the Pulumi CLI launches it (run-policy-pack, cwd = pack dir,
 * port on stdout) and driven over the Analyzer gRPC protocol. Needs `npm run build` (policypack/bin).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AnalyzerProcess, type WireResource } from "../../cli/analyzer-client";
import { configureRequest } from "../../cli/check";
import { GATES } from "../../policypack/src/catalog";
import { RULES } from "../../policypack/src/gates";
import { cryptoKey, keyRing, provider, sqlPrimary } from "../fixtures/gcp";
import { mutate, UNKNOWN } from "../support/fixtures";
import type { ResourceInput } from "../../policypack/src/access/resource";

const ROOT = path.resolve(__dirname, "../../..");
const PACK = path.join(ROOT, "policypack");

function wire(r: ResourceInput): WireResource {
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    properties: r.props as Record<string, unknown>,
    provider: r.provider ? { type: r.provider.type, urn: r.provider.urn ?? "", name: r.provider.name ?? "", properties: r.provider.props as Record<string, unknown> } : undefined,
    protect: r.opts?.protect,
    parent: r.parent,
    dependencies: [...(r.dependencies ?? [])],
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, [...v]])),
  };
}

function configFile(name: string): Record<string, { enforcementLevel?: "advisory" | "mandatory" | "disabled"; [k: string]: unknown }> {
  const raw = JSON.parse(fs.readFileSync(path.join(PACK, "config", name), "utf8")) as Record<string, Record<string, unknown>>;
  return raw as Record<string, { enforcementLevel?: "advisory" | "mandatory" | "disabled" }>;
}

describe("policy pack over the Analyzer gRPC protocol (e2e)", function () {
  this.timeout(60_000);
  let pack: AnalyzerProcess;

  before(async () => {
    assert.ok(fs.existsSync(path.join(PACK, "bin/index.js")), "run `npm run build` first");
    pack = await AnalyzerProcess.launch(PACK, { env: { PULUMI_CONFIG: JSON.stringify({ "gcp:region": "europe-west1" }) } });
  });

  after(async () => {
    await pack?.close();
  });

  it("announces every policy with its metadata and config schema (GetAnalyzerInfo)", async () => {
    const info = await pack.getAnalyzerInfo();
    assert.equal(info.name, "readiness-guard");
    assert.match(info.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(info.policies.map((p) => p.name).sort(), RULES.map((r) => r.gate as string).sort());
    for (const p of info.policies) {
      const gate = GATES.find((g) => g.name === p.name);
      assert.ok(gate, p.name);
      assert.equal(p.displayName, gate.title);
      assert.equal(p.enforcementLevel, gate.level);
      assert.equal(p.policyType, gate.kind === "stack" ? 2 : 1, `${p.name} type`);
      assert.ok(p.severity > 0 && p.url.includes(`#${p.name}`) && p.remediationSteps.length > 0);
      assert.equal(p.framework?.name, "service-readiness");
      assert.ok(p.configSchema?.properties["waivers"], `${p.name} schema`);
    }
  });

  it("blocks an EU multi-region bucket with a mandatory diagnostic", async () => {
    await pack.configure(configFile("production.json"));
    const d = await pack.analyze({ type: "gcp:storage/bucket:Bucket", urn: "urn:pulumi:prod::p::gcp:storage/bucket:Bucket::eu", name: "eu", properties: { location: "EU" } });
    const res = d.filter((x) => x.policyName === "data-residency");
    assert.equal(res.length, 1);
    assert.equal(res[0]?.enforcementLevel, "mandatory");
    assert.match(res[0]?.message ?? "", /'eu' \(gcp:storage\/bucket:Bucket\): is stored in a multi-region or global location.*found "EU"/);
  });

  it("takes the location from the provider's region", async () => {
    const db = { ...mutate(sqlPrimary(), "region", undefined), provider: provider("dr", "europe-west4") };
    const d = await pack.analyze(wire(db));
    const res = d.filter((x) => x.policyName === "data-residency");
    assert.equal(res.length, 1);
    assert.match(res[0]?.message ?? "", /DR region europe-west4 \(from the provider's 'region'\)/);
  });

  it("reports an unknown location as advisory 'cannot be decided', never mandatory", async () => {
    const d = await pack.analyze(wire(mutate(sqlPrimary(), "region", UNKNOWN)));
    const res = d.filter((x) => x.policyName === "data-residency");
    assert.equal(res.length, 1);
    assert.equal(res[0]?.enforcementLevel, "advisory");
    assert.match(res[0]?.message ?? "", /^'registration-db' \(gcp:sql\/databaseInstance:DatabaseInstance\): its location \('region'\) is unknown until apply/);
    assert.equal(d.filter((x) => x.enforcementLevel === "mandatory").length, 0);
  });

  it("passes a CMEK key created in the same stack (AnalyzeStack with property dependencies)", async () => {
    const ring = keyRing();
    const key = cryptoKey("k", ring);
    const db = sqlPrimary("registration-db", key);
    const d = await pack.analyzeStack([ring, key, db].map(wire));
    assert.deepEqual(d.filter((x) => x.policyName === "cmek-required"), []);
    const undecided = await pack.analyzeStack([wire(mutate(sqlPrimary("x-db"), "encryptionKeyName", UNKNOWN))]);
    const u = undecided.filter((x) => x.policyName === "cmek-required");
    assert.equal(u.length, 1);
    assert.equal(u[0]?.enforcementLevel, "advisory");
    assert.match(u[0]?.urn ?? "", /::x-db$/, "advisory stack findings keep the resource's URN");
    const replica = d.filter((x) => x.policyName === "cloudsql-cross-region-replica");
    assert.equal(replica.length, 1, "the lone primary still lacks a replica");
    assert.equal(replica[0]?.urn, db.urn);
  });

  it("honours the staging config (replica gate disabled)", async () => {
    await pack.configure(configFile("staging.json"));
    const d = await pack.analyzeStack([wire(sqlPrimary())]);
    assert.deepEqual(d.filter((x) => x.policyName === "cloudsql-cross-region-replica"), []);
  });

  it("accepts every config the Pulumi CLI accepts, sent as the CLI sends it (reconciled, with the `all` entry forwarded)", async () => {
    const info = await pack.getAnalyzerInfo();
    const bucket = { type: "gcp:storage/bucket:Bucket", urn: "urn:pulumi:prod::p::gcp:storage/bucket:Bucket::eu", name: "eu", properties: { location: "EU" } };
    const sql: WireResource = { ...wire(mutate(sqlPrimary(), "deletionProtection", false)) };
    const levels = async (): Promise<Record<string, string | undefined>> => ({
      "data-residency": (await pack.analyze(bucket)).find((d) => d.policyName === "data-residency")?.enforcementLevel,
      "cloudsql-hardening": (await pack.analyze(sql)).find((d) => d.policyName === "cloudsql-hardening")?.enforcementLevel,
    });
    const cases: [string, Record<string, unknown>, Record<string, string | undefined>][] = [
      ["production.json", configFile("production.json"), { "data-residency": "mandatory", "cloudsql-hardening": "mandatory" }],
      ["staging.json", configFile("staging.json"), { "data-residency": "mandatory", "cloudsql-hardening": "mandatory" }],
      ['{"all":"advisory"}', { all: "advisory" }, { "data-residency": "advisory", "cloudsql-hardening": "advisory" }],
      ['{"all":"mandatory","cloudsql-hardening":"advisory"}', { all: "mandatory", "cloudsql-hardening": "advisory" }, { "data-residency": "mandatory", "cloudsql-hardening": "advisory" }],
      ['{"all":{"enforcementLevel":"advisory"}}', { all: { enforcementLevel: "advisory" } }, { "data-residency": "advisory", "cloudsql-hardening": "advisory" }],
    ];
    for (const [name, file, expected] of cases) {
      const request = configureRequest(info, file);
      if ("all" in file) assert.ok("all" in request, `${name}: the CLI forwards 'all'`);
      await pack.configure(request);
      assert.deepEqual(await levels(), expected, name);
    }
  });

  it("keeps an AnalyzeStack response with tens of thousands of findings under the engine's 4 MiB (the harness receives at most 4 MiB, as sdk/policy_proxy.go does)", async () => {
    const info = await pack.getAnalyzerInfo();
    await pack.configure(configureRequest(info, { all: "advisory", "cmek-required": "mandatory" }));
    // 12,000 buckets without a customer-managed key: about 5 MiB of cmek-required diagnostics alone.
    const buckets: WireResource[] = Array.from({ length: 12_000 }, (_, i) => ({
      type: "gcp:storage/bucket:Bucket",
      urn: `urn:pulumi:prod::p::gcp:storage/bucket:Bucket::bucket-${i}`,
      name: `bucket-${i}`,
      properties: { location: "EUROPE-WEST1", name: `bucket-${i}` },
      dependencies: [],
      propertyDependencies: {},
    }));
    const d = await pack.analyzeStack(buckets);
    const cmek = d.filter((x) => x.policyName === "cmek-required");
    assert.ok(cmek.length > 100 && cmek.length < 12_000, `${cmek.length} cmek-required diagnostics`);
    const summary = cmek[cmek.length - 1];
    assert.equal(summary?.enforcementLevel, "mandatory", "the summary keeps the mandatory level of what it stands for");
    assert.equal(summary?.urn, "");
    assert.match(
      summary?.message ?? "",
      new RegExp(`^${(info.policies.find((p) => p.name === "cmek-required")?.description ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n${12_000 - (cmek.length - 1)} more findings of cmek-required \\(${12_000 - (cmek.length - 1)} violations\\) are not listed here: one response to the Pulumi engine holds at most 4 MiB\\. The first one not listed is about 'bucket-${cmek.length - 1}'\\.`),
    );
  });

  it("rejects a wrong config at Configure, naming the field and the fix", async () => {
    await assert.rejects(
      pack.configure({ ...configFile("production.json"), "data-residency": { enforcementLevel: "mandatory", allowedRegion: ["europe-west1"] } }),
      (e: Error & { code?: number }) =>
        e.code === 3 && /invalid policy pack config/.test(e.message) && /data-residency\.allowedRegion: unknown setting 'allowedRegion' \(did you mean 'allowedRegions'\?\)/.test(e.message),
    );
    await assert.rejects(pack.configure({ "data-residncy": { enforcementLevel: "mandatory" } }), /unknown policy 'data-residncy' \(did you mean 'data-residency'\?\)/);
  });

  it("accepts a config whose waivers are bad, and reports them as violations", async () => {
    await pack.configure({ ...configFile("production.json"), "data-residency": { enforcementLevel: "mandatory", waivers: [{ resource: "b" }] } });
    const d = await pack.analyze({ type: "gcp:storage/bucket:Bucket", urn: "urn:pulumi:prod::p::gcp:storage/bucket:Bucket::b", name: "b", properties: { location: "EUROPE-WEST1" } });
    const res = d.filter((x) => x.policyName === "data-residency");
    assert.ok(res.length >= 1);
    assert.equal(res[0]?.enforcementLevel, "mandatory");
    assert.match(res[0]?.message ?? "", /invalid pack config at data-residency.waivers\[0\].justification: waiver is malformed/);
  });
});
