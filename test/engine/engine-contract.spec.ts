/**
 * The engine facts this project relies on, one `it` each, with the Pulumi source that states it
 * (pulumi/pulumi at tag v3.248.0 unless said otherwise; pulumi-kubernetes at its 2026 master).
 * The pack is launched as the CLI launches it (see test/e2e/pack.spec.ts). See docs/engine-contract.md.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AnalyzerProcess, type AnalyzerInfoJson } from "../../cli/analyzer-client";
import { configureRequest, stackDiagnosticUrn } from "../../cli/check";
import { runProgram } from "../../cli/mock-run";
import { PolicyConfigError } from "../../cli/pulumi-config";
import { parseStackExport } from "../../cli/state";

const ROOT = path.resolve(__dirname, "../../..");
const PACK = path.join(ROOT, "policypack");
const STATE = path.join(ROOT, "test", "fixtures", "state");
const ROOT_URN = "urn:pulumi:prod::readiness::pulumi:pulumi:Stack::readiness-prod";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

class Thing extends pulumi.CustomResource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, {}, opts);
  }
}

describe("engine contract (what the Pulumi CLI does, and this project relies on)", function () {
  this.timeout(60_000);
  let pack: AnalyzerProcess;
  let info: AnalyzerInfoJson;
  const bucket = { type: "gcp:storage/bucket:Bucket", urn: "urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket::eu", name: "eu" };

  before(async () => {
    assert.ok(fs.existsSync(path.join(PACK, "bin/index.js")), "run `npm run build` first");
    pack = await AnalyzerProcess.launch(PACK, { env: { PULUMI_CONFIG: JSON.stringify({ "gcp:region": "europe-west1" }) } });
    info = await pack.getAnalyzerInfo();
  });
  after(async () => {
    await pack?.close();
  });

  it("forwards the `all` entry to Configure as a policy config of its own, and the pack accepts it [pkg/resource/analyzer/config.go applyConfig]", async () => {
    const request = configureRequest(info, { all: "advisory" });
    assert.deepEqual(request["all"], { enforcementLevel: "advisory" });
    await pack.configure(request);
    const d = await pack.analyze({ ...bucket, properties: { location: "EU" } });
    assert.equal(d.find((x) => x.policyName === "data-residency")?.enforcementLevel, "advisory");
  });

  it("reconciles the config as defaults, then `all`, then each entry, then validates against the schemas [pkg/resource/analyzer/config.go ReconcilePolicyPackConfig]", () => {
    const policy = info.policies.find((p) => p.name === "data-residency");
    assert.ok(policy);
    const defaults = configureRequest(info, {});
    assert.equal(defaults["data-residency"]?.enforcementLevel, policy.enforcementLevel, "defaults: the policy's own level");
    const r = configureRequest(info, { all: "disabled", "data-residency": "mandatory" });
    assert.equal(r["data-residency"]?.enforcementLevel, "mandatory", "an entry beats `all`");
    assert.ok(Object.entries(r).every(([k, v]) => k === "data-residency" || v.enforcementLevel === "disabled"), "`all` beats the defaults");
    assert.throws(() => configureRequest(info, { "data-residency": { waivers: "not-a-list" } }), PolicyConfigError);
  });

  it("analyzes every registered resource, the root Stack first; the pack's once-per-config problems land on it [pkg/resource/deploy/step_generator.go generateSteps → analyzeAll L1353]", async () => {
    await pack.configure({ ...configureRequest(info, {}), "data-residency": { enforcementLevel: "mandatory", waivers: [{ resource: "b" }] } });
    const first = await pack.analyze({ type: "pulumi:pulumi:Stack", urn: ROOT_URN, name: "readiness-prod", properties: {} });
    const problem = first.find((d) => d.policyName === "data-residency");
    assert.equal(problem?.urn, ROOT_URN);
    assert.match(problem?.message ?? "", /invalid pack config at data-residency\.waivers\[0\]/);
    const later = await pack.analyze({ ...bucket, properties: { location: "EUROPE-WEST1" } });
    assert.deepEqual(later.filter((d) => d.policyName === "data-residency"), [], "reported once per config");
  });

  it("registers a default provider as a resource of its own (custom, no parent, the package's config as inputs), which is analyzed too [pkg/resource/deploy/default_providers.go newRegisterDefaultProviderEvent]", async () => {
    const rs = await runProgram(() => {
      new Thing("a");
      new Thing("b");
    }, { project: "readiness", stack: "prod", config: { "test:region": "europe-west1" } });
    const providers = rs.filter((r) => r.type === "pulumi:providers:test");
    assert.equal(providers.length, 1);
    assert.equal(providers[0]?.parent, undefined);
    assert.equal(providers[0]?.custom, true);
    assert.deepEqual(providers[0]?.inputs, { region: "europe-west1" });
    assert.equal(rs[0]?.urn, ROOT_URN, "the root Stack, which the language host registers first");
    assert.ok(rs.indexOf(providers[0] as (typeof rs)[number]) < rs.findIndex((r) => r.name === "a"), "registered before the first resource that needs it");
  });

  it("attributes a stack diagnostic with no URN, or a URN of no resource, to the root Stack [step_generator.go AnalyzeResources L3343-L3355]", () => {
    const inStack = new Set([ROOT_URN, bucket.urn]);
    assert.equal(stackDiagnosticUrn("", inStack, ROOT_URN), ROOT_URN);
    assert.equal(stackDiagnosticUrn("urn:pulumi:prod::readiness::x:y:Z::gone", inStack, ROOT_URN), ROOT_URN);
    assert.equal(stackDiagnosticUrn(bucket.urn, inStack, ROOT_URN), bucket.urn);
  });

  it("never analyzes resources read with .get (external) [step_generator.go GenerateReadSteps L271; step_executor.go L573 reads vs news]", () => {
    const s = parseStackExport(fs.readFileSync(path.join(STATE, "engine-v3.json"), "utf8"));
    assert.ok(![...s.analyze, ...s.stack].some((r) => r.name === "shared-artifacts"));
  });

  it("reads deployment versions 3 and 4 into the same shape [pkg/resource/stack/deployment.go UnmarshalUntypedDeployment `case 3, 4`]", () => {
    const v3 = parseStackExport(fs.readFileSync(path.join(STATE, "engine-v3.json"), "utf8"));
    const v4 = parseStackExport(fs.readFileSync(path.join(STATE, "engine-v4.json"), "utf8"));
    assert.deepEqual(v3.analyze, v4.analyze);
  });

  it("drops top-level __ keys from Analyze, AnalyzeStack and provider props [sdk/go/common/resource/plugin/analyzer_plugin.go SkipInternalKeys L307/L351/L772; rpc.go L88]", () => {
    const s = parseStackExport(fs.readFileSync(path.join(STATE, "engine-v4.json"), "utf8"));
    for (const r of [...s.analyze, ...s.stack]) {
      assert.ok(!Object.keys(r.props).some((k) => k.startsWith("__")), r.urn);
      assert.ok(!Object.keys(r.provider?.props ?? {}).some((k) => k.startsWith("__")), r.urn);
    }
  });

  it("sends Analyze the inputs and AnalyzeStack the outputs [step_generator.go analyzeAll vs AnalyzeResources: 'AnalyzeStack is called on the final outputs']", () => {
    const s = parseStackExport(fs.readFileSync(path.join(STATE, "engine-v3.json"), "utf8"));
    const a = s.analyze.find((r) => r.name === "logs");
    const o = s.stack.find((r) => r.name === "logs");
    assert.equal(a?.props["selfLink"], undefined);
    assert.equal(o?.props["selfLink"], "https://www.googleapis.com/storage/v1/b/acme-logs");
  });

  it("delivers secrets wrapped (the SDK unwraps them for policies) and unknowns as sentinels (advisory, never mandatory) [analyzer_plugin.go KeepSecrets/KeepUnknowns; sdk/nodejs policy server]", async () => {
    await pack.configure(configureRequest(info, {}));
    const secret = await pack.analyze({ ...bucket, properties: { location: { ...SECRET, value: "EU" } } });
    const s = secret.find((d) => d.policyName === "data-residency");
    assert.equal(s?.enforcementLevel, "mandatory", "the policy saw the secret's value");
    const unknown = await pack.analyze({ ...bucket, properties: { location: UNKNOWN } });
    const u = unknown.find((d) => d.policyName === "data-residency");
    assert.equal(u?.enforcementLevel, "advisory");
  });
});
