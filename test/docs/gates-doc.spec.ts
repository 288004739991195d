import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { renderGatesDoc } from "../../cli/gen-docs";
import { GATES } from "../../policypack/src/catalog";
import { RULES } from "../../policypack/src/policies";

const ROOT = path.resolve(__dirname, "../../..");

describe("docs/gates.md", () => {
  it("is up to date with the catalog and the rules (run `npm run docs`)", () => {
    const staging = JSON.parse(fs.readFileSync(path.join(ROOT, "policypack/config/staging.json"), "utf8")) as Record<string, unknown>;
    const committed = fs.readFileSync(path.join(ROOT, "docs/gates.md"), "utf8");
    assert.equal(committed, renderGatesDoc(RULES, staging));
  });

  it("has an anchor for every gate (the policies' documentation URLs)", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs/gates.md"), "utf8");
    for (const g of GATES) assert.ok(doc.includes(`\n### ${g.name}\n`), g.name);
  });

  it("names every gate exactly as ../shared/GATES.md when it is present", function () {
    const shared = path.join(ROOT, "../shared/GATES.md");
    if (!fs.existsSync(shared)) this.skip();
    const names = [...fs.readFileSync(shared, "utf8").matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...GATES.map((g) => g.name)].sort(), [...names].sort());
  });
});
