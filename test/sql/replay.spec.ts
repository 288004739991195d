/** Schema replay over parse trees: the model after the up migrations and the events on the way. */
import * as assert from "node:assert/strict";
import { loadParserOnce } from "../../policypack/src/sql/parser";
import { replay } from "../../policypack/src/sql/replay";
import { upMigrations } from "../fixtures/sql/configmaps";

before(async () => {
  await loadParserOnce();
});

const set = upMigrations;

describe("sql/replay", () => {
  it("skips files whose SQL is unknown, and records files that do not parse", () => {
    const r = replay([...set({ "0001_a.up.sql": undefined, "0002_b.up.sql": "CREATE TABLE (" }), { id: "0003_c", version: 3n }]);
    assert.deepEqual(
      r.files.map((f) => [f.key, f.error?.line]),
      [["0002_b.up.sql", 1]],
    );
  });

  it("columns: types through domains, columns without a type, CTAS from VALUES and joins", () => {
    const r = replay(
      set({
        "0001_a.up.sql": [
          "CREATE DOMAIN app.micros AS bigint;",
          "CREATE TABLE p (id int, tenant_id uuid, price app.micros) PARTITION BY LIST (id);",
          "CREATE TABLE p1 PARTITION OF p (price WITH OPTIONS DEFAULT 0) FOR VALUES IN (1);",
          "CREATE TABLE v AS VALUES (1);",
          "CREATE TABLE j AS SELECT * FROM p, p1;",
          "CREATE TABLE k AS SELECT 1 + 1;",
          "ALTER TABLE p ALTER COLUMN id SET DEFAULT 1, ALTER COLUMN tenant_id TYPE text, ALTER COLUMN missing TYPE int;",
        ].join("\n"),
      }),
    );
    const cols = (t: string) => [...(r.tables.get(t)?.columns.values() ?? [])].map((c) => [c.name, c.type]);
    assert.deepEqual(cols("public.p"), [
      ["id", "integer"],
      ["tenant_id", "text"],
      ["price", "bigint"],
    ]);
    assert.deepEqual(cols("public.p1"), [
      ["id", "integer"],
      ["tenant_id", "uuid"],
      ["price", undefined],
    ]);
    assert.equal(r.tables.get("public.v")?.columnsComplete, true);
    assert.equal(r.tables.get("public.j")?.columnsComplete, false);
    assert.deepEqual(cols("public.k"), []);
    const types = r.events.filter((e) => e.kind === "column-type").map((e) => (e.kind === "column-type" ? `${e.table}.${e.column} ${e.type} ${e.written} ${e.domain ?? ""}` : ""));
    assert.deepEqual(types, [
      "public.p.id integer integer ",
      "public.p.tenant_id uuid uuid ",
      "public.p.price bigint micros app.micros",
      "public.p.tenant_id text text ",
      "public.p.missing integer integer ",
    ]);
  });

  it("policies: commands, restrictive, altered, renamed, dropped", () => {
    const r = replay(
      set({
        "0001_a.up.sql": [
          "CREATE TABLE t (id int, tenant_id uuid);",
          "CREATE POLICY a ON t FOR SELECT USING (true);",
          "CREATE POLICY b ON t AS RESTRICTIVE FOR INSERT WITH CHECK (true);",
          "ALTER POLICY a ON t WITH CHECK (false);",
          "ALTER POLICY a ON t TO PUBLIC;",
          "ALTER POLICY b ON t RENAME TO c;",
          "CREATE POLICY d ON t USING (true); DROP POLICY d ON public.t;",
        ].join("\n"),
      }),
    );
    const t = r.tables.get("public.t");
    assert.deepEqual(
      [...(t?.policies.values() ?? [])].map((p) => [p.name, p.command, p.permissive, p.using !== undefined, p.check !== undefined, p.where.line]),
      [
        ["a", "select", true, true, true, 5],
        ["c", "insert", false, false, true, 3],
      ],
    );
  });

  it("extensions: the first CREATE counts; DROP removes", () => {
    const r = replay(set({ "0001_a.up.sql": "CREATE EXTENSION citext; CREATE EXTENSION IF NOT EXISTS citext;", "0002_b.up.sql": "CREATE EXTENSION pg_trgm; DROP EXTENSION pg_trgm, hstore;" }));
    assert.deepEqual([...r.extensions.entries()].map(([k, v]) => [k, v.where.file, v.order]), [["citext", "0001_a.up.sql", 0]]);
  });
});
