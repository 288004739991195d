/**
 * Reads a readiness checklist written in Markdown, in the layouts teams use:
 *
 *   - bullets under headings (`### Security` then `- No hardcoded secrets`), seed 000;
 *   - `| Gate | Status | Notes |` tables under headings, seed 001;
 *   - numbered section headings with `- Sign-off: Role, Role` lines and indented sub-items, seed 002;
 *   - GitHub task lists (`- [ ] text`, `- [x] text`): the box is dropped, the report decides it.
 *
 * A line may carry a marker that decides its mapping: `<!-- gate: name[, name] -->` or
 * `<!-- manual -->`. Markers are never part of the line's text.
 *
 * A malformed file is an InputError naming the file and line ("file:12: ...").
 */
import { InputError } from "./state";

export type Marker = { readonly kind: "gates"; readonly gates: readonly string[] } | { readonly kind: "manual" };

export interface ParsedLine {
  /** The line as written, without markers, task box or list bullet. */
  readonly text: string;
  readonly note?: string;
  readonly sub?: readonly string[];
  readonly marker?: Marker;
  /** 1-based line number in the file. */
  readonly lineNo: number;
}

export interface ParsedSection {
  readonly title: string;
  readonly lines: readonly ParsedLine[];
  readonly signOff?: readonly string[];
  readonly lineNo: number;
}

export interface ParsedChecklist {
  readonly title?: string;
  readonly heading?: string;
  readonly intro: string;
  readonly layout: "bullets" | "table";
  readonly sections: readonly ParsedSection[];
  /** The whole checklist's sign-off sentence, if the file states one. */
  readonly signOff?: string;
  /** Roles of a `| Role | Name | Date |` sign-off table. */
  readonly signOffRoles: readonly string[];
}

export class ChecklistFileError extends InputError {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "ChecklistFileError";
  }
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+(.*)$/;
const TASK_BOX = /^\[[ xX]\]\s+/;
const SEPARATOR_ROW = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;
const SIGN_OFF_ITEM = /^sign-?off\s*:\s*(.*)$/i;
const METADATA = /^(status|owner|last updated|companion|version|updated)\s*:/i;

interface MutableSection {
  title: string;
  lineNo: number;
  lines: { text: string; note?: string; sub: string[]; marker?: Marker; lineNo: number; indent: number }[];
  signOff?: string[];
}

/** Splits sign-off roles: "Tech writer, Domain owner", "DBA + SRE", "Legal and Compliance". */
export function splitRoles(s: string): string[] {
  return s
    .split(/\s*(?:,|\+|;|\band\b)\s*/)
    .map((r) => r.trim().replace(/\.$/, ""))
    .filter((r) => r.length > 0);
}

/** Takes the markers out of one line; `text` is the line without any HTML comment. */
function takeMarkers(raw: string, file: string, lineNo: number): { text: string; marker?: Marker } {
  let marker: Marker | undefined;
  let text = "";
  let rest = raw;
  for (;;) {
    const open = rest.indexOf("<!--");
    if (open < 0) {
      text += rest;
      break;
    }
    const close = rest.indexOf("-->", open + 4);
    if (close < 0) throw new ChecklistFileError(file, lineNo, "an HTML comment that is not closed on the same line. Fix: close it with --> (markers are one-line comments).");
    text += rest.slice(0, open);
    const body = rest.slice(open + 4, close).trim();
    const gate = /^gates?\s*:\s*(.*)$/i.exec(body);
    if (gate) {
      const names = (gate[1] ?? "").split(",").map((n) => n.trim()).filter((n) => n.length > 0);
      if (names.length === 0) throw new ChecklistFileError(file, lineNo, "a <!-- gate: --> marker without a gate name. Fix: <!-- gate: name[, name] --> or <!-- manual -->.");
      if (marker) throw new ChecklistFileError(file, lineNo, "more than one marker on the line. Fix: one <!-- gate: a, b --> or one <!-- manual -->.");
      marker = { kind: "gates", gates: names };
    } else if (/^manual$/i.test(body)) {
      if (marker) throw new ChecklistFileError(file, lineNo, "more than one marker on the line. Fix: one <!-- gate: a, b --> or one <!-- manual -->.");
      marker = { kind: "manual" };
    }
    rest = rest.slice(close + 3);
  }
  return marker ? { text, marker } : { text };
}

function cells(row: string): string[] {
  let s = row.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

/** Parses checklist Markdown; `file` is the name errors give. */
export function parseChecklistMarkdown(source: string, file: string): ParsedChecklist {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (text.includes("\u0000")) throw new ChecklistFileError(file, 1, "is not a text file (has a NUL byte).");
  const rows = text.split(/\r\n|\n|\r/);
  let title: string | undefined;
  let heading: string | undefined;
  let intro = "";
  let signOff: string | undefined;
  const signOffRoles: string[] = [];
  const sections: MutableSection[] = [];
  let current: MutableSection | undefined;
  let inSignOffHeading = false;
  let table: { kind: "lines" | "roles"; columns: number; textCol: number; noteCol: number } | undefined;
  let usedTable = false;
  let fence = false;
  let paragraph: string[] = [];

  const endParagraph = () => {
    const p = paragraph.join(" ").replace(/\s+/g, " ").trim();
    paragraph = [];
    if (p === "") return;
    if (/sign-?off\b.*:/i.test(p) && (current !== undefined || sections.length > 0)) signOff = p;
    else if (sections.length === 0 && current === undefined && intro === "" && !METADATA.test(p)) intro = p;
    else if (sections.length === 0 && current?.lines.length === 0 && intro === "" && !METADATA.test(p)) {
      // "## 1. Readiness Gate Checklist" then a paragraph: the heading over the sections.
      heading ??= current.title;
      current = undefined;
      intro = p;
    }
  };

  const closeSection = () => {
    if (current && current.lines.length > 0) sections.push(current);
    else if (current && heading === undefined && sections.length === 0 && !inSignOffHeading) heading = current.title;
    current = undefined;
  };

  for (let i = 0; i < rows.length; i++) {
    const lineNo = i + 1;
    const raw = rows[i] as string;
    if (/^\s*(```|~~~)/.test(raw)) {
      fence = !fence;
      continue;
    }
    if (fence) continue;
    const { text: row, marker } = takeMarkers(raw, file, lineNo);
    if (row.trim() === "") {
      endParagraph();
      if (!row.includes("|")) table = undefined;
      continue;
    }
    const h = HEADING.exec(row);
    if (h) {
      endParagraph();
      table = undefined;
      const t = (h[2] ?? "").trim();
      if ((h[1] ?? "").length === 1 && title === undefined && sections.length === 0 && current === undefined) {
        title = t;
        continue;
      }
      closeSection();
      inSignOffHeading = /^sign-?offs?$/i.test(t);
      if (!inSignOffHeading) current = { title: t, lineNo, lines: [] };
      continue;
    }
    if (row.trimStart().startsWith("|")) {
      endParagraph();
      const c = cells(row);
      const next = rows[i + 1];
      if (table === undefined) {
        if (next === undefined || !SEPARATOR_ROW.test(next)) {
          throw new ChecklistFileError(file, lineNo, "a table row without a header row above it. Fix: start the table with | Gate | Status | Notes | and a |---|---|---| row.");
        }
        const lower = c.map((x) => x.toLowerCase());
        if (inSignOffHeading || lower[0] === "role") {
          table = { kind: "roles", columns: c.length, textCol: 0, noteCol: -1 };
        } else {
          const t = lower.findIndex((x) => ["gate", "item", "check", "line", "requirement", "criterion"].includes(x));
          table = { kind: "lines", columns: c.length, textCol: t < 0 ? 0 : t, noteCol: lower.findIndex((x) => x === "notes" || x === "note") };
        }
        i++; // the separator row
        continue;
      }
      if (c.length !== table.columns) {
        throw new ChecklistFileError(file, lineNo, `a table row with ${c.length} cell${c.length === 1 ? "" : "s"}; the header has ${table.columns}. Fix: one cell per column (write \\| for a | in a cell).`);
      }
      const cellText = (c[table.textCol] ?? "").trim();
      if (table.kind === "roles") {
        if (cellText !== "") signOffRoles.push(cellText);
        continue;
      }
      if (!current) throw new ChecklistFileError(file, lineNo, "a checklist line before any section heading. Fix: put a heading (## Section) above it.");
      if (cellText === "") throw new ChecklistFileError(file, lineNo, "an empty checklist line (the table's first column is empty).");
      const note = table.noteCol >= 0 ? (c[table.noteCol] ?? "").trim() : "";
      usedTable = true;
      current.lines.push({ text: cellText, ...(note ? { note } : {}), sub: [], ...(marker ? { marker } : {}), lineNo, indent: 0 });
      continue;
    }
    table = undefined;
    const li = LIST_ITEM.exec(row);
    if (li) {
      endParagraph();
      const indent = (li[1] ?? "").replace(/\t/g, "    ").length;
      const content = (li[2] ?? "").replace(TASK_BOX, "").trim();
      const so = SIGN_OFF_ITEM.exec(content);
      if (so && indent < 2) {
        if (!current) {
          signOff = content;
          continue;
        }
        current.signOff = splitRoles(so[1] ?? "");
        continue;
      }
      if (inSignOffHeading) continue;
      if (content === "" || content === "[ ]") throw new ChecklistFileError(file, lineNo, "an empty checklist line.");
      if (!current) throw new ChecklistFileError(file, lineNo, "a checklist line before any section heading. Fix: put a heading (## Section) above it.");
      const parent = current.lines[current.lines.length - 1];
      if (indent >= 2) {
        if (!parent || parent.indent >= indent) {
          throw new ChecklistFileError(file, lineNo, "an indented sub-item with no checklist line above it. Fix: unindent it, or put it under a line.");
        }
        if (marker) throw new ChecklistFileError(file, lineNo, "a marker on a sub-item. Fix: put the marker on the line the sub-items belong to.");
        parent.sub.push(content);
        continue;
      }
      current.lines.push({ text: content, sub: [], ...(marker ? { marker } : {}), lineNo, indent });
      continue;
    }
    if (marker) throw new ChecklistFileError(file, lineNo, "a marker outside a checklist line. Fix: put it at the end of a list item or table row.");
    paragraph.push(row.trim());
  }
  if (fence) throw new ChecklistFileError(file, rows.length, "a code block that is not closed.");
  endParagraph();
  closeSection();
  if (sections.length === 0) throw new ChecklistFileError(file, 1, "has no checklist lines. Fix: list them as '- text' or '| text | ⬜ | |' rows under a heading (## Section).");
  const out: ParsedChecklist = {
    intro,
    layout: usedTable ? "table" : "bullets",
    sections: sections.map((s) => ({
      title: s.title,
      lineNo: s.lineNo,
      ...(s.signOff ? { signOff: s.signOff } : {}),
      lines: s.lines.map((l) => ({
        text: l.text.replace(/\s+/g, " ").trim(),
        ...(l.note ? { note: l.note } : {}),
        ...(l.sub.length > 0 ? { sub: l.sub } : {}),
        ...(l.marker ? { marker: l.marker } : {}),
        lineNo: l.lineNo,
      })),
    })),
    signOffRoles,
  };
  return {
    ...out,
    ...(title !== undefined ? { title } : {}),
    ...(heading !== undefined ? { heading } : {}),
    ...(signOff !== undefined ? { signOff } : {}),
  };
}
