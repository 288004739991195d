/**
 * The memoisation added for speed gives what a fresh computation gives: container views shared by
 * both container lists, env read once per container, replays shared only by identical SQL, short
 * strings decoded right whatever the cache holds, per-settings verdicts.
 */
import * as assert from "node:assert/strict";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as fc from "fast-check";
import { Workload } from "../../policypack/src/access/k8s";
import { effectiveLocation } from "../../policypack/src/access/location";
import { T } from "../../policypack/src/access/tokens";
import { UNKNOWN } from "../../policypack/src/access/values";
import { evaluate } from "../../policypack/src/engine/evaluate";
import { cloudsqlHardening } from "../../policypack/src/gates/cloudsql-hardening/gate";
import { gatewayJwtAuth } from "../../policypack/src/gates/gateway-jwt-auth/gate";
import { gatewayTenantRateLimit } from "../../policypack/src/gates/gateway-tenant-rate-limit/gate";
import { sqlPrimary } from "../fixtures/gcp";
import { ResourceView, typeFromUrn } from "../../policypack/src/access/resource";
import { decodeAnalyzeStack } from "../../policypack/src/engine/fast/decode";
import { memoByObject } from "../../policypack/src/memo";
import { isMoneyName, settings as moneySettings } from "../../policypack/src/gates/migrations-money-bigint/gate";
import { secretLookingName, secretShape } from "../../policypack/src/lib/secrets";
import { loadParserOnce } from "../../policypack/src/sql/parser";
import { clearReplayCache, replay } from "../../policypack/src/sql/replay";
import { deployment, gateway, ingress } from "../fixtures/k8s";
import { upMigrations } from "../fixtures/sql/configmaps";

const ups = upMigrations;

describe("caches give what a fresh computation gives", () => {
  before(async () => {
    await loadParserOnce();
  });

  it("one Workload per view; both container lists share the container views; env and envFrom read once", () => {
    const input = deployment("registration");
    const view = new ResourceView(input);
    const w = Workload.of(view) as Workload;
    assert.equal(Workload.of(view), w);
    assert.notEqual(Workload.of(new ResourceView(input)), w, "a new view gets its own workload");
    assert.equal(Workload.of(new ResourceView({ ...input, type: "kubernetes:core/v1:Service" })), undefined);
    const all = w.containers().list;
    const main = w.containers({ init: false }).list;
    assert.ok(all.length > main.length, "the fixture has an init container");
    assert.deepEqual(main, all.filter((c) => !c.init));
    main.forEach((c, i) => assert.equal(c, all[i], "the same view object"));
    const c = main[0];
    assert.ok(c);
    assert.equal(w.env(c), w.env(c));
    assert.equal(w.envFrom(c), w.envFrom(c));
    assert.ok(w.env(c).list.length > 0);
  });

  it("a replay is shared by identical SQL only: another text, an unknown text or other keys replay again", () => {
    clearReplayCache();
    const a = replay(ups({ "0001_a.up.sql": "CREATE TABLE t (id int);" }));
    assert.equal(replay(ups({ "0001_a.up.sql": "CREATE TABLE t (id int);" })), a, "same keys and texts: shared");
    const b = replay(ups({ "0001_a.up.sql": "CREATE TABLE u (id int);" }));
    assert.notEqual(b, a);
    assert.deepEqual([...b.tables.keys()], ["public.u"]);
    const unknown = replay(ups({ "0001_a.up.sql": undefined }));
    const empty = replay(ups({ "0001_a.up.sql": "" }));
    assert.notEqual(unknown, empty, "unknown until apply is not the empty file");
    assert.notEqual(replay(ups({ "0002_a.up.sql": "CREATE TABLE t (id int);" })), a, "other keys");
    // Two files whose texts, concatenated, equal one file's text are not the same migrations.
    const two = replay(ups({ "0001_a.up.sql": "CREATE TABLE t (id int);", "0002_b.up.sql": "CREATE TABLE v (id int);" }));
    assert.deepEqual([...two.tables.keys()].sort(), ["public.t", "public.v"]);
    // More variants of one key set than a key keeps: the oldest is replayed again, still right.
    for (let i = 0; i < 10; i++) replay(ups({ "0001_a.up.sql": `CREATE TABLE t${i} (id int);` }));
    const again = replay(ups({ "0001_a.up.sql": "CREATE TABLE t (id int);" }));
    assert.notEqual(again, a);
    assert.deepEqual([...again.tables.keys()], ["public.t"]);
  });

  it("the wire decoder's short strings: non-ASCII, 32 and 33 bytes, many distinct values, repeated keys", () => {
    const strings = ["é", "ü".repeat(16), "a".repeat(32), "a".repeat(33), "europe-west1", "europe-west4", "😀", ""];
    for (let i = 0; i < 9000; i++) strings.push(`k${i}`);
    const props = Object.fromEntries(strings.map((s, i) => [s || "empty", { v: s, i }]));
    const req = new analyzerPb.AnalyzeStackRequest();
    const res = new analyzerPb.AnalyzerResource();
    res.setType("t:m:T");
    res.setUrn("urn:pulumi:s::p::t:m:T::x");
    res.setName("x");
    res.setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]));
    res.setOptions(new analyzerPb.AnalyzerResourceOptions());
    req.setResourcesList([res, res]);
    const [a, b] = decodeAnalyzeStack(Buffer.from(req.serializeBinary()));
    assert.deepEqual(a?.props, props);
    assert.deepEqual(b?.props, props);
  });

  it("memoByObject: one answer per object, undefined answers kept too", () => {
    let calls = 0;
    const f = memoByObject((o: { n?: number }) => (calls++, o.n));
    const [a, b] = [{ n: 1 }, {}];
    assert.equal(f(a), 1);
    assert.equal(f(b), undefined);
    assert.equal(f(a), 1);
    assert.equal(f(b), undefined);
    assert.equal(calls, 2);
    assert.equal(f({ n: 1 }), 1);
    assert.equal(calls, 3, "another object with the same content is another key");
  });

  it("per-name and per-settings verdicts", () => {
    const s = moneySettings.parse({});
    assert.equal(isMoneyName("amount_micros", s), true);
    assert.equal(isMoneyName("amount_micros", s), true);
    assert.equal(isMoneyName("amount_micros", moneySettings.parse({ moneyWords: ["price"] })), false, "other settings, other verdict");
    assert.equal(secretLookingName("DB_PASSWORD"), true);
    assert.equal(secretLookingName("DB_PASSWORD"), true);
    assert.equal(secretLookingName("DB_PASSWORD_FILE"), false);
    const urn = "urn:pulumi:prod::p::my:mod:Parent$gcp:sql/user:User::u";
    assert.equal(typeFromUrn(urn), "gcp:sql/user:User");
    assert.equal(typeFromUrn(urn), "gcp:sql/user:User");
    assert.equal(typeFromUrn("not-a-urn"), undefined);
    assert.equal(typeFromUrn("not-a-urn"), undefined);
  });

  it("label(key) is labels()[key], across the five label maps and their precedence", () => {
    const labelValue = fc.oneof(fc.constantFrom("a", "b", "", UNKNOWN), fc.integer(), fc.constant(null), fc.boolean());
    const labelMap = fc.option(fc.dictionary(fc.constantFrom("service", "app.kubernetes.io/part-of", "team", "x"), labelValue), { nil: undefined });
    fc.assert(
      fc.property(labelMap, labelMap, labelMap, labelMap, labelMap, (labels, userLabels, settings, meta, template) => {
        const props = { labels, userLabels, settings: { userLabels: settings }, metadata: { labels: meta }, template: { labels: template } };
        const view = new ResourceView({ type: "t", urn: "u", name: "n", props });
        const all = view.labels();
        for (const k of ["service", "app.kubernetes.io/part-of", "team", "x", "absent", "toString"]) {
          assert.equal(view.label(k), Object.prototype.hasOwnProperty.call(all, k) ? all[k] : undefined, k);
        }
        assert.equal(view.ownService(), view.label("app.kubernetes.io/part-of") || view.label("service") || undefined);
      }),
    );
  });

  it("ResourceView.memo() keeps one value per key and view, for any number of keys", () => {
    const view = new ResourceView({ type: "t", urn: "u", name: "n", props: {} });
    const other = new ResourceView({ type: "t", urn: "u2", name: "n", props: {} });
    const keys = [{ name: "a" }, { name: "b" }, { name: "c" }];
    let builds = 0;
    for (let round = 0; round < 2; round++) {
      keys.forEach((k, i) => assert.equal(view.memo(k, () => (builds++, `${k.name}${i}`)), `${k.name}${i}`));
    }
    assert.equal(builds, 3, "each key built once");
    assert.equal(other.memo(keys[1] as { name: string }, () => "other"), "other", "per view");
    assert.equal(view.memo({ name: "a" }, () => "fresh"), "fresh", "keys are compared by identity, not by name");
    const nothing = new ResourceView({ type: "t", urn: "u3", name: "n", props: {} });
    assert.equal(nothing.memo(keys[0] as { name: string }, () => null), null);
    assert.equal(nothing.memo(keys[0] as { name: string }, () => "again"), null, "a null value is kept too");
    // A build that memoises another value on the same view keeps both.
    const nested = new ResourceView({ type: "t", urn: "u4", name: "n", props: {} });
    const [outer, inner] = [{ name: "outer" }, { name: "inner" }];
    assert.equal(nested.memo(outer, (v) => `outer+${v.memo(inner, () => "inner")}`), "outer+inner");
    assert.equal(nested.memo(inner, () => "rebuilt"), "inner");
    assert.equal(nested.memo(outer, () => "rebuilt"), "outer+inner");
  });

  it("evaluate() reuses a preparation only for the same rules, the same plain config and the same day", () => {
    const H = "cloudsql-hardening";
    const zonal = { ...sqlPrimary(), props: { ...sqlPrimary().props, settings: { ...(sqlPrimary().props["settings"] as object), availabilityType: "ZONAL" } } };
    const rules = [cloudsqlHardening];
    const waiver = { resource: zonal.name, justification: "Regional HA is being rolled out in Q1", approver: "sre.lead@example.com", expires: "2026-12-01" };
    const config = { [H]: { waivers: [waiver] } };
    const day = (d: string) => ({ today: new Date(`${d}T00:00:00Z`) });
    const first = evaluate(rules, [zonal], config, day("2026-11-24"));
    const again = evaluate(rules, [zonal], JSON.parse(JSON.stringify(config)) as typeof config, day("2026-11-24"));
    assert.equal(again.prepared[0], first.prepared[0], "same JSON, same day: prepared once");
    assert.deepEqual(first.findings.map((f) => f.kind), ["waived"]);
    const later = evaluate(rules, [zonal], config, day("2026-12-02"));
    assert.notEqual(later.prepared[0], first.prepared[0]);
    assert.deepEqual(later.findings.map((f) => f.kind).sort(), ["config", "violation"], "the next day the waiver has expired (and says so)");
    const other = evaluate([...rules], [zonal], config, day("2026-11-24"));
    assert.notEqual(other.prepared[0], first.prepared[0], "another rule list");
    // A value whose JSON is that of a valid config but which does not parse as one is never cached.
    const disguised = { toJSON: () => waiver.expires };
    assert.deepEqual(evaluate(rules, [zonal], config, day("2026-11-24")).findings.map((f) => f.kind), ["waived"]);
    const f = evaluate(rules, [zonal], { [H]: { waivers: [{ ...waiver, expires: disguised }] } }, day("2026-11-24")).findings;
    assert.ok(f.some((x) => x.kind === "config" && x.message.includes("expires")), "an expiry that only serialises as a date is a config problem");
  });

  it("location() read once per view is what a fresh read gives", () => {
    const input = { type: T.bucket, urn: "u", name: "b", props: { location: "EU" }, provider: { type: "pulumi:providers:gcp", props: { region: "europe-west4" } } };
    const view = new ResourceView(input, { gcpRegion: "europe-west1" });
    assert.deepEqual(view.location(), effectiveLocation(T.bucket, input.props, input.provider.props, "europe-west1"));
    assert.equal(view.location(), view.location());
  });

  it("the gateway gates share route sets only for the same Kong classes", () => {
    const other = { ...ingress("billing"), props: { ...ingress("billing").props, spec: { ...(ingress("billing").props["spec"] as object), ingressClassName: "nginx" } } };
    const stack = [...gateway("registration"), ingress("config", "none"), other];
    const today = new Date("2026-11-24T00:00:00Z");
    const config = { "gateway-jwt-auth": { kongIngressClasses: ["kong"] }, "gateway-tenant-rate-limit": { kongIngressClasses: ["kong", "nginx"] } };
    const together = evaluate([gatewayJwtAuth, gatewayTenantRateLimit], stack, config, { today }).findings;
    const alone = [
      ...evaluate([gatewayJwtAuth], stack, { "gateway-jwt-auth": config["gateway-jwt-auth"] }, { today }).findings,
      ...evaluate([gatewayTenantRateLimit], stack, { "gateway-tenant-rate-limit": config["gateway-tenant-rate-limit"] }, { today }).findings,
    ];
    assert.deepEqual(together, alone);
    assert.ok(together.some((f) => f.policy === "gateway-jwt-auth" && f.message.includes("'billing-ingress'") && f.message.includes("nginx")), "billing is not Kong for jwt-auth");
    assert.ok(together.some((f) => f.policy === "gateway-tenant-rate-limit" && f.message.includes("'billing-ingress'") && !f.message.includes("ingress class")), "billing is Kong for rate-limit");
  });

  it("the secret-shape length gate keeps the shortest shapes: a 15-character Slack token, a short URL password, password=", () => {
    assert.equal(secretShape("xoxb-1234567890"), "an access token");
    assert.equal(secretShape("a://u:p@h"), "a connection string with an embedded password");
    assert.equal(secretShape("password=hunter"), "a connection string with an embedded password");
    assert.equal(secretShape("xoxb-123456789"), undefined, "14 characters: no shape is that short");
  });
});
