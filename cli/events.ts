/**
 * Reads a `pulumi preview --event-log <file>` file: one engine event (JSON) per line. Policy
 * violations are `policyEvent`s (pkg/apitype/events.go: resourceUrn, message, color, policyName,
 * policyPackName, policyPackVersion, policyPackVersionTag, enforcementLevel "warning"|"mandatory",
 * and in newer CLIs severity). `policyAnalyzeSummaryEvent`s say which policies passed on which
 * resource, and resource step events carry the resources themselves (for service attribution).
 */
import { z } from "zod";
import type { ResourceInput } from "../policypack/src/access/resource";
import { nameFromUrn, typeFromUrn } from "../policypack/src/access/resource";
import { gateByName, type Severity } from "../policypack/src/catalog";
import type { Finding, FindingKind } from "../policypack/src/engine/run";
import { InputError, issuePath, normaliseSecrets } from "./state";

const levelSchema = z.enum(["warning", "advisory", "mandatory", "remediate", "disabled"], {
  message: 'must be "warning", "advisory", "mandatory", "remediate" or "disabled"',
});

const SEVERITY_NAMES: readonly (Severity | "")[] = ["", "low", "medium", "high", "critical"];

const policyEventSchema = z.looseObject({
  resourceUrn: z.string().optional(),
  message: z.string(),
  color: z.string().optional(),
  policyName: z.string().min(1, { message: "must name the policy" }),
  policyPackName: z.string(),
  policyPackVersion: z.string(),
  policyPackVersionTag: z.string().optional(),
  enforcementLevel: levelSchema,
  severity: z.union([z.string(), z.number()]).optional(),
});

const summarySchema = z.looseObject({
  resourceUrn: z.string().optional(),
  policyPackName: z.string().optional(),
  passed: z.array(z.string()).nullish(),
  failed: z.array(z.string()).nullish(),
});

const stepStateSchema = z.looseObject({
  urn: z.string(),
  type: z.string(),
  custom: z.boolean().optional(),
  parent: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).nullish(),
  outputs: z.record(z.string(), z.unknown()).nullish(),
});

const stepSchema = z.looseObject({
  metadata: z.looseObject({ new: stepStateSchema.nullish(), old: stepStateSchema.nullish() }),
});

/** The payloads of a Pulumi engine event (pkg/apitype/events.go EngineEvent): exactly one per event. */
export const ENGINE_EVENT_KINDS: readonly string[] = [
  "cancelEvent",
  "stdoutEvent",
  "diagnosticEvent",
  "preludeEvent",
  "summaryEvent",
  "resourcePreEvent",
  "resOutputsEvent",
  "resOpFailedEvent",
  "policyEvent",
  "policyRemediationEvent",
  "policyLoadEvent",
  "policyAnalyzeSummaryEvent",
  "policyRemediateSummaryEvent",
  "policyAnalyzeStackSummaryEvent",
  "startDebuggingEvent",
  "progressEvent",
  "errorEvent",
];

const eventSchema = z.looseObject({
  sequence: z.number({ message: "must be a number (the engine's event sequence)" }).optional(),
  timestamp: z.number({ message: "must be a number (seconds since the epoch)" }).optional(),
  policyEvent: policyEventSchema.optional(),
  policyAnalyzeSummaryEvent: summarySchema.optional(),
  policyAnalyzeStackSummaryEvent: summarySchema.optional(),
  resourcePreEvent: stepSchema.optional(),
  resOutputsEvent: stepSchema.optional(),
});

export interface EventLog {
  readonly findings: readonly Finding[];
  /** Resources seen in step events (for the service each belongs to). */
  readonly resources: readonly ResourceInput[];
  /** Resource policy → URNs it ran on (from the analyze summary events), when the log has them. */
  readonly checked: ReadonlyMap<string, ReadonlySet<string>>;
  /** Stack policies that ran (from the stack analyze summary event). */
  readonly stackPolicies: ReadonlySet<string>;
  readonly packs: readonly { name: string; version: string }[];
  readonly events: number;
}

/**
 * Removes Pulumi's colour directives (`<{%fg 1%}>`, `<{%reset%}>`) and terminal escape sequences:
 * CSI (colours, `ESC[2J`), OSC (window titles, OSC 8 hyperlinks, ended by BEL or ST) and the
 * other ESC sequences. Any control character left is neutralised by the output layer
 * (cli/report/safe.ts).
 */
export function stripColors(s: string): string {
  return s
    .replace(/<\{%[^%]*%\}>/g, "")
    .replace(/(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g, "")
    .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g, "")
    .replace(/\u001b[ -/]*[0-~]?/g, "")
    .trim();
}

function severityOf(policy: string, raw: string | number | undefined): Severity {
  const fromCatalog = gateByName(policy)?.severity;
  if (fromCatalog) return fromCatalog;
  if (typeof raw === "number") return SEVERITY_NAMES[raw] || "medium";
  if (raw && (SEVERITY_NAMES as readonly string[]).includes(raw)) return raw as Severity;
  return "medium";
}

const UNDECIDED_PREFIX = /^can't run policy '[^']*' from policy pack '[^']*' during preview: /;
/** The engine's undecidedMessage() and internalError() texts (policypack/src/engine). */
const UNDECIDED_TEXT = / is unknown until apply, so this gate cannot be decided at preview;/;
const ERROR_TEXT = / could not evaluate .*the gate is not decided/;

function kindOf(message: string): FindingKind {
  if (message.startsWith("invalid pack config at ")) return "config";
  if (ERROR_TEXT.test(message)) return "error";
  if (UNDECIDED_TEXT.test(message)) return "undecided";
  return "violation";
}

/**
 * A pack diagnostic as findings. The pack reports undecided and internal-error findings as advisory
 * diagnostics with their own message; an older SDK path folds them into one advisory "can't run
 * ... during preview: a | b" diagnostic, which is split back here.
 */
export function findingsFromDiagnostic(d: {
  policy: string;
  level: "advisory" | "mandatory";
  message: string;
  urn?: string;
  severity?: string | number;
  /** The policy's description, which the SDK puts before the message ("<description>\n<message>"). */
  description?: string;
}): Finding[] {
  // The policy SDK reports "<description>\n<message>" (@pulumi/policy server.js makeReportViolationFun);
  // an event log may come from an earlier pack version whose description differs from this
  // catalog's, so without a matching description the first line is taken for it.
  const description = d.description || gateByName(d.policy)?.proves;
  const nl = d.message.indexOf("\n");
  const message =
    description && d.message.startsWith(`${description}\n`) ? d.message.slice(description.length + 1) : nl >= 0 && nl < d.message.length - 1 ? d.message.slice(nl + 1) : d.message;
  const base = {
    policy: d.policy,
    severity: severityOf(d.policy, d.severity),
    urn: d.urn || undefined,
    name: d.urn ? nameFromUrn(d.urn) : undefined,
    type: d.urn ? typeFromUrn(d.urn) : undefined,
  };
  if (UNDECIDED_PREFIX.test(message)) {
    return message
      .replace(UNDECIDED_PREFIX, "")
      .split(" | ")
      .map((m) => ({ ...base, kind: kindOf(m) === "error" ? "error" : "undecided", level: "advisory" as const, message: m }));
  }
  const kind = kindOf(message);
  return [{ ...base, kind, level: kind === "undecided" || kind === "error" ? "advisory" : d.level, message }];
}

/** Parses an event log. Throws InputError naming the line on bad input. */
export function parseEventLog(text: string, file = "event log"): EventLog {
  const findings: Finding[] = [];
  const resources = new Map<string, ResourceInput>();
  const checked = new Map<string, Set<string>>();
  const stackPolicies = new Set<string>();
  const packs = new Map<string, string>();
  let events = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${file}: line ${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${where}: not valid JSON (${(e as Error).message}). Fix: pass the file written by \`pulumi preview --event-log <file>\`.`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw) || !ENGINE_EVENT_KINDS.some((k) => k in raw)) {
      throw new InputError(
        `${where}: not a Pulumi engine event (an object with one of ${ENGINE_EVENT_KINDS.slice(0, 4).join(", ")}, ... policyEvent). Fix: pass the file written by \`pulumi preview --event-log <file>\`.`,
      );
    }
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      /* c8 ignore next */
      const msg = issue ? `${issuePath(issue.path)}: ${issue.message}` : "invalid event";
      throw new InputError(`${where}: ${msg}`);
    }
    events++;
    const ev = parsed.data;
    const pe = ev.policyEvent;
    if (pe) {
      packs.set(pe.policyPackName, pe.policyPackVersion);
      if (pe.enforcementLevel !== "disabled") {
        const level = pe.enforcementLevel === "mandatory" || pe.enforcementLevel === "remediate" ? "mandatory" : "advisory";
        findings.push(
          ...findingsFromDiagnostic({ policy: pe.policyName, level, message: stripColors(pe.message), urn: pe.resourceUrn, severity: pe.severity }),
        );
      }
    }
    const rs = ev.policyAnalyzeSummaryEvent;
    if (rs) {
      if (rs.policyPackName && !packs.has(rs.policyPackName)) packs.set(rs.policyPackName, "");
      for (const p of [...(rs.passed ?? []), ...(rs.failed ?? [])]) {
        let set = checked.get(p);
        if (!set) checked.set(p, (set = new Set()));
        if (rs.resourceUrn) set.add(rs.resourceUrn);
      }
    }
    const ss = ev.policyAnalyzeStackSummaryEvent;
    if (ss) {
      if (ss.policyPackName && !packs.has(ss.policyPackName)) packs.set(ss.policyPackName, "");
      for (const p of [...(ss.passed ?? []), ...(ss.failed ?? [])]) stackPolicies.add(p);
    }
    for (const step of [ev.resourcePreEvent, ev.resOutputsEvent]) {
      const st = step?.metadata.new ?? step?.metadata.old;
      if (!st) continue;
      resources.set(st.urn, {
        type: st.type,
        urn: st.urn,
        name: nameFromUrn(st.urn),
        props: normaliseSecrets(st.outputs && Object.keys(st.outputs).length > 0 ? st.outputs : (st.inputs ?? {})) as Record<string, unknown>,
        parent: st.parent || undefined,
      });
    }
  });
  return {
    findings,
    resources: [...resources.values()],
    checked,
    stackPolicies,
    packs: [...packs.entries()].map(([name, version]) => ({ name, version })).sort((a, b) => a.name.localeCompare(b.name)),
    events,
  };
}
