/**
 * Authoring aid for gate examples (not part of the suite): fills each violating case whose
 * `expect` still holds a placeholder (`message: ""`) with the findings the gate gives today, so a
 * new case is written as stack + title and its whole messages are reviewed, not typed.
 * Cases with real expectations are never touched.
 *
 *   npm run build && node build/test/support/fill-examples.js <gate-name> [...]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initRules } from "../../policypack/src/engine/rule";
import { RULES } from "../../policypack/src/gates";
import type { GateExamples } from "./examples";
import { run } from "./fixtures";

/** The index just past the bracket that closes the one opening at `open`, skipping string literals. */
function closing(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === "\\") i++;
      continue;
    }
    if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error("unbalanced brackets");
}

async function fill(name: string): Promise<void> {
  const rule = RULES.find((r) => r.gate === name);
  if (!rule) throw new Error(`no gate ${name}`);
  await initRules([rule]);
  const ex = (require(path.join(__dirname, "../../policypack/src/gates", name, "examples")) as { default: GateExamples }).default;
  const file = path.resolve(__dirname, "../../../policypack/src/gates", name, "examples.ts");
  let src = fs.readFileSync(file, "utf8");
  let from = src.indexOf("violating:");
  for (const c of ex.violating) {
    const at = src.indexOf("expect: [", from);
    if (at < 0) throw new Error(`${name}: fewer 'expect: [' than violating cases`);
    const open = at + "expect: ".length;
    const end = closing(src, open);
    if (src.slice(open, end).includes('message: ""')) {
      const got = run(rule, c.stack(structuredClone(ex.baseline())), c.config ? { [rule.gate]: c.config } : {}, c.facts).filter((f) => f.policy === name);
      const items = got.map((f) => {
        const parts = [f.name === undefined ? "" : `name: ${JSON.stringify(f.name)}, `, f.kind === "violation" ? "" : `kind: ${JSON.stringify(f.kind)}, `];
        return `{ ${parts.join("")}message: ${JSON.stringify(f.message)} }`;
      });
      const text = `[${items.join(", ")}]`;
      src = src.slice(0, open) + text + src.slice(end);
      from = open + text.length;
    } else from = end;
  }
  fs.writeFileSync(file, src);
  console.log(`${name}: filled`);
}

void (async () => {
  for (const name of process.argv.slice(2)) await fill(name);
})();
