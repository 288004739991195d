/** Migration sets from ConfigMap data: naming, order, pairing, problems. */
import * as assert from "node:assert/strict";
import { UNKNOWN } from "../../policypack/src/access/values";
import { migrationSet, parseKey } from "../../policypack/src/sql/migration-set";

const entries = (data: Record<string, unknown>) => Object.entries(data).map(([key, value]) => ({ key, value, source: "cm" }));

describe("sql/migration-set", () => {
  it("orders by numeric version, then name, and pairs up with down", () => {
    const set = migrationSet(
      entries({
        "10_late.up.sql": "SELECT 10;",
        "9_early.down.sql": "SELECT -9;",
        "9_early.up.sql": "SELECT 9;",
        "0011_b.up.sql": "SELECT 11;",
        "0011_a.up.sql": "SELECT 11;",
        "notes.txt": "ignored",
      }),
    );
    assert.deepEqual(
      set.migrations.map((m) => [m.id, m.version, m.up?.key, m.down?.key]),
      [
        ["9_early", 9n, "9_early.up.sql", "9_early.down.sql"],
        ["10_late", 10n, "10_late.up.sql", undefined],
        ["0011_a", 11n, "0011_a.up.sql", undefined],
        ["0011_b", 11n, "0011_b.up.sql", undefined],
      ],
    );
    assert.deepEqual(
      set.problems.map((p) => [p.kind, p.key]),
      [["duplicate-version", "0011_b.up.sql"]],
    );
  });

  it("records unknown values, odd values and badly named keys", () => {
    const set = migrationSet(entries({ "0001_a.up.sql": UNKNOWN, "0002_b.up.sql": 7, "V3__c.sql": "SELECT 1;", "0004_d.UP.sql": "" }));
    assert.deepEqual(set.unknownKeys, ["0001_a.up.sql"]);
    assert.equal(set.migrations[0]?.up?.text, undefined);
    assert.deepEqual(
      set.problems.map((p) => [p.kind, p.key]),
      [
        ["not-text", "0002_b.up.sql"],
        ["bad-name", "V3__c.sql"],
        ["bad-name", "0004_d.UP.sql"],
      ],
    );
  });

  it("parseKey", () => {
    assert.deepEqual(parseKey("0003_add-index.v2.down.sql"), { version: 3n, id: "0003_add-index.v2", direction: "down" });
    assert.equal(parseKey("0003.up.sql"), undefined);
    assert.equal(parseKey("_x.up.sql"), undefined);
  });
});
