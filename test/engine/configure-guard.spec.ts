import * as assert from "node:assert/strict";
import { configFromRequest, configureProblems, installConfigureGuard, rejectionMessage } from "../../policypack/src/engine/configure-guard";
import { RULES } from "../../policypack/src/gates";

function request(entries: [string, number, Record<string, unknown> | undefined][]) {
  return {
    getPolicyconfigMap: () => ({
      entries: () =>
        entries.map(([k, level, props]): [string, { getEnforcementlevel: () => number; getProperties: () => { toJavaScript: () => Record<string, unknown> } | undefined }] => [
          k,
          { getEnforcementlevel: () => level, getProperties: () => (props ? { toJavaScript: () => props } : undefined) },
        ]),
    }),
  };
}

describe("configure guard", () => {
  it("reads a Configure request as the config file format", () => {
    assert.deepEqual(configFromRequest(request([["data-residency", 1, { allowedRegions: ["europe-west1"] }], ["cmek-required", 9, undefined]])), {
      "data-residency": { allowedRegions: ["europe-west1"], enforcementLevel: "mandatory" },
      "cmek-required": { enforcementLevel: "advisory" },
    });
  });

  it("reads the `all` entry the CLI forwards (pkg/resource/analyzer/config.go applyConfig) as no policy, and accepts both file forms of `all`", () => {
    const req = request([["all", 0, {}], ["data-residency", 0, {}]]);
    assert.deepEqual(configFromRequest(req), { "data-residency": { enforcementLevel: "advisory" } });
    assert.deepEqual(configureProblems(configFromRequest(req), RULES), []);
    assert.deepEqual(configureProblems({ all: "advisory" }, RULES), []);
    assert.deepEqual(configureProblems({ all: { enforcementLevel: "mandatory" } }, RULES), []);
    assert.deepEqual(configureProblems({ all: { enforcementLevel: "strict" } }, RULES).map((p) => p.path), ["all"]);
    assert.deepEqual(configureProblems({ all: { enforcementLevel: "advisory", minTier: "x" } }, RULES).map((p) => p.path), ["all"]);
  });

  it("finds unknown policies and bad settings, not waiver problems", () => {
    const p = configureProblems({ nope: {}, "data-residency": { allowedRegions: "x", waivers: [{}] } }, RULES);
    assert.deepEqual(p.map((x) => x.path), ["nope", "data-residency.allowedRegions"]);
    assert.match(rejectionMessage(p), /\(2 problems\):\n  - nope: unknown policy/);
    assert.match(rejectionMessage(p.slice(0, 1)), /\(1 problem\)/);
  });

  it("wraps only the configure handler, and rejects with INVALID_ARGUMENT", () => {
    let registered: Record<string, unknown> = {};
    class Server {
      addService(_s: unknown, impl: Record<string, unknown>) {
        registered = impl;
      }
    }
    const grpc = { Server, status: { INVALID_ARGUMENT: 3 } };
    installConfigureGuard(grpc, RULES);
    const other = () => 1;
    new Server().addService({}, { analyze: other });
    assert.equal(registered["analyze"], other);
    let inner = 0;
    new Server().addService({}, { analyze: other, configure: (_c: unknown, cb: (e: unknown) => void) => { inner++; cb(null); } });
    const configure = registered["configure"] as (call: unknown, cb: (e: unknown) => void) => void;
    let err: { code?: number; details?: string } | null = null;
    configure({ request: request([["data-residency", 1, { allowedRegion: [] }]]) }, (e) => (err = e as typeof err));
    assert.equal(inner, 0);
    assert.equal((err as unknown as { code: number }).code, 3);
    configure({ request: request([["data-residency", 1, {}]]) }, (e) => (err = e as typeof err));
    assert.equal(inner, 1);
    assert.equal(err, null);
    configure({ request: { getPolicyconfigMap: () => { throw new Error("boom"); } } }, (e) => (err = e as typeof err));
    assert.match((err as unknown as { details: string }).details, /\(request\): could not be read: boom/);
  });
});
