/**
 * READINESS_GUARD_FAST_STACK: the pack's composition root (policypack/src/index.ts), loaded in a
 * child process with the gRPC server's addService and bindAsync stubbed (nothing listens), shows
 * which AnalyzeStack it registers: the one-pass one by default, the policy SDK's own handler,
 * untouched, with READINESS_GUARD_FAST_STACK=0.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { fastStackEnabled } from "../../policypack/src/engine/fast/analyze-stack";

const ROOT = path.resolve(__dirname, "../../..");
const INDEX = require.resolve("../../policypack/src/index");

interface Registered {
  /** The AnalyzeStack method definition is the SDK's (google-protobuf request and response). */
  readonly sdkMethod: boolean;
  /** The AnalyzeStack handler is the one the SDK passed to addService. */
  readonly sdkHandler: boolean;
  readonly configureGuarded: boolean;
}

/** What the pack registers on its gRPC server, with `env` added to the environment. */
function registered(env: Readonly<Record<string, string>>): Registered {
  const script = `
const { createRequire } = require("node:module");
const sdk = createRequire(require.resolve("@pulumi/policy"));
const grpc = sdk("@grpc/grpc-js");
const { AnalyzerService } = sdk("@pulumi/pulumi/proto/analyzer_grpc_pb");
const server = sdk("@pulumi/policy/server");
const serverProto = grpc.Server.prototype; // not "proto": google-protobuf's generated code uses a global of that name
serverProto.bindAsync = () => {};
// Innermost: what reaches the gRPC server once every wrapper of the pack has run.
let sdkImpl;
serverProto.addService = function (service, impl) {
  process.stdout.write(JSON.stringify({
    sdkMethod: service.analyzeStack === AnalyzerService.analyzeStack,
    sdkHandler: impl.analyzeStack === sdkImpl.analyzeStack,
    configureGuarded: impl.configure !== sdkImpl.configure,
  }));
};
// Outermost, added when the SDK starts serving: what the SDK itself registers.
const serve = server.serve;
server.serve = function (...args) {
  const chain = serverProto.addService;
  serverProto.addService = function (service, impl) {
    sdkImpl = impl;
    return chain.call(this, service, impl);
  };
  return serve.apply(this, args);
};
require(${JSON.stringify(INDEX)});
process.exit(0);
`;
  const out = execFileSync(process.execPath, ["-e", script], { cwd: path.join(ROOT, "policypack"), env: { ...process.env, ...env }, encoding: "utf8" });
  return JSON.parse(out) as Registered;
}

describe("READINESS_GUARD_FAST_STACK (the fast path's switch)", function () {
  this.timeout(60_000);

  it("reads the variable: only '0' turns the fast path off", () => {
    assert.equal(fastStackEnabled({}), true);
    assert.equal(fastStackEnabled({ READINESS_GUARD_FAST_STACK: "1" }), true);
    assert.equal(fastStackEnabled({ READINESS_GUARD_FAST_STACK: "" }), true);
    assert.equal(fastStackEnabled({ READINESS_GUARD_FAST_STACK: "0" }), false);
  });

  it("the pack serves AnalyzeStack itself by default, and leaves it to the SDK's handler with READINESS_GUARD_FAST_STACK=0", () => {
    assert.deepEqual(registered({ READINESS_GUARD_FAST_STACK: "" }), { sdkMethod: false, sdkHandler: false, configureGuarded: true });
    assert.deepEqual(registered({ READINESS_GUARD_FAST_STACK: "0" }), { sdkMethod: true, sdkHandler: true, configureGuarded: true }, "the SDK's method and handler, unchanged; the configure guard stays");
  });
});
