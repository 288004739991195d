/** Renders a report in one format, or writes every format into a directory. */
import * as path from "node:path";
import { writeFileSafely } from "../output";
import { renderHtml } from "./html";
import { renderJson } from "./json";
import { renderJunit } from "./junit";
import { renderMarkdown } from "./markdown";
import type { Report } from "./model";
import { neutralise, safeReport } from "./safe";
import { renderSarif } from "./sarif";
import { renderText, type TextOptions } from "./text";

export const FORMATS = ["text", "json", "sarif", "junit", "markdown", "html"] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

/**
 * Renders a report in one format, through the output layer (./safe.ts): every string redacted of
 * the input's secrets and of secret-shaped text, every control character from input neutralised;
 * each format escapes for its own context.
 */
export function render(unsafe: Report, format: Format, text: TextOptions): string {
  const report = safeReport(unsafe);
  switch (format) {
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report);
    case "junit":
      return renderJunit(report);
    case "markdown":
      return renderMarkdown(report);
    case "html":
      return renderHtml(report);
    default:
      return renderText(report, { ...text, packLocation: neutralise(text.packLocation) });
  }
}

/** The audit reports `check` writes, by file name. */
export const REPORT_FILES: readonly { file: string; format: Format }[] = [
  { file: "readiness.md", format: "markdown" },
  { file: "readiness.html", format: "html" },
  { file: "readiness.sarif", format: "sarif" },
  { file: "readiness.junit.xml", format: "junit" },
  { file: "readiness.json", format: "json" },
];

/** Writes the five report files into `dir` (created if needed; each atomically, see writeFileSafely); returns their paths. */
/** Writes the five reports into `dir`, never onto one of `inputs` (the files the run read). */
export function writeReports(report: Report, dir: string, inputs: readonly string[] = []): string[] {
  return REPORT_FILES.map(({ file, format }) => {
    const p = path.join(dir, file);
    writeFileSafely(p, render(report, format, { packLocation: "" }), { inputs });
    return p;
  });
}
