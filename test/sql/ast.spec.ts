/** Parse-tree helpers: they never throw on missing fields. */
import * as assert from "node:assert/strict";
import type { Node, TypeName } from "libpg-query";
import { kindOf, listItems, nodeAs, qualified, relName, str, strings, typeKey, typeQualified, typeWritten } from "../../policypack/src/sql/ast";

const s = (sval: string): Node => ({ String: { sval } });

describe("sql/ast", () => {
  it("nodeAs and kindOf tolerate missing and odd nodes", () => {
    assert.equal(nodeAs(undefined, "String"), undefined);
    assert.equal(nodeAs(null as unknown as Node, "String"), undefined);
    assert.equal(nodeAs("x" as unknown as Node, "String"), undefined);
    assert.equal(nodeAs(s("a"), "Integer"), undefined);
    assert.equal(str(s("a")), "a");
    assert.equal(kindOf(undefined), undefined);
    assert.equal(kindOf(null as unknown as Node), undefined);
    assert.equal(kindOf(s("a")), "String");
  });

  it("strings, listItems", () => {
    assert.deepEqual(strings(undefined), []);
    assert.deepEqual(strings([s("a"), { Integer: { ival: 1 } }, s("b")]), ["a", "b"]);
    assert.deepEqual(listItems(undefined), []);
    assert.deepEqual(listItems({ List: {} }), []);
    assert.deepEqual(listItems({ List: { items: [s("a")] } }), [s("a")]);
    assert.deepEqual(listItems(s("a")), [s("a")]);
  });

  it("relName and qualified fill the default schema", () => {
    assert.equal(relName({ relname: "t" }, "public"), "public.t");
    assert.equal(relName({ schemaname: "s", relname: "t" }, "public"), "s.t");
    assert.equal(relName(undefined, "public"), "public.");
    assert.equal(qualified(["t"], "app"), "app.t");
    assert.equal(qualified(["db", "s", "t"], "app"), "s.t");
    assert.equal(qualified([], "app"), "app.");
  });

  it("typeKey, typeWritten and typeQualified normalize Postgres' internal names", () => {
    const t = (names: string[], extra: Partial<TypeName> = {}): TypeName => ({ names: names.map(s), ...extra });
    assert.equal(typeKey(t(["pg_catalog", "int8"])), "bigint");
    assert.equal(typeKey(t(["pg_catalog", "float8"], { arrayBounds: [{ Integer: { ival: -1 } }] })), "double precision[]");
    assert.equal(typeKey(t(["app", "micros"])), "micros");
    assert.equal(typeKey(undefined), undefined);
    assert.equal(typeKey(t([])), undefined);
    assert.equal(typeWritten(t(["pg_catalog", "numeric"], { typmods: [{ A_Const: { ival: { ival: 12 } } }, { A_Const: { ival: {} } }] })), "numeric(12,0)");
    assert.equal(typeWritten(t(["pg_catalog", "numeric"], { typmods: [{ ColumnRef: {} }], arrayBounds: [{ Integer: {} }] })), "numeric(?)[]");
    assert.equal(typeWritten(undefined), "unknown");
    assert.equal(typeQualified(t(["app", "micros"]), "public"), "app.micros");
    assert.equal(typeQualified(t(["micros"]), "public"), "public.micros");
  });
});
