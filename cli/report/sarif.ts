/**
 * SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
 *
 * One rule per policy (with remediation, docs link, the checklist lines it enforces and a
 * `security-severity` so code scanning ranks alerts), one result per finding. Results point at
 * the file the findings come from (program or stack export) and carry the resource URN as a
 * logical location; `partialFingerprints` keep an alert stable across runs. Waived findings are
 * results with an accepted external suppression carrying the waiver's justification.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type * as sarif from "sarif";
import type { Severity } from "../../policypack/src/catalog";
import type { GateLine } from "../checklists";
import { sourcePath, type PolicyMeta, type Report, type ReportFinding, type WaivedFinding } from "./model";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

function lineText(g: GateLine): string {
  return `${g.checklist} (${g.service}) ${g.section}: ${g.line}`;
}

function ruleOf(p: PolicyMeta): sarif.ReportingDescriptor {
  const help: sarif.MultiformatMessageString | undefined = p.remediation
    ? {
        text: `${p.remediation}${p.gate.length ? ` Checklist: ${p.gate.map(lineText).join("; ")}.` : ""}`,
        markdown: `**Fix:** ${p.remediation}\n\n${p.gate.map((g) => `- ${lineText(g)}`).join("\n")}${p.url ? `\n\n[Documentation](${p.url})` : ""}`,
      }
    : undefined;
  return {
    id: p.name,
    name: p.name
      .split("-")
      .map((w) => (w[0] ?? "").toUpperCase() + w.slice(1))
      .join(""),
    shortDescription: { text: p.title },
    fullDescription: { text: p.description },
    ...(help ? { help } : {}),
    ...(p.url ? { helpUri: p.url } : {}),
    defaultConfiguration: { level: p.level === "mandatory" ? "error" : "warning", enabled: p.evaluated },
    properties: {
      tags: ["readiness", ...new Set(p.gate.map((g) => `${g.service}-service`))],
      precision: "high",
      "problem.severity": p.level === "mandatory" ? "error" : "warning",
      "security-severity": SECURITY_SEVERITY[p.severity],
      severity: p.severity,
      checklistLines: p.gate.map(lineText),
      // The evidence: how many resources the policy checked (0 = no evidence, never a pass).
      ...(p.checkedResources !== undefined ? { checkedResources: p.checkedResources } : {}),
    },
  };
}

function levelOf(f: ReportFinding | WaivedFinding): sarif.Result.level {
  if (f.kind === "undecided" || f.kind === "error") return "note";
  return f.enforcementLevel === "mandatory" ? "error" : "warning";
}

function fingerprint(f: ReportFinding | WaivedFinding): string {
  return createHash("sha256").update(`${f.policy}\u0000${f.urn}\u0000${f.kind === "waived" ? "violation" : f.kind}\u0000${f.message}`).digest("hex");
}

/**
 * Where the analysed file is. A path relative to the directory the command ran in is a relative
 * reference against %SRCROOT%, each segment percent-encoded; one outside it (the CLI keeps those
 * absolute) is an absolute file: URI, and then has no uriBaseId, which may only qualify relative
 * references (SARIF 2.1.0 §3.4.4; the multitool's SARIF1004).
 */
export function artifactLocationOf(file: string): sarif.ArtifactLocation {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split(/[\\/]/).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

export function renderSarif(report: Report): string {
  const index = new Map(report.policies.map((p, i) => [p.name, i]));
  const location = artifactLocationOf(report.source.file);
  // The analysed file is artifact 0; each program file that declared a resource with a finding
  // follows, so a result points at the `new Resource(...)` line instead of line 1 of the entry.
  const artifacts: sarif.Artifact[] = [{ location, roles: ["analysisTarget"] }];
  const artifactIndex = new Map<string, number>([[location.uri ?? "", 0]]);
  const physicalOf = (f: ReportFinding | WaivedFinding): sarif.PhysicalLocation => {
    if (!f.source) return { artifactLocation: { ...location, index: 0 }, region: { startLine: 1 } };
    const at = artifactLocationOf(sourcePath(f.source, report.source.root));
    let index = artifactIndex.get(at.uri ?? "");
    if (index === undefined) {
      index = artifacts.length;
      artifactIndex.set(at.uri ?? "", index);
      artifacts.push({ location: at, roles: ["analysisTarget"] });
    }
    return { artifactLocation: { ...at, index }, region: { startLine: f.source.line, startColumn: f.source.column } };
  };
  const result = (f: ReportFinding | WaivedFinding): sarif.Result => {
    const r: sarif.Result = {
      ruleId: f.policy,
      ruleIndex: index.get(f.policy),
      level: levelOf(f),
      kind: "fail",
      message: { text: f.message },
      locations: [
        {
          physicalLocation: physicalOf(f),
          ...(f.urn
            ? { logicalLocations: [{ name: f.name ?? f.urn, fullyQualifiedName: f.urn, kind: "resource" }] }
            : { logicalLocations: [{ name: "stack", fullyQualifiedName: `${report.source.project ?? ""}/${report.source.stack ?? ""}`, kind: "module" }] }),
        },
      ],
      partialFingerprints: { "readinessGuardFinding/v1": fingerprint(f) },
      properties: {
        enforcementLevel: f.enforcementLevel,
        findingKind: f.kind,
        severity: f.severity,
        ...(f.urn ? { urn: f.urn } : {}),
        ...(f.service ? { service: f.service } : {}),
        checklistLines: f.gate.map(lineText),
      },
    };
    if (f.kind === "waived") {
      const w = f as WaivedFinding;
      r.suppressions = [
        {
          kind: "external",
          status: "accepted",
          justification: `${w.justification} (approved by ${w.approver}, expires ${w.expires}${w.ticket ? `, ${w.ticket}` : ""})`,
        },
      ];
    }
    return r;
  };
  const log: sarif.Log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: report.tool.informationUri,
            rules: report.policies.map(ruleOf),
            properties: { policyPack: `${report.pack.name}@${report.pack.version}` },
          },
        },
        automationDetails: { id: `readiness-guard/${report.source.kind}/${report.source.stack ?? ""}` },
        // roles: the artifacts array says what was analysed (an array of bare locations is SARIF2004).
        artifacts,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...report.notes.map((n) => ({ level: "note" as const, message: { text: n } })),
              // No vacuous pass: a policy that ran without findings but checked nothing says so.
              ...report.policies
                .filter((p) => p.evaluated && p.checkedResources === 0 && !report.violations.some((v) => v.policy === p.name))
                .map((p) => ({
                  level: "warning" as const,
                  message: { text: `${p.name}: no evidence: the policy checked no resource of this stack; its checklist lines are not passed.` },
                  descriptor: { id: p.name },
                })),
            ],
          },
        ],
        results: [...report.violations.map(result), ...report.waived.map(result)],
        properties: { summary: report.summary.result, readiness: report.summary.readiness, ...(report.date ? { date: report.date } : {}) },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
