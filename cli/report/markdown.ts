/**
 * The Markdown audit report: each service's readiness checklist laid out like its seed document
 * (bullet lists for 000 and 002, the Gate | Status | Notes tables of 001), every automated line
 * ticked or crossed with the resources and findings behind it, waived lines with justification,
 * approver and expiry, manual lines marked as needing sign-off; then all findings and waivers.
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
  type Summary,
  type WaivedFinding,
  verdict,
} from "./model";

const MAX_LISTED = 12;

/**
 * Escapes text for Markdown (inline and table cells): nothing in it can open a link, an image,
 * HTML, emphasis, a code span or a new table cell or line. Backslash escapes Markdown's
 * punctuation (`[`, `]`, `<`, `|`, ...; an entity only ever gives text), and the autolinks of GitHub Flavored Markdown (`https://…`, `www.…`, `a@b.example`) are broken by an
 * escaped `:`, `.` or `@` (shown as the same character).
 */
export function md(s: string): string {
  return s
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, "\\://")
    .replace(/\b(www)\./gi, "$1\\.")
    .replace(/@/g, "\\@")
    .replace(/\r?\n|\r/g, " ");
}

/**
 * Text as a code span: on one line, a backtick of the text shown as ', and every `|` escaped so a
 * table cell cannot be closed from inside it (GitHub Flavored Markdown unescapes `\|` in table
 * cells before it reads code spans).
 */
function code(s: string): string {
  return "`" + s.replace(/`/g, "'").replace(/\r?\n|\r/g, " ").replace(/\|/g, "\\|") + "`";
}


function statusText(s: LineStatus): string {
  return `${STATUS_LABEL[s].symbol} ${STATUS_LABEL[s].label}`;
}

function checkedText(e: GateEvidence): string {
  if (e.checked === undefined) return NO_EVIDENCE.unknown;
  if (e.checked === "stack") return NO_EVIDENCE.stack;
  if (e.checked.length === 0) return NO_EVIDENCE.none;
  const names = e.checked.slice(0, MAX_LISTED).map((r) => `${code(r.name)} (${md(r.type)}${r.service === undefined ? ", stack-level" : ""})`);
  const more = e.checked.length > MAX_LISTED ? `, and ${e.checked.length - MAX_LISTED} more` : "";
  return `checked ${e.checked.length} resource${e.checked.length === 1 ? "" : "s"}: ${names.join(", ")}${more}`;
}

/** A finding under its checklist line (the message names the resource itself). */
function findingLine(f: ReportFinding): string {
  const sym = f.kind === "undecided" || f.kind === "error" ? "❔" : f.enforcementLevel === "mandatory" ? "❌" : "⚠️";
  return `${sym} [${f.kind === "violation" ? f.enforcementLevel : f.kind}] ${md(f.message)}`;
}

function waivedLine(w: WaivedFinding): string {
  return `🟡 [waived] ${md(w.message)} — **waived** until ${md(w.expires)} by ${md(w.approver)}${w.ticket ? ` (${md(w.ticket)})` : ""}: ${md(w.justification)}`;
}

interface EvidenceItem {
  readonly text: string;
  readonly findings: readonly string[];
}

/** The evidence of a line: one item per gate, with its findings and waivers. */
function evidenceItems(l: LineReport): EvidenceItem[] {
  return l.evidence.map((e) => ({
    text: `${code(e.gate)} ${md(e.title)}: ${statusText(e.status)}${e.status === "not-evaluated" ? " (the policy did not run)" : `; ${checkedText(e)}`}`,
    findings: [...e.findings.map(findingLine), ...e.waived.map(waivedLine)],
  }));
}

function tick(s: LineStatus): string {
  return s === "pass" || s === "signed" ? "[x]" : "[ ]";
}

function bulletChecklist(c: ChecklistReport): string[] {
  const out: string[] = [];
  for (const s of c.sections) {
    out.push(`### ${md(s.title)}`, "");
    for (const l of s.lines) {
      out.push(`- ${tick(l.status)} ${md(l.text)} — ${statusText(l.status)}`);
      for (const sub of l.sub ?? []) out.push(`  - ${md(sub)}`);
      for (const b of l.signedBy ?? []) out.push(`  - signed off by ${md(b.name)} (${md(b.role)}, ${md(b.email)}) on ${md(b.date)}${b.note ? `: ${md(b.note)}` : ""}`);
      if (l.declaration) out.push(`  - declared not applicable until ${md(l.declaration.expires)} by ${md(l.declaration.approver)}: ${md(l.declaration.justification)}`);
      for (const e of evidenceItems(l)) {
        out.push(`  - ${e.text}`);
        for (const f of e.findings) out.push(`    - ${f}`);
      }
    }
    if (s.signOff) out.push(`- Sign-off: ${s.signOff.map(md).join(", ")} — ${statusText("manual")}`);
    out.push("");
  }
  return out;
}

function tableChecklist(c: ChecklistReport): string[] {
  const out: string[] = [];
  for (const s of c.sections) {
    out.push(`### ${md(s.title)}`, "", "| Gate | Status | Notes | Evidence |", "|---|---|---|---|");
    for (const l of s.lines) {
      const ev = evidenceItems(l)
        .flatMap((e) => [e.text, ...e.findings.map((f) => `↳ ${f}`)])
        .join("<br>");
      out.push(`| ${md(l.text)} | ${statusText(l.status)} | ${l.note ? md(l.note) : ""} | ${ev} |`);
    }
    out.push("");
  }
  return out;
}

function countsCells(c: ChecklistReport): string {
  const k = c.counts;
  return [k.pass, k.fail, k.warn, k.undecided, k.waived, k["no-evidence"], k["not-applicable"], k["not-evaluated"], k.manual, k.signed].join(" | ");
}

function provenanceRows(report: Report): string[] {
  const p = report.provenance;
  if (!p) return [];
  return [
    `| Evidence taken | ${md(p.evidenceTime)} (${p.evidenceTimeSource === "manifest" ? "the export's manifest.time" : p.evidenceTimeSource === "SOURCE_DATE_EPOCH" ? "SOURCE_DATE_EPOCH" : "run time"}) |`,
    `| ${p.program ? "Program module" : "Input"} | ${code(p.input.file)} sha256 ${code(p.input.sha256)} |`,
    ...(p.program
      ? [
          `| Program files | ${code(p.program.projectDir)}: ${p.program.files} source file${p.program.files === 1 ? "" : "s"}${p.program.truncated ? " (the first, by path)" : ""}, sha256 ${code(p.program.sha256)} |`,
          ...(p.program.gitCommit ? [`| Git commit | ${code(p.program.gitCommit)} |`] : []),
        ]
      : []),
    ...(p.config ? [`| Config | ${code(p.config.file)} sha256 ${code(p.config.sha256)} |`] : []),
  ];
}

/** "❌ **NOT READY**: counts", "⭕ **not ready**: counts; N checklist lines without evidence" or "✅ **ready**: counts". */
function resultCell(s: Summary): string {
  const v = verdict(s);
  const mark = v.status === "fail" ? "❌" : v.status === "not-ready" ? "⭕" : "✅";
  return `${mark} **${v.label}**: ${countsLine(s)}${v.evidence ? `; ${v.evidence}` : ""}`;
}

export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const src = report.source;
  const kind = src.kind === "preview" ? "preview (Pulumi mocks) of" : src.kind === "state" ? "deployed state in" : "policy events in";
  const out: string[] = [
    "# Readiness report",
    "",
    "| | |",
    "|---|---|",
    `| Source | ${kind} ${code(src.file)}${src.project ? ` (project ${code(src.project)}${src.stack ? `, stack ${code(src.stack)}` : ""})` : ""} |`,
    `| Policy pack | ${md(report.pack.name)} ${md(report.pack.version)} |`,
    `| Tool | ${md(report.tool.name)} ${md(report.tool.version)} |`,
    ...provenanceRows(report),
    `| Resources | ${s.resources} |`,
    ...(report.date ? [`| Evaluated on | ${md(report.date)} |`] : []),
    `| Result | ${resultCell(s)} |`,
    "",
    `Legend: ${(Object.keys(STATUS_LABEL) as LineStatus[]).map(statusText).join(" · ")}`,
    "",
    "## Summary",
    "",
    "| Checklist | ✅ | ❌ | ⚠️ | ❔ | 🟡 | ⭕ | ➖ | ⏸️ | ✍️ | 🖋️ |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...report.checklists.map((c) => `| [${md(c.title)}](#${c.anchor}) | ${countsCells(c)} |`),
    "",
  ];
  for (const c of report.checklists) {
    out.push(`<a id="${c.anchor}"></a>`, "", `## ${md(c.title)}`, "", `**${md(c.heading)}** — ${md(c.intro)}`, "");
    out.push(...(c.layout === "table" ? tableChecklist(c) : bulletChecklist(c)));
    out.push(`_${md(c.signOff)}_ — ${statusText("manual")}`, "");
    if (c.roles.length > 0) {
      out.push("| Role | Name | Date |", "|---|---|---|");
      for (const r of c.roles) out.push(`| ${md(r.role)} | ${r.signedBy ? `${md(r.signedBy.name)} (${md(r.signedBy.email)})` : "TBD"} | ${r.signedBy ? md(r.signedBy.date) : ""} |`);
      out.push("");
    }
  }
  out.push("## All findings", "");
  if (report.violations.length === 0) out.push("None.", "");
  else {
    out.push("| Level | Policy | Resource | Service | Message |", "|---|---|---|---|---|");
    for (const f of report.violations) {
      out.push(`| ${f.kind === "violation" ? f.enforcementLevel : `${f.enforcementLevel} (${f.kind})`} | ${code(f.policy)} | ${f.urn ? code(f.urn) : "stack"}${f.source ? ` at ${code(sourceText(f.source, report.source.root))}` : ""} | ${md(f.service ?? "")} | ${md(f.message)} |`);
    }
    out.push("");
  }
  out.push("## Waivers", "");
  if (report.waived.length === 0) out.push("None.", "");
  else {
    out.push("| Policy | Resource | Justification | Approver | Expires | Ticket |", "|---|---|---|---|---|---|");
    for (const w of report.waived) {
      out.push(`| ${code(w.policy)} | ${w.urn ? code(w.urn) : "stack"} | ${md(w.justification)} | ${md(w.approver)} | ${md(w.expires)} | ${md(w.ticket ?? "")} |`);
    }
    out.push("");
  }
  if (report.notes.length > 0) {
    out.push("## Notes", "", ...report.notes.map((n) => `- ${md(n)}`), "");
  }
  return out.join("\n");
}
