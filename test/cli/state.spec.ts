/** `pulumi stack export` reader: validation, preview semantics, providers, secrets. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { lookup, SECRET_SIG, show } from "../../policypack/src/access/values";
import { InputError, normaliseSecrets, parseStackExport, providerUrnOf, SECRET_PLACEHOLDER } from "../../cli/state";
import { EXPORT } from "./support";

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

  it("gives resource rules the custom resources' inputs and stack rules every resource's outputs", () => {
    assert.equal(state.stack.length, 13);
    assert.equal(state.analyze.length, 12, "the Stack resource is not custom");
    assert.ok(!state.analyze.some((r) => r.type === "pulumi:pulumi:Stack"));
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
});
