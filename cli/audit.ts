/**
 * `readiness audit`: evaluates every policy against deployed state (a `pulumi stack export` file),
 * with the same semantics as a preview, or reports the policy events of a `pulumi preview
 * --event-log` file; renders the report in one format.
 *
 * Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 unreadable or invalid input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StackView } from "../policypack/src/access/stack";
import { GATES } from "../policypack/src/catalog";
import { ConfigError } from "../policypack/src/engine/config";
import type { PackConfig } from "../policypack/src/engine/evaluate";
import type { Rule } from "../policypack/src/engine/rule";
import type { Finding } from "../policypack/src/engine/run";
import { RULES } from "../policypack/src/gates";
import { loadChecklists } from "./checklists";
import { parseEventLog } from "./events";
import { fileSha256, manifestTime, runTime, type Provenance } from "./provenance";
import { evaluateLocal, type Checked, type ResourceRef } from "./report/evaluation";
import { render, type Format } from "./report/index";
import { buildReport, type Report } from "./report/model";
import { resourceSecrets, withSecrets } from "./report/safe";
import { readSignOffFile } from "./signoff";
import { InputError, parseStackExport } from "./state";

/** The repository (package) root: where package.json and policypack/ live. */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, "policypack", "package.json")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(from, "..");
}

function readJsonVersion(file: string): string {
  try {
    const v = (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: unknown }).version;
    return typeof v === "string" ? v : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export function toolVersion(): string {
  return readJsonVersion(path.join(packageRoot(), "package.json"));
}

export function packVersion(packDir = path.join(packageRoot(), "policypack")): string {
  return readJsonVersion(path.join(packDir, "package.json"));
}

export const PACK_NAME = "readiness-guard";

/** Reads a file or throws InputError naming it (as the user wrote it, `shown`). */
export function readInput(file: string, what: string, shown = file): string {
  try {
    const text = fs.readFileSync(file, "utf8");
    // A UTF-8 byte order mark (editors on Windows write one) is not part of the JSON.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${shown}: cannot read the ${what} (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message}).`);
  }
}

/** Reads a --policy-pack-config file (JSON object, one entry per policy). */
export function loadPackConfig(file: string, shown = file): PackConfig {
  const text = readInput(file, "pack config", shown);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${shown}: not valid JSON (${(e as Error).message}).`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError(`${shown}: must be a JSON object with one entry per policy name. Fix: see policypack/config/production.json.`);
  }
  return raw as PackConfig;
}

/** --today YYYY-MM-DD (waiver expiry and the report date), else the clock. */
export function parseToday(s: string | undefined, now: () => Date = () => new Date()): { today: Date; date?: string } {
  if (s === undefined) return { today: now() };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`)) || !new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)) {
    throw new InputError(`--today: '${s}' is not a date as YYYY-MM-DD.`);
  }
  return { today: new Date(`${s}T12:00:00Z`), date: s };
}

const WAIVER_PROBLEM = /^invalid pack config at [^ ]+\.waivers(\[|:| )/;

/**
 * Config problems that make the config unusable (unknown policy, bad level or setting) as one line;
 * waiver problems stay findings of their policy, as the pack reports them.
 */
export function configInputError(file: string, findings: readonly Finding[]): InputError | undefined {
  const bad = findings.filter((f) => f.kind === "config" && !WAIVER_PROBLEM.test(f.message));
  if (bad.length === 0) return undefined;
  const first = (bad[0] as Finding).message.replace(/^invalid pack config at /, "");
  return new InputError(`${file}: ${first}${bad.length > 1 ? ` (and ${bad.length - 1} more problem${bad.length > 2 ? "s" : ""})` : ""}`);
}

export function configErrorToInput(file: string, e: unknown): never {
  if (e instanceof ConfigError) {
    const p = e.problems[0];
    const more = e.problems.length > 1 ? ` (and ${e.problems.length - 1} more)` : "";
    throw new InputError(`${file}: ${p ? `${p.path}: ${p.message}` : e.message}${more}`);
  }
  throw e;
}

export function relativeToCwd(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return (rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(cwd, file) : rel).split(path.sep).join("/");
}

export interface AuditOptions {
  readonly state?: string;
  readonly events?: string;
  /** Pack config file; default policypack/config/production.json. */
  readonly config?: string;
  readonly today?: string;
  readonly rules?: readonly Rule[];
  readonly cwd?: string;
  /** `--checklist <service>=<file>`, repeatable: a team's own checklist. */
  readonly checklist?: readonly string[];
  /** `--checklists <dir>`: `<dir>/<service>/SERVICE_READINESS.md`. */
  readonly checklists?: string;
  /** `--signoff <file>`, repeatable: a service's sign-off file (YAML). */
  readonly signoff?: readonly string[];
}

/**
 * The services a stack holds (labels, parents). A stack that labels none is one service named
 * after the Pulumi project, so that its checklist is reported.
 */
export function stackServices(view: StackView, project: string | undefined): { names: readonly string[]; notes: readonly string[] } {
  const names = [...view.services().keys()];
  // The pack's own rule (StackView.implicitService): unlabelled workloads are the project's service.
  const implicit = view.implicitService();
  if (implicit === undefined && names.length > 0) return { names, notes: [] };
  const name = implicit ?? (project && project.length > 0 ? project : "stack");
  const note = `The stack labels no service: it is reported as one service named after the project, '${name}'.`;
  return { names: names.length > 0 ? names : [name], notes: [note] };
}

/** A resource that can be evidence: not the root stack, not a provider. */
function provable(r: { readonly type: string }): boolean {
  return r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:");
}

/** Builds the audit report of a stack export. */
export async function auditState(file: string, opts: AuditOptions = {}): Promise<Report> {
  const cwd = opts.cwd ?? process.cwd();
  const configFile = opts.config ?? path.join(packageRoot(), "policypack", "config", "production.json");
  const config = loadPackConfig(path.resolve(cwd, configFile), configFile);
  const { today, date } = parseToday(opts.today);
  const checklists = loadChecklists({ checklist: opts.checklist, checklists: opts.checklists, cwd });
  const exportText = readInput(path.resolve(cwd, file), "stack export", file);
  const state = parseStackExport(exportText, file);
  if (!state.stack.some(provable)) {
    throw new InputError(`${file}: the stack holds no resource (only the stack and its providers), so nothing can be proven ready. Fix: export a stack that has been deployed.`);
  }
  const rules = opts.rules ?? RULES;
  let evaluation;
  try {
    evaluation = await evaluateLocal(rules, state.analyze, state.stack, config, { today, facts: state.facts });
  } catch (e) {
    configErrorToInput(configFile, e);
  }
  const bad = configInputError(configFile, evaluation.findings);
  if (bad) throw bad;
  const secrets = resourceSecrets([...state.analyze, ...state.stack]);
  const services = stackServices(new StackView(state.stack, state.facts), state.project);
  const taken = manifestTime(exportText);
  const clock = taken === undefined ? runTime() : undefined;
  const provenance: Provenance = {
    evidenceTime: taken ?? (clock?.time as string),
    evidenceTimeSource: clock?.source ?? "manifest",
    input: { file: relativeToCwd(file, cwd), sha256: fileSha256(path.resolve(cwd, file)) },
    config: { file: relativeToCwd(configFile, cwd), sha256: fileSha256(path.resolve(cwd, configFile)) },
    pack: { name: PACK_NAME, version: packVersion() },
    tool: { name: "readiness-guard", version: toolVersion() },
  };
  return withSecrets(buildReport({
    source: { kind: "state", file: relativeToCwd(file, cwd), project: state.project, stack: state.stackName },
    sources: state.sources,
    pack: { name: PACK_NAME, version: packVersion() },
    toolVersion: toolVersion(),
    date,
    resources: state.stack.length,
    findings: evaluation.findings,
    evaluated: evaluation.evaluated,
    checked: evaluation.checked,
    ...(checklists ? { checklists } : {}),
    services: services.names,
    provenance,
    signoffs: (opts.signoff ?? []).map((f) => readSignOffFile(path.resolve(cwd, f), f)),
    notes: [
      ...services.notes,
      ...(state.facts.gcpRegion
        ? []
        : ["The export has no default gcp provider with a region: resources without a location of their own and without an explicit provider region have none."]),
      ...(state.external.length > 0
        ? [`${state.external.length} resource(s) read with .get (external) were not evaluated: the Pulumi engine never sends them to a policy pack.`]
        : []),
    ],
  }), secrets);
}

/** Builds the report of the policy events in an event log. */
export function auditEvents(file: string, opts: AuditOptions = {}): Report {
  const cwd = opts.cwd ?? process.cwd();
  const { date } = parseToday(opts.today);
  const checklists = loadChecklists({ checklist: opts.checklist, checklists: opts.checklists, cwd });
  const log = parseEventLog(readInput(path.resolve(cwd, file), "event log", file), file);
  const clock = runTime();
  const others = log.packs.filter((p) => p.name !== PACK_NAME);
  if (others.length > 0) {
    throw new InputError(
      `${file}: has policy events of another policy pack (${others.map((p) => `'${p.name}'`).join(", ")}), not only of ${PACK_NAME}. Fix: pass the event log of a \`pulumi preview --policy-pack policypack\` run with this pack alone.`,
    );
  }
  if (!log.packs.some((p) => p.name === PACK_NAME)) {
    throw new InputError(
      `${file}: has no policy event of ${PACK_NAME} (${log.events} event${log.events === 1 ? "" : "s"}), so nothing shows the pack ran. Fix: pass the event log of \`pulumi preview --event-log <file> --policy-pack policypack\`.`,
    );
  }
  const stack = new StackView(log.resources);
  const service = (urn: string | undefined) => {
    const r = urn ? stack.byUrn(urn) : undefined;
    return r ? stack.serviceOf(r) : undefined;
  };
  const findings = log.findings.map((f) => {
    const s = service(f.urn);
    return s ? { ...f, service: s } : f;
  });
  const hasSummaries = log.checked.size > 0 || log.stackPolicies.size > 0;
  const checked = new Map<string, Checked>();
  for (const p of log.stackPolicies) checked.set(p, "stack");
  for (const [policy, urns] of log.checked) {
    checked.set(
      policy,
      [...urns].sort().map((u): ResourceRef => {
        const r = stack.byUrn(u);
        const s = service(u);
        const name = u.slice(u.lastIndexOf("::") + 2);
        const type = r?.type ?? (u.split("::")[2] ?? "").split("$").pop() ?? "";
        return s ? { urn: u, name, type, service: s } : { urn: u, name, type };
      }),
    );
  }
  const ours = log.packs.find((p) => p.name === PACK_NAME);
  const evaluated = hasSummaries ? [...log.checked.keys(), ...log.stackPolicies] : GATES.map((g) => g.name);
  const first = log.resources[0]?.urn.split("::");
  const services = stackServices(stack, first?.[1]);
  return withSecrets(buildReport({
    source: { kind: "events", file: relativeToCwd(file, cwd), project: first?.[1], stack: first?.[0]?.slice("urn:pulumi:".length) },
    pack: { name: ours?.name ?? log.packs[0]?.name ?? PACK_NAME, version: ours?.version || log.packs[0]?.version || "unknown" },
    toolVersion: toolVersion(),
    date,
    resources: log.resources.length,
    findings,
    evaluated,
    checked: hasSummaries ? checked : undefined,
    ...(checklists ? { checklists } : {}),
    services: services.names,
    signoffs: (opts.signoff ?? []).map((f) => readSignOffFile(path.resolve(cwd, f), f)),
    provenance: {
      evidenceTime: clock.time,
      evidenceTimeSource: clock.source,
      input: { file: relativeToCwd(file, cwd), sha256: fileSha256(path.resolve(cwd, file)) },
      pack: { name: ours?.name ?? PACK_NAME, version: ours?.version || "unknown" },
      tool: { name: "readiness-guard", version: toolVersion() },
    },
    notes: hasSummaries
      ? [...services.notes]
      : [
          ...services.notes,"The event log has no policy analyze summaries: a line without a violation event is shown as passed on the strength of no violation being reported, without the resources it checked."],
  }), resourceSecrets(log.resources));
}

export interface AuditRun {
  readonly report: Report;
  readonly output: string;
  readonly exitCode: 0 | 1;
}

/** The whole command: report, rendered output, exit code. */
export async function runAudit(opts: AuditOptions & { format: Format }): Promise<AuditRun> {
  if ((opts.state === undefined) === (opts.events === undefined)) {
    throw new InputError("give exactly one of --state <stack export> or --events <event log>.");
  }
  const report = opts.state !== undefined ? await auditState(opts.state, opts) : auditEvents(opts.events as string, opts);
  const output = render(report, opts.format, { packLocation: opts.state !== undefined ? "in-process" : "from the event log" });
  return { report, output, exitCode: report.summary.result === "fail" ? 1 : 0 };
}
