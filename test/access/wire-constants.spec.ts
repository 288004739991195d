/**
 * The wire constants of access/values.ts against the SDKs the pack runs with: the secret signature
 * and the string unknown come from @pulumi/pulumi/runtime/rpc.js; the other six unknown sentinels
 * are the engine's, not exported by @pulumi/pulumi, and kept as literals in values.ts: here the
 * policy SDK's own code decides that each of them is an unknown, and unwraps the pack's secret form.
 */
import * as assert from "node:assert/strict";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { isSecretWrapper, isUnknown, secretWrapper, SECRET_SIG, SECRET_VALUE, SIG_KEY, UNKNOWN, UNKNOWN_SENTINELS } from "../../policypack/src/access/values";

/** @pulumi/policy/proxy.js (1.21): the runtime exports its typings leave out. */
interface SdkProxy {
  unknownCheckingProxy<T extends object>(o: T): T;
  UnknownValueError: new (...args: never[]) => Error;
  [name: string]: unknown;
}
interface SdkDeserialize {
  deserializeProperties(s: Struct, proxySecrets: boolean): Record<string, unknown>;
}

const proxy = require("@pulumi/policy/proxy") as SdkProxy;
const deserialize = require("@pulumi/policy/deserialize") as SdkDeserialize;

describe("wire constants (access/values.ts) against the Pulumi SDKs", () => {
  it("takes the secret signature and the string unknown from @pulumi/pulumi's runtime", () => {
    assert.equal(SIG_KEY, rpc.specialSigKey);
    assert.equal(SECRET_SIG, rpc.specialSigKey);
    assert.equal(SECRET_VALUE, rpc.specialSecretSig);
    assert.equal(UNKNOWN, rpc.unknownValue);
    assert.ok(UNKNOWN_SENTINELS.has(rpc.unknownValue));
  });

  it("knows exactly the unknown sentinels the policy SDK throws on", () => {
    assert.equal(UNKNOWN_SENTINELS.size, 7);
    for (const s of UNKNOWN_SENTINELS) {
      assert.ok(isUnknown(s));
      const props = proxy.unknownCheckingProxy({ field: s });
      assert.throws(() => props.field, proxy.UnknownValueError, `the SDK treats ${s} as unknown`);
    }
    const sdkSentinels = Object.keys(proxy)
      .filter((k) => /^unknown[A-Z]\w*Value$/.test(k))
      .map((k) => proxy[k]);
    assert.deepEqual(new Set(sdkSentinels), UNKNOWN_SENTINELS, "the SDK's own list (proxy.js unknown*Value)");
    const lookalike = "04da6b54-80e4-46f7-96ec-b56ff0331ba8";
    assert.equal(isUnknown(lookalike), false);
    assert.equal(proxy.unknownCheckingProxy({ field: lookalike }).field, lookalike);
  });

  it("writes secrets in the form the policy SDK unwraps", () => {
    const wrapped = secretWrapper("hunter2");
    assert.ok(isSecretWrapper(wrapped));
    const props = deserialize.deserializeProperties(Struct.fromJavaScript({ pw: wrapped as Record<string, string> }), false);
    assert.deepEqual(props, { pw: "hunter2" });
  });
});
