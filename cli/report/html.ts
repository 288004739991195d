/**
 * The HTML audit report: one self-contained page (inline CSS, no scripts, no external requests),
 * the same content as the Markdown report, for auditors who read it in a browser or print it.
 */
import {
  sourceText,
  countsLine,
  NO_EVIDENCE,
  STATUS_LABEL,
  type ChecklistReport,
  type GateEvidence,
  type LineReport,
  type LineStatus,
  type Report,
  type ReportFinding,
  type WaivedFinding,
  verdict,
} from "./model";

const MAX_LISTED = 12;

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const STYLE = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --soft:#f6f8fa;
  --pass:#1a7f37; --fail:#cf222e; --warn:#9a6700; --undecided:#8250df; --waived:#bc4c00; --na:#59636e; --manual:#0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 12px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; }
code { font: 12px/1.4 "DejaVu Sans Mono", "Liberation Mono", Menlo, monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; }
.meta td:first-child { width: 160px; color: var(--muted); }
.result { display: inline-block; padding: 6px 12px; border-radius: 6px; font-weight: 700; color: #fff; }
.result.fail { background: var(--fail); } .result.pass { background: var(--pass); }
.badge { display: inline-block; min-width: 190px; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; white-space: nowrap; }
.badge.small { min-width: 0; white-space: normal; }
.s-pass { background: var(--pass); } .s-fail { background: var(--fail); } .s-warn { background: var(--warn); }
.s-undecided { background: var(--undecided); } .s-waived { background: var(--waived); } .s-not-applicable { background: var(--na); }
.s-signed { background: var(--manual); }
.s-no-evidence { background: #fff; color: var(--fail); border: 1px dashed var(--fail); }
.s-not-evaluated { background: var(--na); } .s-manual { background: var(--manual); }
ul.lines { list-style: none; padding: 0; margin: 0; }
ul.lines > li { padding: 6px 0; border-bottom: 1px dashed var(--line); }
ul.lines > li .text { font-weight: 500; }
ul.ev { margin: 4px 0 0 22px; padding: 0; color: var(--muted); }
ul.ev li { margin: 2px 0; }
ul.ev ul { margin: 2px 0 0 18px; padding: 0; }
.finding { color: var(--fg); }
.finding.mandatory { border-left: 3px solid var(--fail); padding-left: 6px; }
.finding.advisory { border-left: 3px solid var(--warn); padding-left: 6px; }
.finding.waived { border-left: 3px solid var(--waived); padding-left: 6px; }
.signoff { color: var(--manual); font-style: italic; margin: 6px 0 0; }
.intro { color: var(--muted); }
.counts td, .counts th { text-align: center; } .counts td:first-child, .counts th:first-child { text-align: left; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;

/** Symbols every system font has (colour emoji are often missing on CI machines and servers). */
const SYMBOL: Readonly<Record<LineStatus, string>> = {
  pass: "✓",
  fail: "✗",
  warn: "⚠",
  undecided: "?",
  waived: "◐",
  "no-evidence": "∅",
  "not-applicable": "–",
  "not-evaluated": "○",
  manual: "✍",
  signed: "✒",
};

function badge(s: LineStatus, small = false): string {
  return `<span class="badge${small ? " small" : ""} s-${s}">${SYMBOL[s]} ${esc(STATUS_LABEL[s].label)}</span>`;
}

function checkedHtml(e: GateEvidence): string {
  if (e.checked === undefined) return NO_EVIDENCE.unknown;
  if (e.checked === "stack") return NO_EVIDENCE.stack;
  if (e.checked.length === 0) return NO_EVIDENCE.none;
  const names = e.checked.slice(0, MAX_LISTED).map((r) => `<code>${esc(r.name)}</code>${r.service === undefined ? " (stack-level)" : ""}`);
  const more = e.checked.length > MAX_LISTED ? `, and ${e.checked.length - MAX_LISTED} more` : "";
  return `checked ${e.checked.length} resource${e.checked.length === 1 ? "" : "s"}: ${names.join(", ")}${more}`;
}

/** A finding under its checklist line (the message names the resource itself). */
function findingHtml(f: ReportFinding): string {
  const cls = f.kind === "undecided" || f.kind === "error" ? "undecided" : f.enforcementLevel;
  const label = f.kind === "violation" ? f.enforcementLevel : f.kind;
  return `<li class="finding ${cls}">[${esc(label)}] ${esc(f.message)}</li>`;
}

function waivedHtml(w: WaivedFinding): string {
  return `<li class="finding waived">[waived] ${esc(w.message)}<br><strong>Waived</strong> until ${esc(w.expires)} by ${esc(w.approver)}${w.ticket ? ` (${esc(w.ticket)})` : ""}: ${esc(w.justification)}</li>`;
}

function evidenceHtml(l: LineReport): string {
  if (l.evidence.length === 0) return "";
  const items = l.evidence.map((e) => {
    const inner = [...e.findings.map(findingHtml), ...e.waived.map(waivedHtml)];
    const what = e.status === "not-evaluated" ? " (the policy did not run)" : `; ${checkedHtml(e)}`;
    return `<li><code>${esc(e.gate)}</code> ${esc(e.title)}: ${esc(STATUS_LABEL[e.status].label)}${what}${inner.length ? `<ul>${inner.join("")}</ul>` : ""}</li>`;
  });
  return `<ul class="ev">${items.join("")}</ul>`;
}

function checklistHtml(c: ChecklistReport): string {
  const parts: string[] = [];
  parts.push(`<h2 id="${esc(c.anchor)}">${esc(c.title)}</h2>`);
  parts.push(`<p class="intro"><strong>${esc(c.heading)}</strong>: ${esc(c.intro)}</p>`);
  for (const s of c.sections) {
    parts.push(`<h3>${esc(s.title)}</h3>`);
    if (c.layout === "table") {
      parts.push("<table><thead><tr><th>Gate</th><th>Status</th><th>Notes</th><th>Evidence</th></tr></thead><tbody>");
      for (const l of s.lines) {
        parts.push(`<tr id="${esc(l.id)}"><td>${esc(l.text)}</td><td>${badge(l.status)}</td><td>${esc(l.note ?? "")}</td><td>${evidenceHtml(l)}</td></tr>`);
      }
      parts.push("</tbody></table>");
    } else {
      parts.push(`<ul class="lines">`);
      for (const l of s.lines) {
        const sub = l.sub ? `<ul class="ev">${l.sub.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>` : "";
        parts.push(`<li id="${esc(l.id)}">${badge(l.status)} <span class="text">${esc(l.text)}</span>${sub}${evidenceHtml(l)}</li>`);
      }
      parts.push("</ul>");
      if (s.signOff) parts.push(`<p class="signoff">Sign-off: ${s.signOff.map(esc).join(", ")}: needs sign-off</p>`);
    }
  }
  parts.push(`<p class="signoff">${esc(c.signOff)}</p>`);
  return parts.join("\n");
}

/** The provenance rows of the header table, as in the Markdown report. */
function provenanceRows(report: Report): string[][] {
  const p = report.provenance;
  if (!p) return [];
  const source = p.evidenceTimeSource === "manifest" ? "the export's manifest.time" : p.evidenceTimeSource === "SOURCE_DATE_EPOCH" ? "SOURCE_DATE_EPOCH" : "run time";
  const prog = p.program;
  return [
    ["Evidence taken", `${esc(p.evidenceTime)} (${source})`],
    [prog ? "Program module" : "Input", `<code>${esc(p.input.file)}</code> sha256 <code>${esc(p.input.sha256)}</code>`],
    ...(prog
      ? [
          ["Program files", `<code>${esc(prog.projectDir)}</code>: ${prog.files} source file${prog.files === 1 ? "" : "s"}${prog.truncated ? " (the first, by path)" : ""}, sha256 <code>${esc(prog.sha256)}</code>`],
          ...(prog.gitCommit ? [["Git commit", `<code>${esc(prog.gitCommit)}</code>`]] : []),
        ]
      : []),
    ...(p.config ? [["Config", `<code>${esc(p.config.file)}</code> sha256 <code>${esc(p.config.sha256)}</code>`]] : []),
  ];
}

export function renderHtml(report: Report): string {
  const s = report.summary;
  const src = report.source;
  const kind = src.kind === "preview" ? "preview (Pulumi mocks) of" : src.kind === "state" ? "deployed state in" : "policy events in";
  const rows = [
    ["Source", `${kind} <code>${esc(src.file)}</code>${src.project ? ` (project <code>${esc(src.project)}</code>${src.stack ? `, stack <code>${esc(src.stack)}</code>` : ""})` : ""}`],
    ["Policy pack", `${esc(report.pack.name)} ${esc(report.pack.version)}`],
    ["Tool", `${esc(report.tool.name)} ${esc(report.tool.version)}`],
    ...provenanceRows(report),
    ["Resources", String(s.resources)],
    ...(report.date ? [["Evaluated on", esc(report.date)]] : []),
    ["Result", `<span class="result ${verdict(s).status === "ready" ? "pass" : "fail"}">${verdict(s).label.toUpperCase()}</span> ${esc(countsLine(s))}${verdict(s).evidence ? `; ${esc(verdict(s).evidence)}` : ""}`],
  ];
  const statuses = Object.keys(STATUS_LABEL) as LineStatus[];
  const body: string[] = [
    `<h1>Readiness report</h1>`,
    `<table class="meta"><tbody>${rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join("")}</tbody></table>`,
    `<h2>Summary</h2>`,
    `<table class="counts"><thead><tr><th>Checklist</th>${statuses.map((st) => `<th>${badge(st, true)}</th>`).join("")}</tr></thead><tbody>`,
    ...report.checklists.map(
      (c) => `<tr><td><a href="#${esc(c.anchor)}">${esc(c.title)}</a></td>${statuses.map((st) => `<td>${c.counts[st]}</td>`).join("")}</tr>`,
    ),
    `</tbody></table>`,
    ...report.checklists.map(checklistHtml),
    `<h2>All findings</h2>`,
  ];
  if (report.violations.length === 0) body.push("<p>None.</p>");
  else {
    body.push("<table><thead><tr><th>Level</th><th>Policy</th><th>Resource</th><th>Service</th><th>Message</th></tr></thead><tbody>");
    for (const f of report.violations) {
      body.push(
        `<tr><td>${esc(f.kind === "violation" ? f.enforcementLevel : `${f.enforcementLevel} (${f.kind})`)}</td><td><code>${esc(f.policy)}</code></td><td>${f.urn ? `<code>${esc(f.urn)}</code>` : "stack"}${f.source ? ` at <code>${esc(sourceText(f.source, report.source.root))}</code>` : ""}</td><td>${esc(f.service ?? "")}</td><td>${esc(f.message)}</td></tr>`,
      );
    }
    body.push("</tbody></table>");
  }
  body.push("<h2>Waivers</h2>");
  if (report.waived.length === 0) body.push("<p>None.</p>");
  else {
    body.push("<table><thead><tr><th>Policy</th><th>Resource</th><th>Justification</th><th>Approver</th><th>Expires</th><th>Ticket</th></tr></thead><tbody>");
    for (const w of report.waived) {
      body.push(
        `<tr><td><code>${esc(w.policy)}</code></td><td>${w.urn ? `<code>${esc(w.urn)}</code>` : "stack"}</td><td>${esc(w.justification)}</td><td>${esc(w.approver)}</td><td>${esc(w.expires)}</td><td>${esc(w.ticket ?? "")}</td></tr>`,
      );
    }
    body.push("</tbody></table>");
  }
  if (report.notes.length > 0) body.push(`<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`);
  body.push(`<footer>tool ${esc(report.tool.name)} ${esc(report.tool.version)} · policy pack ${esc(report.pack.name)} ${esc(report.pack.version)}</footer>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Readiness report: ${esc(src.stack ?? src.file)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.join("\n")}
</main>
</body>
</html>
`;
}
