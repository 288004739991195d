import * as assert from "node:assert/strict";
import {
  asArray,
  asBoolean,
  asNumber,
  asRecord,
  containsUnknown,
  isMultiRegion,
  isUnknown,
  isUnknownAt,
  lookup,
  nameFromUrn,
  regionOf,
  ResourceView,
  show,
  StackView,
  T,
  typeFromUrn,
  UNKNOWN_SENTINELS,
  secretWrapper,
  unwrapSecrets,
  effectiveLocation,
  describeSource,
} from "../../policypack/src/access";
import { stackFactsFromEnv } from "../../policypack/src/facts";
import { res, UNKNOWN, urnOf } from "../support/fixtures";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };

describe("access layer", () => {
  it("knows exactly the policy SDK's unknown sentinels", () => {
    const proxy = require("@pulumi/policy/proxy") as Record<string, string>;
    const sdk = [
      proxy["unknownBooleanValue"],
      proxy["unknownNumberValue"],
      proxy["unknownStringValue"],
      proxy["unknownArrayValue"],
      proxy["unknownAssetValue"],
      proxy["unknownArchiveValue"],
      proxy["unknownObjectValue"],
    ];
    assert.deepEqual([...UNKNOWN_SENTINELS].sort(), [...sdk].sort());
  });

  it("looks up paths in three states, opening secrets", () => {
    const o = { a: { b: [1, { c: UNKNOWN }] }, n: null, s: SECRET };
    assert.deepEqual(lookup(o, "a.b.0"), { kind: "known", value: 1, secret: false });
    assert.deepEqual(lookup(o, ["a", "b", 1, "c"]), { kind: "unknown", path: "a.b.1.c" });
    assert.deepEqual(lookup(o, "a.b.1.c.d"), { kind: "unknown", path: "a.b.1.c" });
    assert.deepEqual(lookup(o, "a.b.x"), { kind: "absent" });
    assert.deepEqual(lookup(o, "n.x"), { kind: "absent" });
    assert.deepEqual(lookup(o, "a.b.0.x"), { kind: "absent" });
    assert.deepEqual(lookup(o, "s"), { kind: "known", value: "hunter2", secret: true });
    assert.deepEqual(secretWrapper("hunter2"), SECRET, "the wrapper the warm-up stack builds is the engine's");
    assert.deepEqual(lookup(o, "toString"), { kind: "absent" }, "no prototype keys");
    assert.deepEqual(lookup(o, ""), { kind: "known", value: o, secret: false });
    for (const p of ["a.b.0", "a.b.1.c", "a.b.1.c.d", "a.b.x", "n.x", "s", "toString", ""]) {
      assert.equal(isUnknownAt(o, p), lookup(o, p).kind === "unknown", p);
      assert.equal(new ResourceView({ type: "t", urn: "u", name: "n", props: o }).unknown(p), lookup(o, p).kind === "unknown", p);
    }
  });

  it("coerces values defensively", () => {
    assert.equal(asNumber("7"), 7);
    assert.equal(asNumber(" "), undefined);
    assert.equal(asNumber("x"), undefined);
    assert.equal(asNumber(NaN), undefined);
    assert.equal(asNumber(UNKNOWN), undefined);
    assert.equal(asBoolean("true"), true);
    assert.equal(asBoolean("false"), false);
    assert.equal(asBoolean(1), undefined);
    assert.deepEqual(asArray("x"), []);
    assert.deepEqual(asRecord([1]), {});
    assert.ok(containsUnknown({ a: [{ b: UNKNOWN }] }));
    assert.ok(!containsUnknown({ a: [1] }));
    assert.ok(isUnknown("1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"));
    assert.deepEqual(unwrapSecrets({ a: [SECRET] }), { a: ["hunter2"] });
  });

  it("shows values for messages, never secrets", () => {
    assert.equal(show(SECRET), "<secret>");
    assert.equal(show("x", true), "<secret>");
    assert.equal(show(undefined), "not set");
    assert.equal(show(UNKNOWN), "<unknown until apply>");
    assert.equal(show("a".repeat(300)).length, 120);
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    assert.equal(show(cyclic), "[object Object]");
    assert.equal(show(10n), "10");
  });

  it("computes regions and multi-regions", () => {
    assert.equal(regionOf("europe-west1-b"), "europe-west1");
    assert.equal(regionOf("EUROPE-WEST1"), "europe-west1");
    assert.equal(regionOf("eu"), "eu");
    assert.ok(isMultiRegion("EU"));
    assert.ok(!isMultiRegion("europe-west1"));
    assert.equal(effectiveLocation("unknown:type", { zone: "europe-west1-c" }, {}, undefined).kind, "known");
    assert.equal(effectiveLocation("unknown:type", { region: UNKNOWN }, {}, undefined).kind, "unknown");
    assert.equal(effectiveLocation(T.sqlInstance, {}, { region: UNKNOWN }, "x").kind, "unknown");
    assert.equal(describeSource({ kind: "absent" }), "");
  });

  it("derives the region of Compute instances from their zone, and of Cloud Run v1 and Cloud Functions from their own fields", () => {
    const regions = (type: string, props: unknown, provider: unknown = {}, stack?: string) => {
      const l = effectiveLocation(type, props, provider, stack);
      return l.kind === "known" ? [l.regions, l.field, l.source] : l.kind;
    };
    assert.deepEqual(regions(T.computeInstance, { zone: "us-central1-a" }), [["us-central1"], "zone", "resource"]);
    assert.deepEqual(regions(T.instanceFromTemplate, { zone: "europe-west1-b" }), [["europe-west1"], "zone", "resource"]);
    // No zone of its own: the provider's zone, then the stack's gcp:region (a Pulumi default).
    assert.deepEqual(regions(T.computeInstance, {}, { zone: "us-east1-c" }), [["us-east1"], "zone", "provider"]);
    assert.deepEqual(regions(T.computeInstance, {}, {}, "us-central1"), [["us-central1"], "gcp:region", "stack-config"]);
    assert.deepEqual(regions(T.regionInstanceTemplate, { region: "europe-west4" }), [["europe-west4"], "region", "resource"]);
    assert.deepEqual(regions(T.cloudRunV1Service, { location: "us-central1" }), [["us-central1"], "location", "resource"]);
    assert.deepEqual(regions(T.functionV1, { region: "us-central1" }), [["us-central1"], "region", "resource"]);
    assert.deepEqual(regions(T.functionV2, { location: "europe-west1" }), [["europe-west1"], "location", "resource"]);
    assert.equal(regions(T.computeInstance, { zone: UNKNOWN }), "unknown");
  });

  it("reads labels from every place resources keep them, and the service", () => {
    const k = new ResourceView(res(T.deployment, "api", { metadata: { labels: { "app.kubernetes.io/part-of": "config", n: 1 }, annotations: { a: "b", n: 2 }, namespace: "svc", name: "api-x" } }));
    assert.equal(k.ownService(), "config");
    assert.deepEqual(k.annotations(), { a: "b" });
    assert.equal(k.namespace(), "svc");
    assert.equal(k.k8sName(), "api-x");
    assert.equal(k.labels(), k.labels(), "cached");
    const g = new ResourceView(res(T.sqlInstance, "db", { settings: { userLabels: { service: "registration" } } }));
    assert.equal(g.ownService(), "registration");
    const none = new ResourceView({ type: "t", urn: "u", name: "n", props: null as unknown as Record<string, unknown> });
    assert.equal(none.ownService(), undefined);
    assert.equal(none.namespace(), "default");
    assert.equal(none.k8sName(), "n");
    assert.equal(none.display(), "'n' (t)");
    assert.ok(none.is("t"));
  });

  it("makes a stack whose workloads carry no service label one service named after the project", () => {
    const api = res(T.deployment, "api", {});
    const pipeline = res(T.deployPipeline, "pipe", {});
    const db = res(T.sqlInstance, "db", {});
    const other = res(T.slo, "slo", { userLabels: { service: "billing" } });
    const root = { type: "pulumi:pulumi:Stack", urn: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", name: "shop-prod", props: {} };
    const provider = { type: "pulumi:providers:gcp", urn: "urn:pulumi:prod::shop::pulumi:providers:gcp::default", name: "default", props: {} };
    const shop = (r: ReturnType<typeof res>) => ({ ...r, urn: r.urn.replace("::readiness::", "::shop::") });
    const s = new StackView([root, provider, shop(api), shop(pipeline), shop(db), shop(other)]);
    assert.equal(s.implicitService(), "shop");
    const of = (urn: string) => s.serviceOf(s.byUrn(urn) as ResourceView);
    assert.deepEqual([of(root.urn), of(provider.urn), of(shop(api).urn), of(shop(pipeline).urn), of(shop(db).urn), of(shop(other).urn)], [undefined, undefined, "shop", "shop", "shop", "billing"]);
    assert.deepEqual([...s.services().keys()].sort(), ["billing", "shop"]);
    // A labelled workload: the labels decide, nothing is implicit.
    const labelled = new StackView([api, db, res(T.deployment, "b", { metadata: { labels: { "app.kubernetes.io/part-of": "billing" } } })]);
    assert.equal(labelled.implicitService(), undefined);
    assert.equal(labelled.serviceOf(labelled.byUrn(api.urn) as ResourceView), undefined);
    // Nothing serves (a platform stack): no service. URNs without a project: none either.
    assert.equal(new StackView([db]).implicitService(), undefined);
    assert.equal(new StackView([{ ...api, urn: "api" }]).implicitService(), undefined);
  });

  it("indexes the stack, inherits services from parents, and follows dependencies", () => {
    const chart = res(T.helmChartV4, "chart", { metadata: { labels: { "app.kubernetes.io/part-of": "registration" } } });
    const child = res(T.deployment, "api", {}, { parent: chart.urn });
    const grandchild = res(T.hpa, "hpa", {}, { opts: { parent: child.urn } });
    const key = res(T.kmsCryptoKey, "k", {});
    const db = res(T.sqlInstance, "db", {}, { dependencies: [key.urn] });
    const db2 = res(T.sqlInstance, "db2", {}, { propertyDependencies: { encryptionKeyName: [] }, dependencies: [key.urn] });
    const s = new StackView([chart, child, grandchild, key, db, db2]);
    assert.equal(s.serviceOf(s.byUrn(grandchild.urn) as ResourceView), "registration");
    assert.equal(s.serviceOf(s.byUrn(db.urn) as ResourceView), undefined);
    assert.equal(s.serviceOf(s.byUrn(db.urn) as ResourceView), undefined, "cached miss");
    assert.deepEqual([...s.services().keys()], ["registration"]);
    assert.equal(s.serviceResources("registration", T.hpa).length, 1);
    assert.equal(s.serviceResources("registration").length, 3);
    assert.equal(s.serviceResources("nope").length, 0);
    assert.equal(s.ofType(T.sqlInstance, T.kmsCryptoKey).length, 3);
    assert.deepEqual(s.ofType(T.kmsCryptoKey, T.sqlInstance), [...s.ofType(T.kmsCryptoKey), ...s.ofType(T.sqlInstance)], "in the order of the types asked");
    assert.equal(s.ofType(T.sqlInstance, T.kmsCryptoKey), s.ofType(T.sqlInstance, T.kmsCryptoKey), "built once per stack and list");
    assert.equal(s.ofType("none").length, 0);
    assert.equal(s.dependsOnType(s.byUrn(db.urn) as ResourceView, "encryptionKeyName", T.kmsCryptoKey)?.name, "k");
    assert.equal(s.dependsOnType(s.byUrn(db2.urn) as ResourceView, "encryptionKeyName", T.kmsCryptoKey), undefined);
  });

  it("parses URNs", () => {
    const urn = urnOf(T.deployment, "api", T.helmChartV4);
    assert.equal(typeFromUrn(urn), T.deployment);
    assert.equal(nameFromUrn(urn), "api");
    assert.equal(typeFromUrn("nope"), undefined);
    assert.equal(nameFromUrn("nope"), "nope");
  });

  it("reads the stack's gcp:region from PULUMI_CONFIG", () => {
    assert.deepEqual(stackFactsFromEnv({ PULUMI_CONFIG: '{"gcp:region":"europe-west1"}' }), { gcpRegion: "europe-west1" });
    assert.deepEqual(stackFactsFromEnv({ PULUMI_CONFIG: "{" }), {});
    assert.deepEqual(stackFactsFromEnv({ PULUMI_CONFIG: '{"gcp:region":""}' }), {});
    assert.deepEqual(stackFactsFromEnv({}), {});
  });
});
