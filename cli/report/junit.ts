/**
 * JUnit XML for CI dashboards: one test suite per policy, one test case per finding.
 *
 * Mandatory violations (and config problems) are failures; advisory and undecided findings are
 * passing cases whose system-out carries the message; waived findings are skipped with the waiver;
 * a policy without findings is one passing case when it checked at least one resource, else one
 * skipped case saying there is no evidence; a policy that did not run is one skipped case.
 */
import { nameFromUrn, typeFromUrn } from "../../policypack/src/access/resource";
import type { Report, ReportFinding, WaivedFinding } from "./model";

export function xmlEscape(s: string): string {
  return (
    s
      // characters XML 1.0 does not allow at all
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join("");
}

function caseName(f: ReportFinding | WaivedFinding): string {
  return f.urn ? `${typeFromUrn(f.urn) ?? "resource"}: ${nameFromUrn(f.urn)}` : "stack";
}

interface Case {
  name: string;
  body: string;
  failure: boolean;
  skipped: boolean;
}

export function renderJunit(report: Report): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const p of report.policies) {
    const mine = report.violations.filter((v) => v.policy === p.name);
    const waived = report.waived.filter((v) => v.policy === p.name);
    const cases: Case[] = [];
    const names = new Map<string, number>();
    const unique = (n: string) => {
      const k = (names.get(n) ?? 0) + 1;
      names.set(n, k);
      return k === 1 ? n : `${n} #${k}`;
    };
    for (const f of mine) {
      const detail = `${f.message}${f.urn ? `\nURN: ${f.urn}` : ""}${f.service ? `\nService: ${f.service}` : ""}`;
      if ((f.kind === "violation" || f.kind === "config") && f.enforcementLevel === "mandatory") {
        cases.push({
          name: unique(caseName(f)),
          body: `<failure${attrs({ type: f.kind === "config" ? "config" : "mandatory", message: f.message.split("\n")[0] ?? "" })}>${xmlEscape(detail)}</failure>`,
          failure: true,
          skipped: false,
        });
      } else {
        const label = f.kind === "violation" ? "advisory" : f.kind;
        cases.push({ name: unique(caseName(f)), body: `<system-out>${xmlEscape(`[${label}] ${detail}`)}</system-out>`, failure: false, skipped: false });
      }
    }
    for (const w of waived) {
      const msg = `waived until ${w.expires} by ${w.approver}: ${w.justification}`;
      cases.push({ name: unique(caseName(w)), body: `<skipped${attrs({ message: msg })}/>`, failure: false, skipped: true });
    }
    if (cases.length === 0) {
      // A policy passes only on evidence: one that checked no resource is skipped with the reason.
      const noEvidence =
        p.checkedResources === undefined
          ? "no evidence: the input does not say which resources the policy checked; the checklist line needs sign-off"
          : "no evidence: the policy checked no resource of this stack; the checklist line needs sign-off";
      cases.push(
        !p.evaluated
          ? { name: "not evaluated", body: `<skipped${attrs({ message: "the policy did not run (disabled or not in this pack version); the checklist line needs sign-off" })}/>`, failure: false, skipped: true }
          : (p.checkedResources ?? 0) > 0
            ? { name: "no violations", body: `<system-out>${xmlEscape(`checked ${p.checkedResources ?? 0} resource${p.checkedResources === 1 ? "" : "s"}`)}</system-out>`, failure: false, skipped: false }
            : { name: "no evidence", body: `<skipped${attrs({ message: noEvidence })}/>`, failure: false, skipped: true },
      );
    }
    const f = cases.filter((c) => c.failure).length;
    const s = cases.filter((c) => c.skipped).length;
    tests += cases.length;
    failures += f;
    skipped += s;
    const props = [
      `<property${attrs({ name: "severity", value: p.severity })}/>`,
      `<property${attrs({ name: "enforcementLevel", value: p.level })}/>`,
      ...p.gate.map((g) => `<property${attrs({ name: "checklist", value: `${g.checklist} (${g.service}) ${g.section}: ${g.line}` })}/>`),
    ];
    const classname = `${report.tool.name}.${p.name}`;
    suites.push(
      `  <testsuite${attrs({ name: classname, tests: cases.length, failures: f, errors: 0, skipped: s })}>\n` +
        `    <properties>\n${props.map((x) => `      ${x}`).join("\n")}\n    </properties>\n` +
        cases
          .map((c) =>
            c.body
              ? `    <testcase${attrs({ classname, name: c.name })}>\n      ${c.body}\n    </testcase>`
              : `    <testcase${attrs({ classname, name: c.name })}/>`,
          )
          .join("\n") +
        "\n  </testsuite>",
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites${attrs({ name: `${report.tool.name} (${report.source.kind}: ${report.source.file})`, tests, failures, errors: 0, skipped })}>\n` +
    suites.join("\n") +
    `\n</testsuites>\n`
  );
}
