/**
 * The audit report model every format renders: findings with the checklist lines they refute,
 * waived findings with their waiver, a summary by level, policy and service, and each service's
 * readiness checklist with every line's status and the evidence behind it.
 *
 * Deterministic: everything is sorted, and no clock is read (the date appears only when injected).
 */
import * as path from "node:path";
import { GATES, gateByName, gateDocsUrl, SEEDS, type SeedId, type Severity } from "../../policypack/src/catalog";
import type { Finding, FindingKind } from "../../policypack/src/engine/run";
import { CHECKLISTS, checklistsForServices, gateLines, type Checklist, type ChecklistItem, type GateLine } from "../checklists";
import type { Provenance } from "../provenance";
import type { SourcePosition } from "../source-positions";
import type { NotApplicableEntry, SignOffEntry, SignOffs } from "../signoff";
import { InputError } from "../state";
import type { Checked, ResourceRef } from "./evaluation";

export type ReportLevel = "mandatory" | "advisory";

export interface ReportFinding {
  readonly policy: string;
  readonly kind: Exclude<FindingKind, "waived">;
  readonly enforcementLevel: ReportLevel;
  readonly severity: Severity;
  readonly message: string;
  /** The resource's URN ("" for a finding about the stack or the config). */
  readonly urn: string;
  readonly name?: string;
  readonly type?: string;
  readonly service?: string;
  /**
   * Where the program declared the resource: the `new Resource(...)` call the SDK sends with the
   * registration (`pulumi preview`), or the `sourcePosition` a stack export records. `file` is
   * relative to the project root (`source.root`).
   */
  readonly source?: SourcePosition;
  /** The checklist line(s) the policy enforces. */
  readonly gate: readonly GateLine[];
}

export type { SourcePosition };

/** The position's file relative to the directory the command ran in (`root`: the project root from there). */
export function sourcePath(at: SourcePosition, root: string | undefined): string {
  if (!root || root === "." || path.isAbsolute(at.file)) return at.file;
  return path.posix.join(root.split(path.sep).join("/"), at.file);
}

/** "infra/index.ts:12:5": the declaration, relative to the directory the command ran in. */
export function sourceText(at: SourcePosition, root: string | undefined): string {
  return `${sourcePath(at, root)}:${at.line}:${at.column}`;
}

export interface WaivedFinding extends Omit<ReportFinding, "kind"> {
  readonly kind: "waived";
  readonly justification: string;
  readonly approver: string;
  readonly expires: string;
  readonly ticket?: string;
  /** The waiver's resource pattern (URN, name glob or service:<name>). */
  readonly waiverFor: string;
}

export type LineStatus = "pass" | "fail" | "warn" | "undecided" | "waived" | "no-evidence" | "not-applicable" | "not-evaluated" | "manual" | "signed";

export interface GateEvidence {
  readonly gate: string;
  readonly title: string;
  readonly status: LineStatus;
  /** Resources of this service (or shared) the gate checked; "stack" = the whole stack; undefined = not known. */
  readonly checked?: readonly ResourceRef[] | "stack";
  readonly findings: readonly ReportFinding[];
  readonly waived: readonly WaivedFinding[];
}

export interface LineReport {
  readonly id: string;
  readonly text: string;
  readonly note?: string;
  readonly sub?: readonly string[];
  readonly status: LineStatus;
  readonly evidence: readonly GateEvidence[];
  /** Who signed the (manual) line, from a sign-off file. */
  readonly signedBy?: readonly SignOffEntry[];
  /** The not-applicable declaration that decides the line. */
  readonly declaration?: NotApplicableEntry;
}

export interface SectionReport {
  readonly title: string;
  readonly signOff?: readonly string[];
  readonly lines: readonly LineReport[];
}

export type StatusCounts = Readonly<Record<LineStatus, number>>;

/** A checklist line's status in the JSON contract (docs/contract.md §5). */
export type ContractStatus = "pass" | "fail" | "advisory" | "undecided" | "waived" | "no-evidence" | "manual" | "signed" | "not-applicable";

export const CONTRACT_STATUSES: readonly ContractStatus[] = ["pass", "fail", "advisory", "undecided", "waived", "no-evidence", "manual", "signed", "not-applicable"];

/** The model's statuses in the contract's words: a policy that did not run checked nothing. */
const CONTRACT_STATUS: Readonly<Record<LineStatus, ContractStatus>> = {
  pass: "pass",
  fail: "fail",
  warn: "advisory",
  undecided: "undecided",
  waived: "waived",
  "no-evidence": "no-evidence",
  "not-applicable": "not-applicable",
  "not-evaluated": "no-evidence",
  manual: "manual",
  signed: "signed",
};

export function contractStatus(s: LineStatus): ContractStatus {
  return CONTRACT_STATUS[s];
}

/** Line counts by contract status, every status present, in CONTRACT_STATUSES order. */
export type ContractCounts = Readonly<Record<ContractStatus, number>>;

export function contractCounts(c: StatusCounts): ContractCounts {
  const out = Object.fromEntries(CONTRACT_STATUSES.map((st) => [st, 0])) as Record<ContractStatus, number>;
  for (const st of Object.keys(c) as LineStatus[]) out[CONTRACT_STATUS[st]] += c[st];
  return out;
}

export interface ChecklistReport {
  /** The seed document (000, 001, 002); absent for a team's own checklist. */
  readonly seed?: SeedId;
  readonly service: string;
  /** The checklist file, as given (package files: checklists/<name>.md). */
  readonly file: string;
  /** Bullets (or task lists) or a Gate | Status | Notes table, as the file lays its lines out. */
  readonly layout: "bullets" | "table";
  /** The id of the checklist's heading in the Markdown and HTML reports. */
  readonly anchor: string;
  readonly title: string;
  readonly heading: string;
  readonly intro: string;
  readonly signOff: string;
  readonly sections: readonly SectionReport[];
  readonly counts: StatusCounts;
  /** The checklist's own sign-off roles, filled from the sign-off file where it names them. */
  readonly roles: readonly { readonly role: string; readonly signedBy?: SignOffEntry }[];
}

export interface PolicyMeta {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly level: ReportLevel;
  readonly remediation: string;
  readonly url: string;
  readonly gate: readonly GateLine[];
  readonly evaluated: boolean;
  /** How many resources the policy checked (evidence); absent when the input does not say. */
  readonly checkedResources?: number;
}

export interface ReportSource {
  readonly kind: "preview" | "state" | "events";
  /** The file the findings come from (program module, stack export, event log), relative to cwd. */
  readonly file: string;
  readonly project?: string;
  readonly stack?: string;
  /**
   * The project root relative to cwd ("." for cwd itself), when findings carry source positions:
   * each finding's `source.file` is relative to it.
   */
  readonly root?: string;
}

export interface Counts {
  readonly mandatory: number;
  readonly advisory: number;
  readonly undecided: number;
  readonly waived: number;
}

export interface Summary extends Counts {
  /** The exit code's verdict: "fail" when there is a mandatory violation, whatever the checklists say. */
  readonly result: "pass" | "fail";
  /**
   * The readiness verdict: "ready" only with no mandatory violation and no checklist line without
   * evidence (a no-evidence line, or one whose policy did not run, counts as not ready).
   */
  readonly readiness: "ready" | "not-ready";
  /** Checklist lines without evidence (contract status no-evidence), over every checklist. */
  readonly linesWithoutEvidence: number;
  readonly resources: number;
  readonly configProblems: number;
  readonly errors: number;
  readonly byLevel: Readonly<Record<ReportLevel, number>>;
  readonly byPolicy: Readonly<Record<string, Counts>>;
  readonly byService: Readonly<Record<string, Counts>>;
  /** Per service, its checklist's line counts by contract status. */
  readonly checklists: Readonly<Record<string, ContractCounts>>;
}

export interface Report {
  /** When the evidence was taken, digests of the input and config, pack and tool versions. */
  readonly provenance?: Provenance;
  readonly tool: { readonly name: string; readonly version: string; readonly informationUri: string };
  readonly pack: { readonly name: string; readonly version: string };
  readonly source: ReportSource;
  readonly date?: string;
  readonly violations: readonly ReportFinding[];
  readonly waived: readonly WaivedFinding[];
  readonly summary: Summary;
  readonly policies: readonly PolicyMeta[];
  readonly checklists: readonly ChecklistReport[];
  readonly notes: readonly string[];
}

export interface ReportInput {
  readonly source: ReportSource;
  readonly pack: { readonly name: string; readonly version: string };
  readonly toolVersion: string;
  readonly date?: string;
  readonly resources: number;
  /** All findings (waived ones included; they are reported separately). */
  readonly findings: readonly Finding[];
  /** Policies that ran; catalog gates not in this list are "not evaluated". */
  readonly evaluated: readonly string[];
  /** Gate → resources it checked; omitted when not known (event logs without summaries). */
  readonly checked?: ReadonlyMap<string, Checked>;
  /** The checklists available (default: the three seed checklists in checklists/). */
  readonly checklists?: readonly Checklist[];
  /**
   * The services the stack holds (labels, parents); a stack without labels is one service named
   * after the project. When given, exactly these services are reported, each with its checklist
   * (the default template for a service without one). When omitted, every available checklist is.
   */
  readonly services?: readonly string[];
  readonly notes?: readonly string[];
  readonly provenance?: Provenance;
  /** Sign-off files, one per service (`--signoff`). */
  readonly signoffs?: readonly SignOffs[];
  /** URN → where the program declared the resource (see `ReportFinding.source`). */
  readonly sources?: ReadonlyMap<string, SourcePosition>;
}

export const NO_SERVICE = "(no service)";

const LEVEL_ORDER: Readonly<Record<ReportLevel, number>> = { mandatory: 0, advisory: 1 };
const KIND_ORDER: Readonly<Record<string, number>> = { config: 0, violation: 1, error: 2, undecided: 3, waived: 4 };

function cmp(a: string | undefined, b: string | undefined): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Canonical order: mandatory first, then kind, policy, URN, message. */
export function compareFindings(a: ReportFinding | WaivedFinding, b: ReportFinding | WaivedFinding): number {
  return (
    LEVEL_ORDER[a.enforcementLevel] - LEVEL_ORDER[b.enforcementLevel] ||
    (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) ||
    cmp(a.policy, b.policy) ||
    cmp(a.urn, b.urn) ||
    cmp(a.message, b.message)
  );
}

function toReportFinding(f: Finding, sources?: ReadonlyMap<string, SourcePosition>): ReportFinding {
  // Key order is part of the JSON contract's readability: the contract fields first.
  const out: ReportFinding = {
    policy: f.policy,
    urn: f.urn ?? "",
    enforcementLevel: f.level,
    severity: f.severity,
    message: f.message,
    gate: gateLines(f.policy),
    kind: f.kind === "waived" ? "violation" : f.kind,
  };
  const extra: { service?: string; name?: string; type?: string; source?: SourcePosition } = {};
  if (f.service !== undefined) extra.service = f.service;
  if (f.name !== undefined) extra.name = f.name;
  if (f.type !== undefined) extra.type = f.type;
  const at = f.urn ? sources?.get(f.urn) : undefined;
  if (at) extra.source = at;
  return { ...out, ...extra };
}

function toWaived(f: Finding, sources?: ReadonlyMap<string, SourcePosition>): WaivedFinding {
  const w = f.waiver;
  const base = toReportFinding(f, sources);
  const out: WaivedFinding = {
    ...base,
    kind: "waived",
    justification: w?.justification ?? "",
    approver: w?.approver ?? "",
    expires: w?.expires ?? "",
    waiverFor: w?.resource ?? "",
  };
  return w?.ticket ? { ...out, ticket: w.ticket } : out;
}

function emptyCounts(): { mandatory: number; advisory: number; undecided: number; waived: number } {
  return { mandatory: 0, advisory: 0, undecided: 0, waived: 0 };
}

function count(map: Map<string, ReturnType<typeof emptyCounts>>, key: string, f: ReportFinding | WaivedFinding): void {
  let c = map.get(key);
  if (!c) map.set(key, (c = emptyCounts()));
  if (f.kind === "waived") c.waived++;
  else if (f.kind === "undecided" || f.kind === "error") c.undecided++;
  else if (f.enforcementLevel === "mandatory") c.mandatory++;
  else c.advisory++;
}

function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of [...map.keys()].sort()) out[k] = map.get(k) as T;
  return out;
}

/** Status of one gate's findings for one service. */
function gateStatus(
  findings: readonly ReportFinding[],
  waived: readonly WaivedFinding[],
  evaluated: boolean,
  checked: readonly ResourceRef[] | "stack" | undefined,
): LineStatus {
  if (!evaluated) return "not-evaluated";
  if (findings.some((f) => f.enforcementLevel === "mandatory" && (f.kind === "violation" || f.kind === "config"))) return "fail";
  if (findings.some((f) => f.kind === "violation" || f.kind === "config")) return "warn";
  if (findings.length > 0) return "undecided";
  if (waived.length > 0) return "waived";
  // A pass needs a checked resource: a gate that looked at nothing (or whose evidence is not
  // known) proves nothing, whatever it reported.
  if (!Array.isArray(checked) || checked.length === 0) return "no-evidence";
  return "pass";
}

const SEVERITY_OF_STATUS: Readonly<Record<LineStatus, number>> = {
  fail: 0,
  warn: 1,
  undecided: 2,
  "no-evidence": 3,
  "not-evaluated": 4,
  waived: 5,
  pass: 6,
  "not-applicable": 7,
  signed: 8,
  manual: 9,
};

/** The worst status of a line's gates (a line passes only when every gate passes). */
export function worst(statuses: readonly LineStatus[]): LineStatus {
  let w: LineStatus = "not-applicable";
  for (const s of statuses) if (SEVERITY_OF_STATUS[s] < SEVERITY_OF_STATUS[w]) w = s;
  return w;
}

function inScope(service: string, s: string | undefined): boolean {
  return s === undefined || s === service;
}

function lineReport(
  item: ChecklistItem,
  service: string,
  violations: readonly ReportFinding[],
  waived: readonly WaivedFinding[],
  evaluated: ReadonlySet<string>,
  checked: ReadonlyMap<string, Checked> | undefined,
): LineReport {
  const base = { id: item.id, text: item.text, ...(item.note ? { note: item.note } : {}), ...(item.sub ? { sub: item.sub } : {}) };
  if (item.gates.length === 0) return { ...base, status: "manual", evidence: [] };
  const evidence = item.gates.map((gate): GateEvidence => {
    const f = violations.filter((v) => v.policy === gate && inScope(service, v.service));
    const w = waived.filter((v) => v.policy === gate && inScope(service, v.service));
    const c = checked?.get(gate);
    const scoped = c === undefined || c === "stack" ? c : c.filter((r) => inScope(service, r.service)).sort((a, b) => cmp(a.urn, b.urn));
    const status = gateStatus(f, w, evaluated.has(gate), checked ? (scoped ?? []) : undefined);
    const ev: GateEvidence = { gate, title: gateByName(gate)?.title ?? gate, status, findings: f, waived: w };
    return scoped === undefined ? ev : { ...ev, checked: scoped };
  });
  return { ...base, status: worst(evidence.map((e) => e.status)), evidence };
}

function statusCounts(lines: readonly LineReport[]): StatusCounts {
  const c: Record<LineStatus, number> = {
    pass: 0,
    fail: 0,
    warn: 0,
    undecided: 0,
    waived: 0,
    "no-evidence": 0,
    "not-applicable": 0,
    "not-evaluated": 0,
    manual: 0,
    signed: 0,
  };
  for (const l of lines) c[l.status]++;
  return c;
}

function checkedCount(c: Checked | undefined): number {
  return Array.isArray(c) ? c.length : 0;
}

/**
 * Inputs that prove nothing are bad input, never "ready": an empty stack, a config that disables
 * every policy. (An event log without a policy event of this pack is refused by its reader.)
 */
export function assertProvesSomething(input: Pick<ReportInput, "resources" | "evaluated" | "source">): void {
  // An event log may carry policy events without resource events: its policy events are what it proves.
  if (input.resources === 0 && input.source.kind !== "events") {
    throw new InputError(`${input.source.file}: the stack holds no resource, so nothing can be proven ready. Fix: audit a stack that has been deployed (or a program that declares resources).`);
  }
  if (input.evaluated.length === 0) {
    throw new InputError(`the pack config disables every policy, so nothing can be proven ready. Fix: enable the policies (remove "all": "disabled" or enable them one by one).`);
  }
}

export function buildReport(input: ReportInput): Report {
  assertProvesSomething(input);
  const violations = input.findings.filter((f) => f.kind !== "waived").map((f) => toReportFinding(f, input.sources)).sort(compareFindings);
  const waived = input.findings.filter((f) => f.kind === "waived").map((f) => toWaived(f, input.sources)).sort(compareFindings);
  const evaluated = new Set(input.evaluated);

  const byPolicy = new Map<string, ReturnType<typeof emptyCounts>>();
  const byService = new Map<string, ReturnType<typeof emptyCounts>>();
  const totals = new Map<string, ReturnType<typeof emptyCounts>>();
  for (const f of [...violations, ...waived]) {
    count(byPolicy, f.policy, f);
    count(byService, f.service ?? NO_SERVICE, f);
    count(totals, "all", f);
  }
  const total = totals.get("all") ?? emptyCounts();

  const available = input.checklists ?? CHECKLISTS;
  const selection = input.services ? checklistsForServices(available, input.services) : { checklists: available, notes: [] };
  const today = input.date ?? input.provenance?.evidenceTime.slice(0, 10);
  const signNotes: string[] = [];
  for (const so of input.signoffs ?? []) {
    const c = selection.checklists.find((x) => x.service === so.service);
    if (!c) throw new InputError(`${so.file}: service '${so.service}' has no checklist in this report (services: ${selection.checklists.map((x) => x.service).join(", ")}).`);
    const texts = new Set(c.sections.flatMap((s) => s.items.map((i) => i.text)));
    for (const e of [...so.signoffs, ...so.notApplicable]) {
      if (e.line !== undefined && !texts.has(e.line)) throw new InputError(`${so.file}: '${e.line}' is not a line of the ${so.service} checklist (${c.file}). Fix: copy the line as written.`);
    }
  }
  const signing = (service: string) => (input.signoffs ?? []).find((x) => x.service === service);
  const checklists: ChecklistReport[] = selection.checklists.map((c) => {
    const so = signing(c.service);
    const sections = c.sections.map((s) => {
      const sec: SectionReport = {
        title: s.title,
        lines: s.items.map((item) => {
          const l = lineReport(item, c.service, violations, waived, evaluated, input.checked);
          const na = so?.notApplicable.find((d) => d.line === item.text);
          if (na && (l.status === "no-evidence" || l.status === "manual" || l.status === "not-evaluated")) {
            if (today === undefined || na.expires >= today) return { ...l, status: "not-applicable", declaration: na };
            signNotes.push(`${so?.file ?? ""}: the not-applicable declaration of '${item.text}' expired on ${na.expires}.`);
          } else if (na) {
            signNotes.push(`${so?.file ?? ""}: '${item.text}' has evidence (${l.status}); its not-applicable declaration is ignored.`);
          }
          const signed = so?.signoffs.filter((x) => x.line === item.text) ?? [];
          if (signed.length > 0 && l.status === "manual") return { ...l, status: "signed", signedBy: signed };
          return l;
        }),
      };
      return s.signOff ? { ...sec, signOff: s.signOff } : sec;
    });
    return {
      ...(c.seed ? { seed: c.seed } : {}),
      service: c.service,
      file: c.file,
      layout: c.layout,
      anchor: `${c.seed ?? "service"}-${c.service.replace(/[^A-Za-z0-9._-]/g, "-")}`,
      title: c.title,
      heading: c.heading,
      intro: c.intro,
      signOff: c.signOff,
      sections,
      counts: statusCounts(sections.flatMap((s) => s.lines)),
      roles: c.signOffRoles.map((role) => {
        const by = so?.signoffs.find((x) => x.line === undefined && x.role.toLowerCase() === role.toLowerCase());
        return by ? { role, signedBy: by } : { role };
      }),
    };
  });

  const known = new Set<string>(GATES.map((g) => g.name));
  const policies: PolicyMeta[] = GATES.map((g) => ({
    name: g.name,
    title: g.title,
    description: g.proves,
    severity: g.severity,
    level: g.level,
    remediation: g.remediation,
    url: gateDocsUrl(g.name),
    gate: gateLines(g.name),
    evaluated: evaluated.has(g.name),
    ...(input.checked ? { checkedResources: checkedCount(input.checked.get(g.name)) } : {}),
  }));
  // Policies found in the input that the catalog does not know (another pack in an event log).
  for (const name of [...new Set([...violations, ...waived].map((f) => f.policy))].sort()) {
    if (known.has(name)) continue;
    const f = [...violations, ...waived].find((x) => x.policy === name) as ReportFinding;
    policies.push({
      name,
      title: name,
      description: name,
      severity: f.severity,
      level: f.enforcementLevel,
      remediation: "",
      url: "",
      gate: [],
      evaluated: true,
    });
  }

  const configProblems = violations.filter((v) => v.kind === "config").length;
  const errors = violations.filter((v) => v.kind === "error").length;
  const withoutEvidence = checklists.reduce((n, c) => n + c.counts["no-evidence"] + c.counts["not-evaluated"], 0);
  const summary: Summary = {
    result: total.mandatory > 0 ? "fail" : "pass",
    readiness: total.mandatory > 0 || withoutEvidence > 0 ? "not-ready" : "ready",
    linesWithoutEvidence: withoutEvidence,
    resources: input.resources,
    ...total,
    configProblems,
    errors,
    byLevel: {
      mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
      advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
    },
    byPolicy: sortedRecord(byPolicy),
    byService: sortedRecord(byService),
    checklists: Object.fromEntries(checklists.map((c) => [c.service, contractCounts(c.counts)])),
  };

  const report: Report = {
    ...(input.provenance ? { provenance: input.provenance } : {}),
    tool: {
      name: "readiness-guard",
      version: input.toolVersion,
      informationUri: "https://github.com/readiness-guard/readiness-guard",
    },
    pack: input.pack,
    source: input.source,
    violations,
    waived,
    summary,
    policies,
    checklists,
    notes: [...selection.notes, ...signNotes, ...(input.notes ?? [])],
  };
  return input.date ? { ...report, date: input.date } : report;
}

/** The service names of the three checklists, for formats that list them. */
export const CHECKLIST_SERVICES: readonly string[] = Object.values(SEEDS).map((s) => s.service);

/**
 * The verdict every format shows: "NOT READY" with a mandatory violation (exit 1), "not ready"
 * when only checklist lines without evidence stand in the way (exit 0: the exit code counts
 * mandatory violations only), else "ready". `evidence` is "" or "N checklist line(s) without evidence".
 */
export function verdict(s: Summary): { readonly status: "fail" | "not-ready" | "ready"; readonly label: string; readonly evidence: string } {
  const n = s.linesWithoutEvidence;
  const evidence = n > 0 ? `${n} checklist line${n === 1 ? "" : "s"} without evidence` : "";
  if (s.result === "fail") return { status: "fail", label: "NOT READY", evidence };
  if (s.readiness === "not-ready") return { status: "not-ready", label: "not ready", evidence };
  return { status: "ready", label: "ready", evidence };
}

/** "3 mandatory violations, 1 advisory, 0 undecided, 2 waived" */
export function countsLine(s: Counts): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${plural(s.mandatory, "mandatory violation")}, ${s.advisory} advisory, ${s.undecided} undecided, ${s.waived} waived`;
}

/** Why a gate's evidence is empty, as the text formats say it. */
export const NO_EVIDENCE = {
  unknown: "no evidence: the input does not say which resources the policy checked",
  stack: "no evidence: the policy looked at no resource of this stack",
  none: "no evidence: no resource of this service (nor a stack-level one) of the kinds the policy is defined over",
} as const;

/** Symbols and labels of line statuses, shared by the text formats. */
export const STATUS_LABEL: Readonly<Record<LineStatus, { symbol: string; label: string }>> = {
  pass: { symbol: "✅", label: "passed" },
  fail: { symbol: "❌", label: "failed" },
  warn: { symbol: "⚠️", label: "advisory violation" },
  undecided: { symbol: "❔", label: "undecided until apply" },
  waived: { symbol: "🟡", label: "waived" },
  "no-evidence": { symbol: "⭕", label: "no evidence: nothing was checked" },
  "not-applicable": { symbol: "➖", label: "nothing to check" },
  "not-evaluated": { symbol: "⏸️", label: "not evaluated: needs sign-off" },
  signed: { symbol: "🖋️", label: "signed off" },
  manual: { symbol: "✍️", label: "manual: needs sign-off" },
};
