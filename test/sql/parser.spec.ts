/** The parser wrapper: lazy loading, statements with lines, errors with line and column, comments. */
import * as assert from "node:assert/strict";
import { clearParseCache, directivesOf, leadingComments, loadParserOnce, once, parseSql, positionOf } from "../../policypack/src/sql/parser";
import { kindOf } from "../../policypack/src/sql/ast";

before(async () => {
  await loadParserOnce();
  await loadParserOnce();
});

describe("sql/parser", () => {
  it("parses statements with their first line, collapsed text and exact source", () => {
    const text = "-- header\n\nCREATE TABLE t (\n  a text DEFAULT 'x  y'\n);\n/* c */ SELECT 1;\nSELECT 'é😀'; SELECT 2";
    const p = parseSql(text);
    assert.ok(p.ok);
    assert.deepEqual(
      p.statements.map((s) => [kindOf(s.node), s.line]),
      [
        ["CreateStmt", 3],
        ["SelectStmt", 6],
        ["SelectStmt", 7],
        ["SelectStmt", 7],
      ],
    );
    assert.equal(p.statements[0]?.text, "CREATE TABLE t ( a text DEFAULT 'x y' )"); // for messages only
    assert.equal(p.statements[0]?.source, "CREATE TABLE t (\n  a text DEFAULT 'x  y'\n)");
    assert.equal(p.statements[3]?.source, "SELECT 2");
    assert.equal(p.lineAt(Buffer.byteLength("-- header\n\nCREATE TABLE t (\n  a")), 4);
    assert.deepEqual(p.comments, ["header"]);
  });

  it("an empty or comment-only file has no statements", () => {
    for (const text of ["", "  \n", "-- nothing\n/* at all */"]) {
      const p = parseSql(text);
      assert.ok(p.ok);
      assert.equal(p.statements.length, 0);
      assert.equal(p.lineAt(10), 1);
    }
  });

  it("a syntax error carries the parser's message, line, column and the line's text", () => {
    const p = parseSql("SELECT 'é😀';\nCREATE TABLE x (a int,, b int);");
    assert.ok(!p.ok);
    assert.equal(p.error.message, 'syntax error at or near ","');
    assert.equal(p.error.line, 2);
    assert.equal(p.error.column, 23);
    assert.equal(p.error.lineText, "CREATE TABLE x (a int,, b int);");
  });

  it("an error at the end of the text points at the last line", () => {
    const p = parseSql("CREATE TABLE x (\n  a int");
    assert.ok(!p.ok);
    assert.equal(p.error.line, 2);
    assert.match(p.error.message, /syntax error at end of input/);
  });

  it("caches by text, evicts the oldest beyond its limit, and can be cleared", () => {
    const a = parseSql("SELECT 42");
    assert.equal(parseSql("SELECT 42"), a);
    for (let i = 0; i < 4100; i++) parseSql(`SELECT ${i} + 1`);
    const b = parseSql("SELECT 42");
    assert.notEqual(b, a, "evicted");
    clearParseCache();
    const c = parseSql("SELECT 42");
    assert.notEqual(c, b);
    assert.ok(b.ok && c.ok);
    assert.deepEqual(c.statements, b.statements);
  });

  it("positionOf counts characters, not UTF-16 units", () => {
    assert.deepEqual(positionOf("a😀b\ncd", 2), { line: 1, column: 3, lineText: "a😀b" });
    assert.deepEqual(positionOf("ab\ncd", 4), { line: 2, column: 2, lineText: "cd" });
    assert.deepEqual(positionOf("ab", 99), { line: 1, column: 3, lineText: "ab" });
  });

  it("leadingComments reads line and nested block comments before the first statement", () => {
    assert.deepEqual(leadingComments("\t-- a\r\n/* b /* nested */ c */\f-- d\nSELECT 1; -- e"), ["a", "b /* nested */ c", "d"]);
    assert.deepEqual(leadingComments("-- only"), ["only"]);
    assert.deepEqual(leadingComments("/* open"), ["open"]);
    assert.deepEqual(leadingComments("SELECT 1"), []);
  });

  it("directivesOf reads 'readiness: <word>' lines, in block comments too", () => {
    assert.deepEqual([...directivesOf(["readiness: contract - drops x", "Readiness:Global", "not readiness: x", " * readiness: expand", "readiness:", "readiness: ,"])], [
      "contract",
      "global",
      "expand",
    ]);
    assert.deepEqual([...directivesOf(["first\n * readiness: contract\n"])], ["contract"]);
  });

  it("once() shares one load and retries after a failure", async () => {
    let calls = 0;
    const flaky = once(async () => {
      calls++;
      if (calls === 1) throw new Error("boom");
      return calls;
    });
    await assert.rejects(flaky(), /boom/);
    assert.equal(await flaky(), 2);
    assert.equal(await flaky(), 2);
    assert.equal(calls, 2);
  });
});
