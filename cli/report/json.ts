/**
 * The JSON report: the contract other tools rely on.
 *
 *   { "violations": [{ policy, urn, enforcementLevel, severity, message, gate, kind, ... }],
 *     "waived": [{ ..., justification, approver, expires }],
 *     "summary": { result, mandatory, advisory, undecided, waived, byLevel, byPolicy, byService, checklists },
 *     ... }
 *
 * Sorted and free of timestamps (a date appears only when injected with --today).
 */
import type { Report } from "./model";

export function renderJson(report: Report): string {
  const { violations, waived, summary, ...rest } = report;
  return JSON.stringify({ violations, waived, summary, ...rest }, null, 2) + "\n";
}
