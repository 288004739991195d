/** The SDK adapter, driven in-process with arguments shaped exactly as @pulumi/policy builds them. */
import * as assert from "node:assert/strict";
import { unknownCheckingProxy } from "@pulumi/policy";
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { z } from "zod";
import { inputFromPolicyResource, rawProps, toPulumiPolicy, type AdapterEnv } from "../../policypack/src/engine/adapter";
import { resourceGate } from "../../policypack/src/engine/rule";
import { gateMeta } from "../../policypack/src/catalog";
import { cmekRequired } from "../../policypack/src/gates/cmek-required/gate";
import { cloudsqlHardening } from "../../policypack/src/gates/cloudsql-hardening/gate";
import { dataResidency } from "../../policypack/src/gates/data-residency/gate";
import { cryptoKey, keyRing, sqlPrimary } from "../fixtures/gcp";
import { mutate, TODAY, UNKNOWN } from "../support/fixtures";

const env: AdapterEnv = { today: () => TODAY, facts: { gcpRegion: "europe-west1" } };

function resourceArgs(r: ReturnType<typeof sqlPrimary>, config: object = {}): ResourceValidationArgs {
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: unknownCheckingProxy(structuredClone(r.props)),
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    provider: { type: "pulumi:providers:gcp", urn: "urn:prov", name: "default", props: unknownCheckingProxy({ region: "europe-west1" }) },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: () => {
      throw new Error("n/a");
    },
  };
}

type ResourceFn = (args: ResourceValidationArgs, report: ReportViolation) => Promise<void> | void;

/** The one validation function the adapter builds (it never uses the array form). */
function validator(p: ResourceValidationPolicy): ResourceFn {
  assert.equal(typeof p.validateResource, "function");
  return p.validateResource as ResourceFn;
}

interface Got {
  message: string;
  urn?: string;
  level?: string;
}

/** A reporter that accepts both forms the SDK accepts: (message, urn) and a diagnostic object. */
function collect(): { report: ReportViolation; got: Got[] } {
  const got: Got[] = [];
  const report = (m: string | { message: string; urn?: string; enforcementLevel: string }, urn?: string) => {
    if (typeof m === "string") got.push({ message: m, urn });
    else got.push({ message: m.message, urn: m.urn, level: m.enforcementLevel });
  };
  return { got, report: report as ReportViolation };
}

describe("policy SDK adapter", () => {
  it("carries the catalog metadata and a config schema", () => {
    const p = toPulumiPolicy(dataResidency, env);
    assert.equal(p.name, "data-residency");
    assert.equal(p.enforcementLevel, "mandatory");
    assert.equal(p.severity, "critical");
    assert.ok(p.url?.endsWith("#data-residency"));
    assert.ok(p.remediationSteps && p.remediationSteps.length > 20);
    assert.ok(p.framework?.reference.includes("002 12. Compliance"));
    assert.ok(p.tags?.includes("maintenance-service"));
    assert.ok(p.configSchema?.properties["allowedRegions"]);
  });

  it("reads raw props behind the SDK proxy, so unknown fields never throw mid-check", async () => {
    const p = toPulumiPolicy(cloudsqlHardening, env) as ResourceValidationPolicy;
    const { report, got } = collect();
    const db = mutate(mutate(sqlPrimary(), "settings.tier", UNKNOWN), "deletionProtection", false);
    // The definite violation is reported at the policy's level; the undecided one as advisory.
    await validator(p)(resourceArgs(db), report);
    assert.equal(got.length, 2);
    assert.match(got[0]?.message ?? "", /deletion protection is off/);
    assert.equal(got[0]?.level, undefined);
    assert.match(got[1]?.message ?? "", /'settings.tier' is unknown until apply/);
    assert.equal(got[1]?.level, "advisory");
  });

  it("reports nothing for a compliant resource, and skips other types", async () => {
    const p = toPulumiPolicy(cloudsqlHardening, env) as ResourceValidationPolicy;
    const { report, got } = collect();
    await validator(p)(resourceArgs(sqlPrimary()), report);
    await validator(p)({ ...resourceArgs(sqlPrimary()), type: "other:type" }, report);
    assert.equal(got.length, 0);
  });

  it("reports config problems once per config object", async () => {
    const p = toPulumiPolicy(cloudsqlHardening, env) as ResourceValidationPolicy;
    const { report, got } = collect();
    const cfg = { minTier: "huge" };
    await validator(p)(resourceArgs(sqlPrimary(), cfg), report);
    await validator(p)(resourceArgs(sqlPrimary(), cfg), report);
    assert.equal(got.length, 1);
    assert.match(got[0]?.message ?? "", /cloudsql-hardening.minTier/);
    await validator(p)(resourceArgs(sqlPrimary(), { minTier: "huge" }), report);
    assert.equal(got.length, 1, "getConfig() hands out a new object each call: same content, same cache entry");
    await validator(p)(resourceArgs(sqlPrimary(), { minTier: "tiny" }), report);
    assert.equal(got.length, 2, "a new Configure reports again");
  });

  it("turns a crashing rule into an advisory diagnostic instead of failing the preview", async () => {
    const boom = resourceGate({ meta: gateMeta("cloudsql-hardening"), types: [sqlPrimary().type], settings: z.strictObject({}), check: () => { throw new TypeError("x is undefined"); } });
    const p = toPulumiPolicy(boom, env) as ResourceValidationPolicy;
    const { report, got } = collect();
    await validator(p)(resourceArgs(sqlPrimary()), report);
    assert.equal(got[0]?.level, "advisory");
    assert.match(got[0]?.message ?? "", /could not evaluate 'registration-db'.*x is undefined/);
  });

  it("awaits a rule's async init before checking", async () => {
    let ready = false;
    const rule = resourceGate({ meta: gateMeta("cloudsql-hardening"),
      types: [sqlPrimary().type],
      settings: z.strictObject({}),
      init: async () => {
        ready = true;
      },
      check: (_r, _s, report) => {
        if (!ready) report({ message: "not ready" });
      },
    });
    const p = toPulumiPolicy(rule, env) as ResourceValidationPolicy;
    const { report, got } = collect();
    await validator(p)(resourceArgs(sqlPrimary()), report);
    assert.equal(got.length, 0);
  });

  it("stack policies see dependencies and report against the resource's URN", async () => {
    const ring = keyRing();
    const key = cryptoKey("k", ring);
    const db = sqlPrimary("registration-db", key);
    const bare = mutate(sqlPrimary("other-db"), "encryptionKeyName", undefined);
    const toPolicyResource = (r: typeof db, all: Map<string, PolicyResource>): PolicyResource => ({
      type: r.type,
      urn: r.urn,
      name: r.name,
      props: unknownCheckingProxy(structuredClone(r.props)),
      opts: { protect: r.opts?.protect ?? false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: (r.dependencies ?? []).map((u) => all.get(u) as PolicyResource),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, us]) => [k, us.map((u) => all.get(u) as PolicyResource)])),
      isType: () => false,
      asType: () => undefined,
    });
    const all = new Map<string, PolicyResource>();
    for (const r of [ring, key, db, bare]) all.set(r.urn, toPolicyResource(r, all));
    const args: StackValidationArgs = {
      resources: [...all.values()],
      getConfig: <T extends object>() => ({}) as T,
      stackTags: new Map(),
      notApplicable: () => {
        throw new Error("n/a");
      },
    };
    const p = toPulumiPolicy(cmekRequired, env) as StackValidationPolicy;
    const { report, got } = collect();
    await p.validateStack(args, report);
    assert.equal(got.length, 1);
    assert.equal(got[0]?.urn, bare.urn);
    const input = inputFromPolicyResource(all.get(db.urn) as PolicyResource);
    assert.deepEqual(input.propertyDependencies, { encryptionKeyName: [key.urn] });
  });

  it("rawProps tolerates non-objects", () => {
    assert.deepEqual(rawProps(undefined), {});
    assert.deepEqual(rawProps({ a: 1 }), { a: 1 });
  });
});
