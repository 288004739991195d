/**
 * The memoisation added for speed gives what a fresh computation gives: container views shared by
 * both container lists, env read once per container, replays shared only by identical SQL, short
 * strings decoded right whatever the cache holds, per-settings verdicts.
 */
import * as assert from "node:assert/strict";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Workload } from "../../policypack/src/access/k8s";
import { ResourceView, typeFromUrn } from "../../policypack/src/access/resource";
import { decodeAnalyzeStack } from "../../policypack/src/engine/fast/decode";
import { isMoneyName, moneySettings } from "../../policypack/src/policies/migrations";
import { secretLookingName } from "../../policypack/src/policies/workloads";
import { loadParserOnce } from "../../policypack/src/sql/parser";
import { clearReplayCache, replay } from "../../policypack/src/sql/replay";
import { deployment } from "../fixtures/k8s";
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
});
