/**
 * The access layer's secret handling: show() never renders a secret inside a value it echoes,
 * and secretTexts()/redact() let the engine scrub secret-wrapped plaintext from any message.
 */
import * as assert from "node:assert/strict";
import { ResourceView } from "../../policypack/src/access/resource";
import { StackView } from "../../policypack/src/access/stack";
import { isSecretShaped, redact, secretTexts, show, UNKNOWN } from "../../policypack/src/access/values";
import { secretWrap } from "../property/arbitraries";

const S = "hunter2-Zq9";

describe("robustness: secrets never rendered", () => {
  it("show() redacts a top-level wrapper and the secret flag", () => {
    assert.equal(show(secretWrap(S)), "<secret>");
    assert.equal(show(S, true), "<secret>");
    assert.equal(show("plain"), '"plain"');
  });

  it("show() redacts secrets inside objects and arrays it renders", () => {
    const rendered = show({
      host: "db",
      password: S,
      nested: [{ token: S }, secretWrap(S), { name: "DB_PASSWORD", value: S }, { name: "LOG_LEVEL", value: "info" }],
      ok: true,
      apiKey: null,
    });
    assert.ok(!rendered.includes(S), rendered);
    assert.ok(rendered.includes('"host":"db"'), rendered);
    assert.equal(show([{ name: "LOG_LEVEL", value: "info" }]), '[{"name":"LOG_LEVEL","value":"info"}]');
    assert.ok(rendered.includes('"password":"<secret>"'), rendered);
  });

  it("show() redacts secret-shaped strings: URLs with a password, PEM keys, service-account JSON", () => {
    for (const v of [`postgres://app:${S}@10.0.0.5:5432/app`, `-----BEGIN RSA PRIVATE KEY-----\n${S}`, `{"type":"service_account","private_key":"${S}"}`]) {
      assert.ok(isSecretShaped(v), v);
      assert.equal(show(v), '"<secret>"');
      assert.ok(!show([v]).includes(S));
    }
    for (const v of ["https://runbooks.example.com/x", "postgres://db:5432/app", "user@example.com"]) assert.ok(!isSecretShaped(v), v);
  });

  it("show() still renders unknowns, absent values and long values as before", () => {
    assert.equal(show(undefined), "not set");
    assert.equal(show(UNKNOWN), "<unknown until apply>");
    assert.ok(show("x".repeat(500)).endsWith("..."));
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    assert.equal(show(circular), "[object Object]");
  });

  it("secretTexts() collects wrapped plaintexts (nested, numbers too), not unknowns or short values", () => {
    const props = {
      a: secretWrap(S),
      b: [{ c: secretWrap({ d: "another-secret", e: 123456, f: "ab" }) }],
      g: secretWrap(UNKNOWN),
      h: "not-secret",
    };
    assert.deepEqual([...secretTexts(props)].sort(), ["123456", "another-secret", S].sort());
    const deep: Record<string, unknown> = { v: secretWrap("deep-secret") };
    let cur = deep;
    for (let i = 0; i < 100; i++) cur = { x: cur };
    assert.deepEqual([...secretTexts(cur)], [], "deeper than 64 levels is not walked");
  });

  it("redact() scrubs every occurrence, longest first", () => {
    assert.equal(redact(`found ${S} and ${S}-long`, new Set([S, `${S}-long`])), "found <secret> and <secret>");
    assert.equal(redact("nothing here", new Set()), "nothing here");
    assert.equal(redact("nothing here", new Set(["zzzz"])), "nothing here");
  });

  it("ResourceView and StackView expose the secret texts of their props (cached)", () => {
    const r = { type: "t", urn: "urn:pulumi:s::p::t::a", name: "a", props: { p: secretWrap(S) } };
    const q = { type: "t", urn: "urn:pulumi:s::p::t::b", name: "b", props: { q: secretWrap("other-secret") } };
    const view = new ResourceView(r);
    assert.deepEqual([...view.secretTexts()], [S]);
    assert.equal(view.secretTexts(), view.secretTexts());
    const stack = new StackView([r, q]);
    assert.deepEqual([...stack.secretTexts()].sort(), [S, "other-secret"].sort());
    assert.equal(stack.secretTexts(), stack.secretTexts());
  });
});

describe("robustness: path reading is memoised without sharing state between callers", () => {
  it("splitPath returns the same parts for the same path, and lookups stay independent", async () => {
    const { splitPath, lookup } = await import("../../policypack/src/access/values");
    assert.deepEqual(splitPath("a.b.c"), ["a", "b", "c"]);
    assert.equal(splitPath("a.b.c"), splitPath("a.b.c"), "memoised");
    assert.deepEqual(splitPath(""), []);
    assert.deepEqual(splitPath(["x", 0]), ["x", 0]);
    assert.deepEqual(lookup({ a: { b: { c: 1 } } }, "a.b.c"), { kind: "known", value: 1, secret: false });
    assert.deepEqual(lookup({ a: { b: UNKNOWN } }, "a.b.c"), { kind: "unknown", path: "a.b" });
    for (let i = 0; i < 10_050; i++) splitPath(`p${i}.q`);
    assert.deepEqual(splitPath("p10049.q"), ["p10049", "q"], "past the cache bound, paths still split");
  });

  it("every unknown sentinel is recognised, and ordinary strings of the same length are not", async () => {
    const { isUnknown, UNKNOWN_SENTINELS } = await import("../../policypack/src/access/values");
    for (const s of UNKNOWN_SENTINELS) assert.ok(isUnknown(s));
    assert.ok(!isUnknown("00000000-0000-0000-0000-000000000000"));
    assert.ok(!isUnknown(36));
  });
});
