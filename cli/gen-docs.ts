/**
 * Generates docs/gates.md from the gate catalog and the rules' settings schemas, so the catalog is
 * the single source of the pack's metadata, the docs and the report. `npm run docs` rewrites it;
 * a test fails when the committed file is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { GATES, SEEDS, type Gate } from "../policypack/src/catalog";
import { configSchemaOf } from "../policypack/src/engine/schema";
import type { Rule } from "../policypack/src/engine/rule";
import { RULES } from "../policypack/src/gates";

const AREA_TITLES: Readonly<Record<Gate["area"], string>> = {
  "residency-encryption": "Residency and encryption",
  database: "Database",
  migrations: "Migrations",
  workloads: "Workloads",
  "identity-gateway": "Identity and gateway",
  release: "Release",
  "observability-retention": "Observability and retention",
  pack: "Pack",
};

function settingsTable(rule: Rule | undefined, staging: Record<string, unknown>): string[] {
  if (!rule) return ["_Not implemented yet: the gate is listed in the audit report as needing sign-off._", ""];
  const props = configSchemaOf(rule).properties as Record<string, { default?: unknown; description?: string }>;
  const keys = Object.keys(props).filter((k) => k !== "waivers");
  const entry = staging[rule.gate];
  const level = typeof entry === "string" ? entry : (entry as { enforcementLevel?: string } | undefined)?.enforcementLevel;
  const lines = [`Staging: ${level === "disabled" ? "disabled" : level ? `${level}` : "as production"}.`, ""];
  if (keys.length === 0) return [...lines, "No settings besides `enforcementLevel` and `waivers`.", ""];
  lines.push("| setting | production default | staging |", "|---|---|---|");
  for (const k of keys) {
    const st = typeof entry === "object" && entry !== null && k in entry ? JSON.stringify((entry as Record<string, unknown>)[k]) : "=";
    lines.push(`| \`${k}\` | \`${JSON.stringify(props[k]?.default)}\` | ${st === "=" ? "same" : `\`${st}\``} |`);
  }
  lines.push("");
  return lines;
}

export function renderGatesDoc(rules: readonly Rule[], staging: Record<string, unknown>): string {
  const byName = new Map(rules.map((r) => [r.gate as string, r]));
  const out: string[] = [
    "# Gates",
    "",
    "Generated from `policypack/src/catalog.ts` and the rules' settings by `npm run docs`; do not edit by hand.",
    "Names are a contract: a gate is never renamed (see policypack/CHANGELOG.md).",
    "",
    "| gate | kind | level | severity | checklist lines |",
    "|---|---|---|---|---|",
  ];
  for (const g of GATES) {
    const src = g.sources.length === 0 ? "all (none of its own)" : [...new Set(g.sources.map((s) => SEEDS[s.seed].service))].join(", ");
    out.push(`| [\`${g.name}\`](#${g.name}) | ${g.kind} | ${g.level} | ${g.severity} | ${src} |`);
  }
  out.push("");
  for (const area of Object.keys(AREA_TITLES) as Gate["area"][]) {
    const gates = GATES.filter((g) => g.area === area);
    if (gates.length === 0) continue;
    out.push(`## ${AREA_TITLES[area]}`, "");
    for (const g of gates) {
      out.push(`### ${g.name}`, "", `**${g.title}** (${g.kind} policy, ${g.level}, severity ${g.severity})`, "", g.proves, "");
      if (g.sources.length === 0) out.push("Source lines: none of its own; it guards every automated line (a stack is never ready by omission).");
      else out.push("Source lines:", "");
      for (const s of g.sources) out.push(`- ${SEEDS[s.seed].title}, ${s.section}: “${s.line}”`);
      out.push("", `Remediation: ${g.remediation}`, "");
      out.push(...settingsTable(byName.get(g.name), staging));
    }
  }
  return out.join("\n");
}

/* c8 ignore start */
if (require.main === module) {
  const root = path.resolve(__dirname, "../..");
  const staging = JSON.parse(fs.readFileSync(path.join(root, "policypack/config/staging.json"), "utf8")) as Record<string, unknown>;
  fs.writeFileSync(path.join(root, "docs/gates.md"), renderGatesDoc(RULES, staging));
  console.log("wrote docs/gates.md");
}
/* c8 ignore stop */
