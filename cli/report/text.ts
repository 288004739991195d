/**
 * Console output, grouped the way `pulumi preview` prints policy violations:
 *
 *   Policies:
 *       ❌ readiness-guard@v0.1.0 (local: policypack)
 *           - [mandatory]  cloudsql-hardening  (gcp:sql/databaseInstance:DatabaseInstance: registration-db)
 *             Cloud SQL hardening
 *             'registration-db' (...): deletion protection is off (found false). Fix: ...
 *             at index.ts:17:12            (where the program declared it, when known)
 *
 * followed by the waived findings (which the engine never shows) and a readiness summary.
 */
import { typeFromUrn, nameFromUrn } from "../../policypack/src/access/resource";
import { gateByName } from "../../policypack/src/catalog";
import { countsLine, sourceText, STATUS_LABEL, verdict, type Report, type ReportFinding, type WaivedFinding } from "./model";

export interface TextOptions {
  /** Where the pack was loaded from, as Pulumi prints it ("local: policypack"). */
  readonly packLocation: string;
}

function subjectOf(f: { urn: string }, report: Report): string {
  if (f.urn === "") {
    const project = report.source.project ?? "project";
    const stack = report.source.stack ?? "stack";
    return `pulumi:pulumi:Stack: ${project}-${stack}`;
  }
  return `${typeFromUrn(f.urn) ?? "resource"}: ${nameFromUrn(f.urn)}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}

/** Per resource (URN order), then policy: how Pulumi lists a pack's violations. */
function byResource(a: ReportFinding | WaivedFinding, b: ReportFinding | WaivedFinding): number {
  return a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function renderText(report: Report, opts: TextOptions): string {
  const out: string[] = [];
  const pack = `${report.pack.name}@v${report.pack.version} (${opts.packLocation})`;
  const mark = report.summary.result === "fail" ? "❌" : report.violations.length > 0 ? "⚠️" : "✅";
  out.push("Policies:");
  out.push(`    ${mark} ${pack}`);
  for (const f of [...report.violations].sort(byResource)) {
    const level = f.kind === "undecided" || f.kind === "error" ? "advisory" : f.enforcementLevel;
    out.push(`        - [${level}]  ${f.policy}  (${subjectOf(f, report)})`);
    out.push(indent(gateByName(f.policy)?.title ?? f.policy, "          "));
    out.push(indent(f.message, "          "));
    if (f.source) out.push(`          at ${sourceText(f.source, report.source.root)}`);
  }
  if (report.waived.length > 0) {
    out.push("");
    out.push("Waived (not enforced until the waiver expires):");
    for (const w of [...report.waived].sort(byResource)) {
      out.push(`    - [waived]  ${w.policy}  (${subjectOf(w, report)})`);
      if (w.source) out.push(`      at ${sourceText(w.source, report.source.root)}`);
      out.push(`      until ${w.expires}, approved by ${w.approver}${w.ticket ? ` (${w.ticket})` : ""}: ${w.justification}`);
    }
  }
  for (const n of report.notes) {
    out.push("");
    out.push(`Note: ${n}`);
  }
  out.push("");
  const s = report.summary;
  out.push(
    `Readiness: ${verdict(s).label}: ${countsLine(s)} across ${s.resources} resource${s.resources === 1 ? "" : "s"}.${verdict(s).evidence ? ` ${verdict(s).evidence}.` : ""}`,
  );
  for (const c of report.checklists) {
    const k = c.counts;
    const automated = k.pass + k.fail + k.warn + k.undecided + k.waived + k["no-evidence"] + k["not-applicable"] + k["not-evaluated"];
    const parts = (["pass", "fail", "warn", "undecided", "waived", "no-evidence", "not-applicable", "not-evaluated"] as const)
      .filter((st) => k[st] > 0)
      .map((st) => `${k[st]} ${STATUS_LABEL[st].label}`);
    out.push(`  ${c.service}: ${automated} automated line${automated === 1 ? "" : "s"} (${parts.join(", ") || "none"}), ${k.manual} manual line${k.manual === 1 ? "" : "s"} need sign-off${k.signed > 0 ? `, ${k.signed} signed off` : ""}`);
  }
  return out.join("\n") + "\n";
}
