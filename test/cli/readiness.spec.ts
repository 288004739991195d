/** The `readiness` command line (in-process) and the helpers of check and audit. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import type { Finding } from "../../policypack/src/engine/run";
import { configInputError, packageRoot, parseToday, relativeToCwd } from "../../cli/audit";
import { compareFindings, configureRequest, defaultProgram, sourceOf } from "../../cli/check";
import type { AnalyzerInfoJson } from "../../cli/analyzer-client";
import { main } from "../../cli/readiness";
import { InputError } from "../../cli/state";
import { AUDIT_CONFIG, EXPORT, ROOT, tmpDir, TODAY } from "./support";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function io(): { stdout: Capture; stderr: Capture; cwd: string } {
  return { stdout: new Capture(), stderr: new Capture(), cwd: ROOT };
}

describe("readiness command line (cli/readiness)", function () {
  this.timeout(120_000);

  it("runs audit and returns its exit code, writing the report to stdout", async () => {
    const o = io();
    assert.equal(await main(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, "--today", TODAY, "--format", "markdown"], o), 1);
    assert.ok(o.stdout.text.startsWith("# Readiness report\n"));
    assert.equal(o.stderr.text, "");
  });

  it("prints help and version with exit 0, and usage errors exit 2", async () => {
    const h = io();
    assert.equal(await main(["--help"], h), 0);
    assert.match(h.stdout.text, /Usage: readiness \[options\] \[command\]/);
    assert.match(h.stdout.text, /check \[options\]/);
    const v = io();
    assert.equal(await main(["--version"], v), 0);
    assert.match(v.stdout.text, /^\d+\.\d+\.\d+\n$/);
    const u = io();
    assert.equal(await main(["audit", "--bogus"], u), 2);
    assert.match(u.stderr.text, /unknown option '--bogus'/);
    const f = io();
    assert.equal(await main(["audit", "--state", EXPORT, "--format", "pdf"], f), 2);
    assert.match(f.stderr.text, /Allowed choices are text, json, sarif, junit, markdown, html/);
  });

  it("exits 2 on bad input with one line, and 3 when the check itself fails (the pack does not start)", async () => {
    const bad = io();
    assert.equal(await main(["check", "--program", "nope.js"], bad), 2);
    assert.equal(bad.stderr.text, "readiness: nope.js: no such program module. Fix: run `npm run build` first, or pass --program <compiled module>.\n");
    // Inside the package, so that the pack resolves @pulumi/pulumi as a real pack does.
    const pack = fs.mkdtempSync(path.join(ROOT, "build", "brokenpack-"));
    fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.writeFileSync(path.join(pack, "package.json"), JSON.stringify({ name: "broken", version: "1.0.0", main: "index.js" }));
    fs.writeFileSync(path.join(pack, "index.js"), 'throw new Error("pack failed to load");\n');
    const o = io();
    let code: number;
    try {
      code = await main(
      [
        "check",
        "--program",
        "build/test/fixtures/programs/small-stack.js",
        "--project-dir",
        "test/fixtures/programs",
        "--stack",
        "test",
        "--config",
        "test/fixtures/programs/check-config.json",
        "--pack",
        pack,
        "--out-dir",
        "",
      ],
      o,
      );
    } finally {
      fs.rmSync(pack, { recursive: true, force: true });
    }
    assert.equal(code, 3);
    assert.match(o.stderr.text, /^readiness: policy pack exited with code \d+ before printing its port: .*\n$/);
    assert.equal(o.stderr.text.split("\n").length, 2, "one line");
  });
});

describe("check helpers (cli/check)", () => {
  const info: AnalyzerInfoJson = {
    name: "readiness-guard",
    version: "1.0.0",
    description: "",
    supportsConfig: true,
    policies: [
      {
        name: "a",
        displayName: "A",
        description: "",
        enforcementLevel: "mandatory",
        policyType: 1,
        severity: 3,
        tags: [],
        remediationSteps: "",
        url: "",
        configSchema: { properties: { limit: { type: "number", default: 5 }, names: { type: "array", default: ["x"] }, waivers: { type: "array" } }, required: [] },
      },
      { name: "b", displayName: "B", description: "", enforcementLevel: "advisory", policyType: 2, severity: 1, tags: [], remediationSteps: "", url: "" },
      { name: "c", displayName: "C", description: "", enforcementLevel: "mandatory", policyType: 2, severity: 1, tags: [], remediationSteps: "", url: "" },
    ],
  };

  it("configures every policy like the CLI (pkg/resource/analyzer/config.go): level from the file, else `all`, else the policy's; schema defaults filled; `all` forwarded", () => {
    assert.deepEqual(configureRequest(info, { a: { limit: 9, waivers: [] }, b: "disabled" }), {
      a: { limit: 9, names: ["x"], waivers: [], enforcementLevel: "mandatory" },
      b: { enforcementLevel: "disabled" },
      c: { enforcementLevel: "mandatory" },
    });
    assert.deepEqual(configureRequest(info, { all: "advisory", c: { enforcementLevel: "mandatory" } }), {
      a: { limit: 5, names: ["x"], enforcementLevel: "advisory" },
      b: { enforcementLevel: "advisory" },
      c: { enforcementLevel: "mandatory" },
      all: { enforcementLevel: "advisory" },
    });
    // The object form of `all`, an entry with neither level nor properties (dropped), unknown keys kept for the pack to judge.
    assert.deepEqual(configureRequest(info, { all: { enforcementLevel: "disabled" }, a: {}, b: { extra: 1 } }), {
      a: { limit: 5, names: ["x"], enforcementLevel: "disabled" },
      b: { extra: 1, enforcementLevel: "disabled" },
      c: { enforcementLevel: "disabled" },
      all: { enforcementLevel: "disabled" },
    });
    // What the CLI refuses before it starts the pack.
    assert.throws(() => configureRequest(info, { all: "strict" }), /parsing enforcement level for "all": "strict" is not a valid enforcement level/);
    assert.throws(() => configureRequest(info, { a: 3 }), /parsing "a": 3 is not a valid value; must be a string or object/);
    assert.throws(() => configureRequest(info, { a: { enforcementLevel: 1 } }), /parsing enforcement level for "a": 1 is not a valid enforcement level; must be a string/);
    assert.throws(() => configureRequest(info, { a: { limit: "nine" } }), /a: \/limit must be number/);
  });

  it("finds the compiled program Pulumi.yaml names, and the source a compiled module came from", () => {
    assert.equal(defaultProgram(ROOT), path.join(ROOT, "build", "stacks", "index.js"));
    const dir = tmpDir("proj");
    assert.equal(defaultProgram(dir), path.join(dir, "build", "stacks", "index.js"), "no Pulumi.yaml");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: src/app.ts\n");
    assert.equal(defaultProgram(dir), path.join(dir, "build", "src", "app.js"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: infra\n");
    assert.equal(defaultProgram(dir), path.join(dir, "build", "infra", "index.js"));
    assert.equal(sourceOf(path.join(ROOT, "build", "stacks", "index.js"), dir, ROOT), path.join(ROOT, "stacks", "index.ts"));
    assert.equal(sourceOf(path.join(ROOT, "build", "nothing.js"), ROOT), path.join(ROOT, "build", "nothing.js"));
  });

  it("compares the pack's findings with the in-process ones by policy, level and message", () => {
    const f = (policy: string, message: string, kind: Finding["kind"] = "violation"): Finding => ({ policy, kind, level: "mandatory", severity: "high", message });
    assert.deepEqual(compareFindings([f("a", "x"), f("b", "y", "undecided")], [f("a", "x"), f("b", "y", "undecided")]), []);
    assert.deepEqual(compareFindings([f("a", "x"), f("a", "x")], [f("a", "x"), f("c", "z")]), [
      "reported by the pack only: a [mandatory] x",
      "found in-process only: c [mandatory] z",
    ]);
  });
});

describe("audit helpers (cli/audit)", () => {
  it("parses --today, and reads the clock otherwise", () => {
    assert.deepEqual(parseToday("2026-11-23"), { today: new Date("2026-11-23T12:00:00Z"), date: "2026-11-23" });
    const now = new Date("2030-01-01T00:00:00Z");
    assert.deepEqual(parseToday(undefined, () => now), { today: now });
    for (const bad of ["2026-13-01", "23/11/2026", "2026-02-29"]) assert.throws(() => parseToday(bad), InputError);
  });

  it("turns unusable config entries into one line of bad input, but keeps waiver problems as findings", () => {
    const f = (message: string): Finding => ({ policy: "p", kind: "config", level: "mandatory", severity: "high", message });
    assert.equal(configInputError("c.json", [f("invalid pack config at p.waivers[0].expires: expired")]), undefined);
    const e = configInputError("c.json", [f("invalid pack config at p.minTier: bad"), f("invalid pack config at q: bad"), f("invalid pack config at r: bad")]);
    assert.equal(e?.message, "c.json: p.minTier: bad (and 2 more problems)");
  });

  it("locates the package root and shows paths relative to the working directory", () => {
    assert.equal(packageRoot(), ROOT);
    assert.equal(packageRoot("/"), "/");
    assert.equal(relativeToCwd("test/x.json", ROOT), "test/x.json");
    assert.equal(relativeToCwd("/elsewhere/x.json", ROOT), "/elsewhere/x.json");
  });
});
