/**
 * The one-pass AnalyzeStack: the wire decoder against google-protobuf's encoding of real
 * requests, and the handler against the in-process engine on the same stack.
 */
import * as assert from "node:assert/strict";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { toPulumiPolicy } from "../../policypack/src/engine/adapter";
import { installFastAnalyzeStack } from "../../policypack/src/engine/fast/analyze-stack";
import { decodeAnalyzeStack } from "../../policypack/src/engine/fast/decode";
import { encodeAnalyzeResponse, type WireDiagnostic } from "../../policypack/src/engine/fast/encode";
import { encodeAnalyzeStackRequest } from "../../policypack/src/engine/fast/request";
import { warmUpStack } from "../../policypack/src/engine/fast/warmup";
import { initRules, stackGate } from "../../policypack/src/engine/rule";
import { gateMeta } from "../../policypack/src/catalog";
import { RULES } from "../../policypack/src/gates";
import { cryptoKey, keyRing, provider, sqlPrimary } from "../fixtures/gcp";
import { encodeStackRequest } from "../support/analyzer-wire";
import { mutate, run, TODAY, UNKNOWN } from "../support/fixtures";
import { z } from "zod";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };

const encode = encodeStackRequest;

describe("one-pass AnalyzeStack", () => {
  it("decodes what google-protobuf encodes, with the SDK's semantics", () => {
    const ring = keyRing();
    const key = cryptoKey("k", ring);
    const prov = provider("dr", "europe-west4");
    const db = {
      ...sqlPrimary("db", key),
      provider: prov,
      parent: "urn:not-in-stack",
      opts: { protect: true, parent: ring.urn },
      props: { ...sqlPrimary("db", key).props, pw: SECRET, n: 1.5, t: true, z: null, list: [1, "a", [false], { b: null }] },
    };
    const other = { ...mutate(sqlPrimary("db2"), "region", UNKNOWN), provider: prov, dependencies: ["urn:gone", ring.urn] };
    const [r1, r2, r3, r4] = decodeAnalyzeStack(encode([ring, key, db, other]));
    assert.equal(r1?.type, ring.type);
    assert.deepEqual(r2?.propertyDependencies, { keyRing: [ring.urn] });
    assert.equal(r2?.opts?.protect, true);
    assert.equal(r3?.props["pw"], "hunter2", "secrets unwrapped as the SDK does");
    assert.equal(r3?.props["n"], 1.5);
    assert.equal(r3?.props["t"], true);
    assert.equal(r3?.props["z"], null);
    assert.deepEqual(r3?.props["list"], [1, "a", [false], { b: null }]);
    assert.deepEqual((r3?.props["settings"] as { databaseFlags: unknown }).databaseFlags, [{ name: "cloudsql.iam_authentication", value: "on" }]);
    assert.equal(r3?.parent, ring.urn, "a parent outside the stack falls back to the options' parent");
    assert.deepEqual(r3?.provider?.props, { region: "europe-west4", project: "acme" });
    assert.equal(r4?.provider, r3?.provider, "identical providers decoded once");
    assert.deepEqual(r4?.dependencies, [ring.urn], "dependencies outside the stack dropped");
    assert.equal(r4?.props["region"], UNKNOWN);
    assert.deepEqual(decodeAnalyzeStack(Buffer.alloc(0)), []);
  });

  it("decodes a key named __proto__ as an own property, as JSON.parse does, not as a prototype", () => {
    // Hand-encoded: google-protobuf's own Map drops a "__proto__" key, so it cannot build this request.
    const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(n >>> 7)]);
    const field = (no: number, body: Buffer): Buffer => Buffer.concat([Buffer.from(varint((no << 3) | 2)), Buffer.from(varint(body.length)), body]);
    const str = (no: number, v: string): Buffer => field(no, Buffer.from(v, "utf8"));
    const entry = (key: string, value: Buffer): Buffer => field(1, Buffer.concat([str(1, key), field(2, value)]));
    const struct = (...entries: Buffer[]): Buffer => Buffer.concat(entries);
    const sig = struct(entry("4dabf18193072939515e22adb298388d", str(3, "1b47061264138c4ac30d75fd1eb44270")), entry("value", str(3, "x")));
    const lookalike = struct(entry("4dabf18193072939515e22adb298388d", str(3, "1b47061264138c4ac30d75fd1eb44270")));
    const props = struct(entry("__proto__", field(5, lookalike)), entry("pw", field(5, sig)), entry("name", str(3, "db")));
    const deps = field(9, Buffer.concat([str(1, "__proto__"), field(2, str(1, "urn:a"))]));
    const resource = Buffer.concat([str(1, "gcp:sql/databaseInstance:DatabaseInstance"), field(2, props), str(3, "urn:db"), str(4, "db"), deps]);
    const [r] = decodeAnalyzeStack(field(1, resource));
    const got = r?.props as Record<string, unknown>;
    assert.equal(got["pw"], "x", "a real wrapper is unwrapped");
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.ok(Object.prototype.hasOwnProperty.call(got, "__proto__"));
    assert.equal(got["4dabf18193072939515e22adb298388d"], undefined, "no inherited secret signature");
    assert.equal(Object.getOwnPropertyDescriptor(got, "__proto__")?.value, null, "a signature without a value unwraps to null, as the SDK does");
    assert.equal(Object.getPrototypeOf(r?.propertyDependencies), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(r?.propertyDependencies, "__proto__")?.value, []);
  });

  function harness(rules = RULES, warmUp = false) {
    let impl: Record<string, unknown> = {};
    let svc: { analyzeStack: { requestDeserialize: (b: Buffer) => unknown; responseSerialize: (r: unknown) => Buffer; path?: string } } | undefined;
    class Server {
      addService(s: unknown, i: Record<string, unknown>) {
        svc = s as typeof svc;
        impl = i;
      }
    }
    const env = { today: () => TODAY, facts: { gcpRegion: "europe-west1" } };
    const fast = installFastAnalyzeStack({
      warmUp,
      grpc: { Server, status: { INTERNAL: 13 } },
      rules,
      policies: rules.map((r) => toPulumiPolicy(r, env)),
      packName: "readiness-guard",
      packVersion: "0.1.0",
      packLevel: "mandatory",
      today: env.today,
      facts: env.facts,
    });
    const configured: unknown[] = [];
    new Server().addService({ analyzeStack: { requestDeserialize: () => undefined, responseSerialize: () => Buffer.alloc(0), path: "/x" } }, {
      analyzeStack: () => undefined,
      configure: (call: unknown, cb: (e: unknown, r?: unknown) => void) => {
        configured.push(call);
        cb(null, "ok");
      },
      analyze: (_call: unknown, cb: (e: unknown, r?: unknown) => void) => cb(null, "analyzed"),
    });
    const analyzeStack = (resources: readonly ResourceInput[]) =>
      new Promise<{ err: unknown; diags: analyzerPb.AnalyzeDiagnostic[] }>((resolve) => {
        const request = svc?.analyzeStack.requestDeserialize(encode(resources));
        // Through the installed serializer, read back by google-protobuf (as the engine's Go decoder would).
        (impl["analyzeStack"] as (c: unknown, cb: (e: unknown, r?: unknown) => void) => void)({ request }, (err, res) =>
          resolve({
            err,
            diags: res === undefined ? [] : analyzerPb.AnalyzeResponse.deserializeBinary(svc?.analyzeStack.responseSerialize(res) as Buffer).getDiagnosticsList(),
          }),
        );
      });
    const configure = (entries: Record<string, [number, Record<string, unknown>]>) =>
      new Promise<void>((resolve) => {
        const request = {
          getPolicyconfigMap: () => ({
            entries: () => Object.entries(entries).map(([k, [lvl, props]]) => [k, { getEnforcementlevel: () => lvl, getProperties: () => ({ toJavaScript: () => props }) }]),
          }),
        };
        (impl["configure"] as (c: unknown, cb: () => void) => void)({ request }, resolve);
      });
    const analyze = () => new Promise<unknown>((resolve) => (impl["analyze"] as (c: unknown, cb: (e: unknown, r?: unknown) => void) => void)({}, (_e, r) => resolve(r)));
    return { analyzeStack, configure, analyze, configured, svc: () => svc, fast };
  }

  it("gives the engine's findings, once per finding, with the SDK's message layout", async () => {
    const h = harness();
    assert.equal(h.svc()?.analyzeStack.path, "/x", "the service definition is kept");
    const ring = keyRing();
    const key = cryptoKey("k", ring);
    const stack = [ring, key, sqlPrimary("registration-db", key), mutate(sqlPrimary("x-db"), "encryptionKeyName", UNKNOWN)];
    const { err, diags } = await h.analyzeStack(stack);
    assert.equal(err, null);
    const expected = run(RULES.filter((r) => r.kind === "stack"), stack).filter((f) => f.kind !== "waived");
    assert.equal(diags.length, expected.length);
    const cmek = diags.find((d) => d.getPolicyname() === "cmek-required");
    assert.equal(cmek?.getEnforcementlevel(), 0, "undecided is advisory");
    assert.match(cmek?.getUrn() ?? "", /::x-db$/);
    const replica = diags.find((d) => d.getPolicyname() === "cloudsql-cross-region-replica" && d.getUrn().endsWith("::registration-db"));
    assert.equal(replica?.getEnforcementlevel(), 1);
    assert.match(replica?.getMessage() ?? "", /^Every production primary has a read replica[^\n]*\n'registration-db'/);
    assert.equal(replica?.getSeverity(), 3);
    assert.equal(replica?.getPolicypackname(), "readiness-guard");
  });

  it("follows Configure: levels, disabled policies and settings", async () => {
    const h = harness();
    await h.configure({ "cloudsql-cross-region-replica": [2, {}], "cmek-required": [0, { types: [] }], "kms-key-hygiene": [3, {}] });
    assert.equal(h.configured.length, 1);
    const key = { ...cryptoKey("k"), opts: { protect: false } };
    const { diags } = await h.analyzeStack([sqlPrimary("db"), mutate(bucketless(), "x", 1), key]);
    assert.ok(!diags.some((d) => d.getPolicyname() === "cloudsql-cross-region-replica"), "disabled");
    assert.ok(!diags.some((d) => d.getPolicyname() === "cmek-required"), "settings applied");
    assert.equal(diags.find((d) => d.getPolicyname() === "kms-key-hygiene")?.getEnforcementlevel(), 1, "remediate reports as mandatory");
    await h.configure({ "kms-key-hygiene": [0, {}] });
    const again = await h.analyzeStack([key]);
    assert.equal(again.diags.find((d) => d.getPolicyname() === "kms-key-hygiene")?.getEnforcementlevel(), 0);
  });

  it("encodes the response byte for byte as google-protobuf does", () => {
    const diag = (over: Partial<WireDiagnostic>): WireDiagnostic => ({
      policyName: "cmek-required",
      policyPackName: "readiness-guard",
      policyPackVersion: "0.1.0",
      description: "Data is encrypted with customer-managed keys.",
      message: "'db' (gcp:sql/databaseInstance:DatabaseInstance): no CMEK",
      enforcementLevel: 1,
      urn: "urn:pulumi:prod::readiness::gcp:sql/databaseInstance:DatabaseInstance::db",
      severity: 3,
      ...over,
    });
    const cases: WireDiagnostic[][] = [
      [],
      [diag({})],
      // Defaults omitted (empty strings, advisory level, no severity), non-ASCII text, a message over 127 and 16,383 bytes.
      [diag({ enforcementLevel: 0, severity: 0, urn: "", policyPackVersion: "" }), diag({ message: "région « europe-west1 » ✓ 😀 ".repeat(7) }), diag({ message: "x".repeat(20_000), enforcementLevel: 3 })],
    ];
    for (const diags of cases) {
      const res = new analyzerPb.AnalyzeResponse();
      res.setDiagnosticsList(
        diags.map((d) => {
          const p = new analyzerPb.AnalyzeDiagnostic();
          p.setPolicyname(d.policyName);
          p.setPolicypackname(d.policyPackName);
          p.setPolicypackversion(d.policyPackVersion);
          p.setDescription(d.description);
          p.setMessage(d.message);
          p.setEnforcementlevel(d.enforcementLevel as analyzerPb.EnforcementLevel);
          p.setUrn(d.urn);
          p.setSeverity(d.severity as analyzerPb.PolicySeverity);
          return p;
        }),
      );
      assert.deepEqual(encodeAnalyzeResponse(diags), Buffer.from(res.serializeBinary()));
    }
  });

  it("answers INTERNAL instead of crashing when a rule's set-up fails", async () => {
    const broken = stackGate({ meta: gateMeta("service-slos"), settings: z.strictObject({}), init: () => Promise.reject(new Error("no parser")), check: () => undefined });
    const { err } = await harness([broken]).analyzeStack([]);
    assert.deepEqual(err, { code: 13, details: "readiness-guard AnalyzeStack failed: no parser" });
  });

  describe("warm-up (fast/warmup.ts)", () => {
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it("encodes requests that decode as google-protobuf's encoding of the same stack does", () => {
      const ring = keyRing();
      const key = { ...cryptoKey("k", ring), parent: ring.urn, opts: { protect: true, parent: ring.urn } };
      const odd: ResourceInput = {
        type: "kubernetes:core/v1:ConfigMap",
        urn: "urn:pulumi:prod::p::kubernetes:core/v1:ConfigMap::odd",
        name: "odd",
        props: { n: -1.5, big: 2 ** 40, t: true, f: false, nil: null, s: "région ✓ 😀", long: "x".repeat(20_000), list: [1, "a", [null, { deep: [] }], {}], secret: SECRET },
        dependencies: [ring.urn, "urn:not-in-the-stack"],
        propertyDependencies: { a: [ring.urn], b: [] },
      };
      for (const stack of [[], [ring, key, odd, sqlPrimary("db", key)], warmUpStack()]) {
        const mine = encodeAnalyzeStackRequest(stack);
        assert.deepEqual(decodeAnalyzeStack(mine), decodeAnalyzeStack(encode(stack)));
      }
      assert.ok(encodeAnalyzeStackRequest([odd]).length > 20_000, "the 20,000-character string needs a 3-byte length and a grown buffer");
      assert.throws(() => encodeAnalyzeStackRequest([{ ...odd, props: { f: () => 1 } }]), /cannot encode a function/);
    });

    it("sends every stack gate through the warm-up stack without an internal error", async () => {
      const stackRules = RULES.filter((r) => r.kind === "stack");
      await initRules(stackRules); // as AnalyzeStack does: the SQL parser for the migration gates
      const findings = run(stackRules, warmUpStack());
      assert.deepEqual(findings.filter((f) => f.kind === "error" || f.kind === "undecided"), []);
      // It reaches the workload, route, key-location and pipeline paths (and the SQL replay, which passes).
      const decided = new Set(findings.map((f) => f.policy));
      for (const gate of ["workload-autoscaling", "gateway-jwt-auth", "kms-key-hygiene", "canary-release"]) assert.ok(decided.has(gate), `${gate} reports on the warm-up stack`);
    });

    it("runs once, after the first Configure or Analyze is answered, and changes no response", async () => {
      let checks = 0;
      const counting = stackGate({ meta: gateMeta("service-slos"), settings: z.strictObject({}), check: () => void checks++ });
      const h = harness([counting], true);
      assert.equal(await h.analyze(), "analyzed", "the Analyze answer does not wait on the warm-up");
      assert.equal(checks, 0, "not before the request is answered");
      await tick();
      await tick();
      assert.equal(checks, 1);
      await h.configure({});
      await h.analyze();
      await tick();
      await tick();
      assert.equal(checks, 1, "once per process");

      const off = harness([counting]);
      await off.configure({});
      await off.analyze();
      await tick();
      await tick();
      assert.equal(checks, 1, "READINESS_GUARD_WARMUP=0 (warmUp: false) turns it off");

      const ring = keyRing();
      const stack = [ring, cryptoKey("k", ring), sqlPrimary("registration-db"), mutate(sqlPrimary("x-db"), "encryptionKeyName", UNKNOWN)];
      const warm = harness(RULES, true);
      await warm.configure({});
      await warm.fast.warmUp();
      const cold = harness();
      await cold.configure({});
      const [a, b] = [await warm.analyzeStack(stack), await cold.analyzeStack(stack)];
      assert.ok(a.diags.length > 0);
      assert.deepEqual(a.diags.map((d) => d.toObject()), b.diags.map((d) => d.toObject()));
    });

    it("never rejects, whatever fails in it", async () => {
      const broken = stackGate({ meta: gateMeta("service-slos"), settings: z.strictObject({}), init: () => Promise.reject(new Error("no parser")), check: () => undefined });
      const h = harness([broken], true);
      const p = h.fast.warmUp();
      assert.equal(await p, undefined);
      assert.equal(h.fast.warmUp(), p, "the same run");
    });
  });
});

function bucketless(): ResourceInput {
  return { type: "gcp:storage/bucket:Bucket", urn: "urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket::b", name: "b", props: { location: "EUROPE-WEST1" } };
}

describe("start-up trim (preload)", () => {
  it("keeps closure serialization out of a process that loads the policy SDK", () => {
    const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
    const preload = require.resolve("../../policypack/src/preload");
    const out = execFileSync(
      process.execPath,
      ["-e", `const p = require(${JSON.stringify(preload)}); require("@pulumi/policy"); console.log(JSON.stringify({ again: p.skipClosureSerialization(), arborist: Object.keys(require.cache).some((k) => k.includes("@npmcli/arborist")) }))`],
      { encoding: "utf8" },
    );
    assert.deepEqual(JSON.parse(out), { again: false, arborist: false });
  });
});
