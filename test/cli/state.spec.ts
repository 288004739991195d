/** `pulumi stack export` reader: validation, preview semantics, providers, secrets. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { lookup, SECRET_SIG, show } from "../../policypack/src/access/values";
import * as path from "node:path";
import { InputError, KNOWN_FEATURES, normaliseSecrets, parseStackExport, providerUrnOf, SECRET_PLACEHOLDER, stripInternalKeys } from "../../cli/state";
import { EXPORT } from "./support";

const V3 = path.join(path.dirname(EXPORT), "engine-v3.json");
const V4 = path.join(path.dirname(EXPORT), "engine-v4.json");

const SV = "1b47061264138c4ac30d75fd1eb44270";
const text = fs.readFileSync(EXPORT, "utf8");

function doc(): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

function resources(d: Record<string, unknown>): Record<string, unknown>[] {
  return (d["deployment"] as { resources: Record<string, unknown>[] }).resources;
}

function fails(d: unknown, ...facts: (string | RegExp)[]): string {
  let msg = "";
  assert.throws(
    () => parseStackExport(typeof d === "string" ? d : JSON.stringify(d), "x.json"),
    (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      msg = e.message;
      return true;
    },
  );
  assert.ok(!msg.includes("\n"), `one line: ${msg}`);
  for (const f of facts) {
    if (typeof f === "string") assert.ok(msg.includes(f), `"${f}" not in: ${msg}`);
    else assert.match(msg, f);
  }
  return msg;
}

describe("stack export reader (cli/state)", () => {
  const state = parseStackExport(text, "prod-violations.json");
  const byName = (list: typeof state.analyze, name: string) => list.find((r) => r.name === name);

  it("gives resource rules every resource's inputs (the root Stack included) and stack rules every resource's outputs", () => {
    assert.equal(state.stack.length, 13);
    // The engine analyzes every registered resource, the root Stack and components included
    // (pulumi/pulumi pkg/resource/deploy/step_generator.go generateSteps → analyzeAll): this
    // used to say 12 ("the Stack resource is not custom"), which is not what the engine does.
    assert.equal(state.analyze.length, 13);
    assert.ok(state.analyze.some((r) => r.type === "pulumi:pulumi:Stack"));
    const db = byName(state.analyze, "registration-db");
    assert.equal(db?.props["connectionName"], undefined, "inputs only");
    assert.equal(byName(state.stack, "registration-db")?.props["connectionName"], "acme-readiness-prod:europe-west1:registration-db");
    assert.deepEqual(db?.dependencies, ["urn:pulumi:prod::readiness::gcp:kms/cryptoKey:CryptoKey::registration-db-key"]);
    assert.equal(byName(state.analyze, "registration-db-key")?.opts?.protect, true);
    assert.equal(state.project, "readiness");
    assert.equal(state.stackName, "prod");
  });

  it("resolves provider references to the provider resource's inputs, and the default provider's region", () => {
    const replica = byName(state.analyze, "registration-db-replica");
    assert.equal(replica?.provider?.name, "dr");
    assert.equal(replica?.provider?.type, "pulumi:providers:gcp");
    assert.equal(replica?.provider?.props["region"], "europe-west4");
    assert.equal(byName(state.analyze, "config-exports")?.provider?.name, "default_9_37_0");
    assert.deepEqual(state.facts, { gcpRegion: "europe-west1" });
    assert.equal(providerUrnOf("urn:pulumi:s::p::pulumi:providers:gcp::default::abc"), "urn:pulumi:s::p::pulumi:providers:gcp::default");
    assert.equal(providerUrnOf("not-a-ref"), undefined);
  });

  it("keeps secrets set but never readable: ciphertext becomes a placeholder, plaintext is decoded, both stay wrapped", () => {
    const key = byName(state.stack, "ci-deployer-key");
    const pk = lookup(key?.props, "privateKey");
    assert.deepEqual(pk, { kind: "known", value: SECRET_PLACEHOLDER, secret: true });
    const user = byName(state.analyze, "registration-app");
    const pw = lookup(user?.props, "password");
    assert.deepEqual(pw, { kind: "known", value: "hunter2-Super-Secret-Pw", secret: true });
    assert.equal(show(user?.props["password"]), "<secret>");
    assert.deepEqual(normaliseSecrets({ a: [{ [SECRET_SIG]: SV, plaintext: "not json" }] }), { a: [{ [SECRET_SIG]: SV, value: "not json" }] });
    assert.deepEqual(normaliseSecrets({ [SECRET_SIG]: SV, value: 3 }), { [SECRET_SIG]: SV, value: 3 });
  });

  it("skips resources pending deletion and accepts an empty stack", () => {
    const d = doc();
    (resources(d)[4] as Record<string, unknown>)["delete"] = true;
    assert.equal(parseStackExport(JSON.stringify(d)).stack.length, 12);
    const empty = parseStackExport(JSON.stringify({ version: 3, deployment: {} }));
    assert.deepEqual([empty.stack.length, empty.analyze.length, empty.facts], [0, 0, {}]);
  });

  it("rejects what is not an export with one line naming the field", () => {
    fails("{ not json", "x.json: not valid JSON");
    fails({ version: 2, deployment: { resources: [] } }, "x.json: version: must be 3");
    fails({ version: 3 }, "x.json: deployment:");
    fails({ version: 3, deployment: { resources: {} } }, "x.json: deployment.resources:");
    const noUrn = doc();
    delete resources(noUrn)[3]?.["urn"];
    fails(noUrn, "x.json: deployment.resources[3].urn:");
    const badUrn = doc();
    (resources(badUrn)[5] as Record<string, unknown>)["urn"] = "bucket-1";
    fails(badUrn, "deployment.resources[5].urn: must be a Pulumi URN");
    const custom = doc();
    (resources(custom)[2] as Record<string, unknown>)["custom"] = "yes";
    fails(custom, "deployment.resources[2].custom:");
    const deps = doc();
    (resources(deps)[6] as Record<string, unknown>)["dependencies"] = ["x"];
    fails(deps, "deployment.resources[6].dependencies[0]: must be a Pulumi URN");
    const two = doc();
    delete resources(two)[3]?.["urn"];
    delete resources(two)[4]?.["type"];
    fails(two, /\(and 1 more problem\)$/);
  });

  it("rejects a provider reference that names no provider of the export", () => {
    const d = doc();
    (resources(d)[5] as Record<string, unknown>)["provider"] = "urn:pulumi:prod::readiness::pulumi:providers:gcp::gone::1234";
    fails(d, "deployment.resources[5].provider:", "names a provider that is not in the export");
    const e = doc();
    (resources(e)[5] as Record<string, unknown>)["provider"] = "default";
    fails(e, "deployment.resources[5].provider: 'default' is not a provider reference");
  });

  describe("what the engine sends (pulumi/pulumi v3.248.0)", () => {
    const v3 = parseStackExport(fs.readFileSync(V3, "utf8"), "engine-v3.json");
    const v4 = parseStackExport(fs.readFileSync(V4, "utf8"), "engine-v4.json");
    const BUCKET = "urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket::logs";
    const EXTERNAL = "urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket::shared-artifacts";
    const VIEW = "urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket$gcp:storage/bucketObject:BucketObject::logs-readme";

    // step_generator.go GenerateReadSteps (L271) never calls analyzeAll; step_executor.go (L573)
    // stores read states in `reads`, not `news`, and AnalyzeResources (L3227) only walks `news`.
    it("leaves out resources read with .get (external: true): neither Analyze nor AnalyzeStack sees them [step_generator.go GenerateReadSteps, step_executor.go reads]", () => {
      for (const s of [v3, v4]) {
        assert.ok(!s.analyze.some((r) => r.urn === EXTERNAL));
        assert.ok(!s.stack.some((r) => r.urn === EXTERNAL));
        assert.deepEqual(s.external, [EXTERNAL]);
      }
    });

    // pkg/resource/stack/deployment.go UnmarshalUntypedDeployment: "case 3, 4" share DeploymentV3;
    // v4 adds `features`, checked against supportedFeatures (L121) before anything else.
    it("reads deployment versions 3 and 4 alike, and refuses a v4 feature the CLI does not know [pkg/resource/stack/deployment.go]", () => {
      assert.deepEqual(
        v3.stack.filter((r) => r.urn !== VIEW).map((r) => r.urn),
        v4.stack.filter((r) => r.urn !== VIEW).map((r) => r.urn),
      );
      assert.deepEqual(KNOWN_FEATURES, ["refreshBeforeUpdate", "views", "hooks", "taint", "replaceWith", "snippets-prototype"]);
      const d = JSON.parse(fs.readFileSync(V4, "utf8")) as Record<string, unknown>;
      fails({ ...d, features: ["taint", "time-travel"] }, "x.json: features:", "does not support");
      fails({ ...d, version: 5 }, "x.json: version: must be 3 or 4");
      fails({ ...d, version: 2 }, "x.json: version: must be 3 or 4");
    });

    // Views are registered through the resource status service (resource_status.go), not
    // generateSteps: no Analyze; the step executor stores them in `news`: AnalyzeStack sees them.
    it("gives a view (viewOf, v4) to stack rules only [resource_status.go, step_executor.go news]", () => {
      assert.ok(!v4.analyze.some((r) => r.urn === VIEW));
      assert.ok(v4.stack.some((r) => r.urn === VIEW));
    });

    // sdk/go/common/resource/plugin/analyzer_plugin.go: Analyze (L307), AnalyzeStack (L351) and the
    // provider (marshalProvider, L772) marshal with SkipInternalKeys: true; rpc.go (L88-L93) skips
    // top-level keys only; properties.go IsInternalPropertyKey (L730) is the "__" prefix.
    it("drops top-level __ keys (__meta, __defaults, ...) from inputs, outputs and provider inputs, keeps nested ones [analyzer_plugin.go SkipInternalKeys]", () => {
      const a = v4.analyze.find((r) => r.urn === BUCKET);
      const s = v4.stack.find((r) => r.urn === BUCKET);
      assert.ok(a && s);
      for (const props of [a.props, s.props, a.provider?.props ?? {}]) {
        assert.ok(!Object.keys(props).some((k) => k.startsWith("__")), JSON.stringify(props));
      }
      assert.deepEqual(a.props["labels"], { __team: "kept: only top-level keys are internal" });
      assert.equal(a.props["storageClass"], "STANDARD");
      assert.equal(a.provider?.props["region"], "europe-west1");
      assert.deepEqual(stripInternalKeys({ __meta: "x", a: 1, b: { __c: 2 } }), { a: 1, b: { __c: 2 } });
    });

    it("analyzes the root Stack and providers too, with their inputs [step_generator.go analyzeAll]", () => {
      assert.deepEqual(
        v3.analyze.map((r) => r.type),
        ["pulumi:pulumi:Stack", "pulumi:providers:gcp", "gcp:storage/bucket:Bucket"],
      );
      assert.deepEqual(v3.stack.find((r) => r.type === "pulumi:pulumi:Stack")?.props, { bucketName: "acme-logs" });
    });
  });
});
