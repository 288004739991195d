/**
 * The JSON report: the contract other tools rely on (docs/contract.md, "The JSON report").
 *
 *   { "violations": [{ policy, urn, enforcementLevel, severity, message, gate, kind, ... }],
 *     "waived": [{ ..., justification, approver, expires }],
 *     "summary": { result, mandatory, advisory, undecided, waived, byLevel, byPolicy, byService, checklists },
 *     "checklists": [{ service, sections: [{ title, lines: [{ text, status, gates, evidence: [{ urn, ... }] }] }] }],
 *     ... }
 *
 * Sorted and free of timestamps (a date appears only when injected with --today).
 */
import { reportDigest } from "../provenance";
import type { ResourceRef } from "./evaluation";
import { contractCounts, contractStatus, type ChecklistReport, type GateEvidence, type LineReport, type Report } from "./model";

export { CONTRACT_STATUSES, contractStatus, type ContractStatus } from "./model";

interface EvidenceEntry {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  /** "service": a resource of the checklist's service; "stack": a stack-level resource (no service). */
  readonly scope: "service" | "stack";
  readonly service?: string;
  /** The line's gates that checked it. */
  readonly gates: readonly string[];
}

function evidenceOf(l: LineReport): EvidenceEntry[] {
  const byUrn = new Map<string, { ref: ResourceRef; gates: string[] }>();
  for (const e of l.evidence) {
    if (!Array.isArray(e.checked)) continue;
    for (const r of e.checked as readonly ResourceRef[]) {
      const hit = byUrn.get(r.urn) ?? { ref: r, gates: [] };
      if (!hit.gates.includes(e.gate)) hit.gates.push(e.gate);
      byUrn.set(r.urn, hit);
    }
  }
  return [...byUrn.values()]
    .sort((a, b) => (a.ref.urn < b.ref.urn ? -1 : a.ref.urn > b.ref.urn ? 1 : 0))
    .map(({ ref, gates }) => ({
      urn: ref.urn,
      name: ref.name,
      type: ref.type,
      scope: ref.service === undefined ? "stack" : "service",
      ...(ref.service !== undefined ? { service: ref.service } : {}),
      gates,
    }));
}

function gateResult(e: GateEvidence) {
  return {
    gate: e.gate,
    title: e.title,
    status: contractStatus(e.status),
    ran: e.status !== "not-evaluated",
    checked: Array.isArray(e.checked) ? e.checked.length : e.checked === "stack" ? 0 : null,
    findings: e.findings,
    waived: e.waived,
  };
}

function checklistJson(c: ChecklistReport) {
  return {
    service: c.service,
    title: c.title,
    file: c.file,
    ...(c.seed ? { seed: c.seed } : {}),
    layout: c.layout,
    heading: c.heading,
    intro: c.intro,
    signOff: c.signOff,
    counts: contractCounts(c.counts),
    roles: c.roles,
    sections: c.sections.map((s) => ({
      title: s.title,
      ...(s.signOff ? { signOff: s.signOff } : {}),
      lines: s.lines.map((l) => ({
        id: l.id,
        text: l.text,
        status: contractStatus(l.status),
        gates: l.evidence.map((e) => e.gate),
        evidence: evidenceOf(l),
        ...(l.note ? { note: l.note } : {}),
        ...(l.sub ? { sub: l.sub } : {}),
        ...(l.signedBy ? { signedBy: l.signedBy } : {}),
        ...(l.declaration ? { notApplicable: l.declaration } : {}),
        results: l.evidence.map(gateResult),
      })),
    })),
  };
}

export function renderJson(report: Report): string {
  const { violations, waived, summary, checklists, ...rest } = report;
  const body = { violations, waived, summary, ...rest, checklists: checklists.map(checklistJson) };
  // The digest of everything above: `readiness verify` recomputes it (exit 1 when the report was edited).
  return JSON.stringify({ ...body, digest: { algorithm: "sha256", sha256: reportDigest(body) } }, null, 2) + "\n";
}
