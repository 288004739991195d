/**
 * `readiness check`: runs a Pulumi program offline (under the SDK's mocks, preview mode), then
 * launches the policy pack exactly as the Pulumi CLI does and drives it over the real Analyzer
 * gRPC protocol: GetAnalyzerInfo, Configure (every policy, with level and properties, schema
 * defaults filled like the CLI), Analyze for every resource the engine registers (the root Stack
 * first, then components, providers, default providers and custom resources), AnalyzeStack once.
 *
 * It prints the violations grouped like `pulumi preview`, writes the audit reports, and exits
 * 0 (no mandatory violation), 1 (mandatory violations) or 2 (bad input).
 *
 * The pack's diagnostics decide the outcome. The same rules also run in-process over the same
 * resources, for what the protocol does not carry: waived findings (the pack never reports them)
 * and the evidence behind every ticked line; the two are compared and a difference is reported.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { ResourceInput } from "../policypack/src/access/resource";
import { StackView } from "../policypack/src/access/stack";
import { isRecord, unwrapSecrets } from "../policypack/src/access/values";
import type { Rule } from "../policypack/src/engine/rule";
import type { Finding } from "../policypack/src/engine/run";
import { RULES } from "../policypack/src/gates";
import { AnalyzerProcess, type AnalyzerInfoJson, type Diagnostic, type WireResource } from "./analyzer-client";
import {
  configErrorToInput,
  configInputError,
  loadPackConfig,
  packageRoot,
  parseToday,
  relativeToCwd,
  stackServices,
  toolVersion,
} from "./audit";
import { findingsFromDiagnostic } from "./events";
import { PolicyConfigError, reconcilePolicyPackConfig, type ConfigEntry } from "./pulumi-config";
import { loadStackConfigWithSecrets, runProgramFileInChild, type CapturedResource, type RunOptions } from "./mock-run";
import { declarationSites, type SourcePosition } from "./source-positions";
import { findProjectDir, programOf, readProject, selectStack, stacksOf, type PulumiProject } from "./project";
import { evaluateLocal } from "./report/evaluation";
import { render, writeReports, type Format } from "./report/index";
import { buildReport, type Report } from "./report/model";
import { checklistInputFiles, loadChecklists } from "./checklists";
import { readSignOffFile } from "./signoff";
import { fileSha256, programProvenance, runTime, type Provenance } from "./provenance";
import { resourceSecrets, withSecrets } from "./report/safe";
import { addRendered, loadRendered } from "./rendered";
import { InputError } from "./state";

export type ProgramRunner = (modulePath: string, opts: RunOptions) => Promise<readonly CapturedResource[] & { warnings?: readonly string[] }>;

export interface CheckOptions {
  /** Program module; default: the project's (Pulumi.yaml `main`, package.json `main`, index.ts / index.js). */
  readonly program?: string;
  /** Stack; default: the only Pulumi.<stack>.yaml of the project ("prod" for this package's own project). */
  readonly stack?: string;
  /** Directory with Pulumi.yaml and Pulumi.<stack>.yaml (default: found from `searchDir` upwards). */
  readonly projectDir?: string;
  /** Where to look for Pulumi.yaml, upwards (`--cwd`; default: `cwd`). */
  readonly searchDir?: string;
  /** What `pulumi.getOrganization()` returns (default: "organization"). */
  readonly org?: string;
  /** Pack config; default policypack/config/production.json. */
  readonly config?: string;
  /** Pack directory; default policypack. */
  readonly pack?: string;
  /** Where the five reports go ("" = none). */
  readonly outDir: string;
  readonly format: Format;
  readonly today?: string;
  /** Measure start-up and round trips (Analyze calls are then sequential). */
  readonly timings?: boolean;
  readonly concurrency?: number;
  readonly cwd?: string;
  readonly rules?: readonly Rule[];
  readonly runner?: ProgramRunner;
  /** `--checklist <service>=<file>` (repeatable) and `--checklists <dir>`: the team's own checklists. */
  readonly checklist?: readonly string[];
  readonly checklists?: string;
  /** `--rendered <chart>=<file|dir>` (repeatable): `helm template` output checked as the named chart's children (cli/rendered.ts). */
  readonly rendered?: readonly string[];
  /** `--signoff <file>`, repeatable: a service's sign-off file (YAML), as for audit. */
  readonly signoff?: readonly string[];
  /** Progress and notes (default process.stderr). */
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Timings {
  readonly programMs: number;
  readonly packStartMs: number;
  readonly infoMs: number;
  readonly configureMs: number;
  readonly analyzeCalls: number;
  readonly analyzeMeanMs: number;
  readonly analyzeP50Ms: number;
  readonly analyzeP95Ms: number;
  readonly analyzeMaxMs: number;
  readonly analyzeStackMs: number;
  readonly totalMs: number;
}

export interface CheckResult {
  readonly report: Report;
  readonly output: string;
  readonly exitCode: 0 | 1;
  readonly reports: readonly string[];
  readonly timings: Timings;
  readonly diagnostics: readonly Diagnostic[];
  /** Findings of the in-process evaluation that the pack did not report, and vice versa. */
  readonly mismatch: readonly string[];
  /** Where the program declared each resource, in the project's source (see `declarationSites`): URN → file relative to the project directory, line, column. */
  readonly sources: Readonly<Record<string, SourcePosition>>;
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The compiled module of the program named by Pulumi.yaml (`main`: a .ts file or directory → build/…js). */
export function defaultProgram(projectDir: string): string {
  const file = path.join(projectDir, "Pulumi.yaml");
  let main = "stacks/index.ts";
  if (fs.existsSync(file)) {
    const doc = yaml.load(fs.readFileSync(file, "utf8"));
    if (isRecord(doc) && typeof doc["main"] === "string" && doc["main"] !== "") main = doc["main"];
  }
  const abs = path.resolve(projectDir, main);
  if (main.endsWith(".js")) return abs;
  const rel = path.relative(projectDir, main.endsWith(".ts") ? abs.slice(0, -3) : path.join(abs, "index"));
  return path.join(projectDir, "build", `${rel}.js`);
}

/** The source file a compiled module came from (<root>/build/x.js → <root>/x.ts), for report locations. */
export function sourceOf(modulePath: string, ...roots: readonly string[]): string {
  for (const root of roots) {
    const rel = path.relative(root, modulePath);
    if (rel.startsWith(`build${path.sep}`) && rel.endsWith(".js")) {
      const ts = path.join(root, rel.slice("build/".length, -3) + ".ts");
      if (fs.existsSync(ts)) return ts;
    }
  }
  return modulePath;
}

/**
 * The project to check: --project-dir as given, else the nearest Pulumi.yaml at or above --cwd (or the
 * current directory). Outside any project, an explicit --program keeps this package's own project.
 */
function resolveProject(opts: CheckOptions, cwd: string, root: string): PulumiProject {
  if (opts.projectDir !== undefined) {
    const dir = path.resolve(cwd, opts.projectDir);
    if (!fs.existsSync(path.join(dir, "Pulumi.yaml")) && !fs.existsSync(path.join(dir, "Pulumi.yml"))) {
      return { dir, file: path.join(dir, "Pulumi.yaml"), name: "project", runtime: "", typescript: true };
    }
    return readProject(dir);
  }
  const start = path.resolve(cwd, opts.searchDir ?? ".");
  if (opts.searchDir !== undefined && !fs.existsSync(start)) throw new InputError(`--cwd ${opts.searchDir}: no such directory.`);
  const found = findProjectDir(start);
  if (found) return readProject(found);
  if (opts.program !== undefined && opts.searchDir === undefined) return readProject(root);
  throw new InputError(`${relativeToCwd(start, cwd) || "."}: no Pulumi.yaml here or in any parent directory. Fix: run from your Pulumi project, or pass --cwd <project dir>.`);
}

/** Stack config as the CLI passes it to the program and the pack (PULUMI_CONFIG), with the keys of `secure:` values. */
function stackConfig(projectDir: string, stack: string): { config: Record<string, string>; secretKeys: string[] } {
  if (!fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) return { config: {}, secretKeys: [] };
  try {
    return loadStackConfigWithSecrets(projectDir, stack);
  } catch (e) {
    throw new InputError(`${path.join(projectDir, `Pulumi.${stack}.yaml`)}: cannot read the stack config (${(e as Error).message}).`);
  }
}

/**
 * The Configure map the Pulumi CLI sends for a config file: reconciled with the CLI's own algorithm
 * (cli/pulumi-config.ts), so every policy has an entry and `all`, when given, is sent as well.
 */
export function configureRequest(info: AnalyzerInfoJson, file: Readonly<Record<string, unknown>>): Record<string, ConfigEntry> {
  return reconcilePolicyPackConfig(info, file);
}

/**
 * Where the engine shows a stack policy's diagnostic: its own URN when that names a resource of the
 * stack, else the root Stack (pkg/resource/deploy/step_generator.go AnalyzeResources, v3.248.0 L3343-L3355).
 */
export function stackDiagnosticUrn(urn: string, inStack: ReadonlySet<string>, rootUrn: string): string {
  return urn !== "" && inStack.has(urn) ? urn : rootUrn;
}

function analyzeWire(r: CapturedResource): WireResource {
  const w: WireResource = { type: r.type, urn: r.urn, name: r.name, properties: r.inputs, protect: r.protect };
  if (r.provider) w.provider = { type: r.provider.type, urn: r.provider.urn, name: r.provider.name, properties: r.provider.props };
  if (r.parent) w.parent = r.parent;
  return w;
}

function stackWire(r: CapturedResource): WireResource {
  return { ...analyzeWire(r), properties: r.outputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies };
}

function input(r: CapturedResource, props: Record<string, unknown>): ResourceInput {
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    props,
    provider: r.provider ? { type: r.provider.type, urn: r.provider.urn, name: r.provider.name, props: r.provider.props } : undefined,
    opts: { protect: r.protect, parent: r.parent },
    parent: r.parent,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

/** Multiset difference of findings by policy, level and message (URNs of stack-level diagnostics differ by design). */
export function compareFindings(wire: readonly Finding[], local: readonly Finding[]): string[] {
  const key = (f: Finding) => `${f.policy} [${f.kind === "undecided" || f.kind === "error" ? "advisory" : f.level}] ${f.message}`;
  const counts = new Map<string, number>();
  for (const f of wire) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  for (const f of local) counts.set(key(f), (counts.get(key(f)) ?? 0) - 1);
  const out: string[] = [];
  for (const [k, n] of [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (n > 0) out.push(`reported by the pack only: ${k}`);
    if (n < 0) out.push(`found in-process only: ${k}`);
  }
  return out;
}

class Progress {
  private last = 0;
  constructor(
    private readonly out: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined,
    private readonly total: number,
  ) {}

  get enabled(): boolean {
    return !!this.out && (this.out.isTTY === true || this.total > 1000);
  }

  tick(done: number): void {
    if (!this.enabled || !this.out) return;
    const tty = this.out.isTTY === true;
    const step = tty ? Math.max(1, Math.floor(this.total / 100)) : Math.max(1, Math.floor(this.total / 10));
    if (done !== this.total && done - this.last < step) return;
    this.last = done;
    const line = `Analyzing resources: ${done}/${this.total}`;
    this.out.write(tty ? `\r${line}${done === this.total ? "\n" : ""}` : `${line}\n`);
  }
}

/** Runs the check; throws InputError on bad input. */
export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const t0 = process.hrtime.bigint();
  const cwd = opts.cwd ?? process.cwd();
  const root = packageRoot();
  const proj = resolveProject(opts, cwd, root);
  const projectDir = proj.dir;
  const configFile = path.resolve(cwd, opts.config ?? path.join(root, "policypack", "config", "production.json"));
  const packDir = path.resolve(cwd, opts.pack ?? path.join(root, "policypack"));
  const bundled = projectDir === root;
  const program = opts.program !== undefined ? path.resolve(cwd, opts.program) : bundled ? defaultProgram(projectDir) : programOf(proj);
  const stderr = opts.stderr ?? process.stderr;
  const { today, date } = parseToday(opts.today);
  const packConfig = loadPackConfig(configFile, relativeToCwd(configFile, cwd));
  const checklists = loadChecklists({ checklist: opts.checklist, checklists: opts.checklists, cwd });
  const rendered = loadRendered(opts.rendered ?? [], cwd, (abs) => relativeToCwd(abs, cwd));
  // Read and validated before the program runs and the pack starts: a bad file is exit 2 at once.
  const signoffs = (opts.signoff ?? []).map((f) => readSignOffFile(path.resolve(cwd, f), f));
  if (!fs.existsSync(program)) {
    throw new InputError(`${relativeToCwd(program, cwd)}: no such program module. Fix: run \`npm run build\` first, or pass --program <compiled module>.`);
  }
  // Provenance, taken before the program runs: when, the module and config that ran, the project's
  // source files and git commit (the report folder left out of the digest).
  const clock = runTime();
  const programProv = programProvenance(projectDir, relativeToCwd(projectDir, cwd) || ".", opts.outDir ? [path.resolve(cwd, opts.outDir)] : []);
  if (!fs.existsSync(path.join(packDir, "package.json")) || !fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
    throw new InputError(`${relativeToCwd(packDir, cwd)}: not a policy pack directory (needs PulumiPolicy.yaml and package.json).`);
  }
  const stack = opts.stack ?? (bundled ? "prod" : selectStack(proj, undefined, relativeToCwd(projectDir, cwd) || "."));
  const { config, secretKeys } = stackConfig(projectDir, stack);
  const projectNotes: string[] = [];
  if (!bundled && !stacksOf(projectDir).includes(stack)) {
    projectNotes.push(`No Pulumi.${stack}.yaml in ${relativeToCwd(projectDir, cwd) || "."}: the stack's config is the project's defaults only.`);
  }
  const organization = opts.org ?? "organization";
  const project = proj.name;

  // 1. The program, offline, from its project directory, as the Node.js language host runs it.
  const tProgram = process.hrtime.bigint();
  const runner: ProgramRunner =
    opts.runner ?? ((m, o) => runProgramFileInChild(m, o, 600_000, { cwd: projectDir, typescript: proj.typescript, stackFrames: bundled ? 8 : 30 }));
  let run: readonly CapturedResource[] & { warnings?: readonly string[] };
  try {
    run = await runner(program, { project, stack, config, secretKeys, organization });
  } catch (e) {
    throw new InputError(`${relativeToCwd(program, cwd)}: the program failed under the Pulumi mocks: ${(e as Error).message.split("\n")[0]}`);
  }
  // `--rendered`: the charts' rendered objects as their children; the runner's note that those
  // charts cannot be rendered offline no longer applies.
  const withRendered = addRendered(run, rendered, { stack, project });
  const renderedUrns = withRendered.charts.map((u) => `${u}:`);
  const captured: readonly CapturedResource[] & { warnings?: readonly string[] } = Object.assign(withRendered.resources, {
    warnings: [...(run.warnings ?? []).filter((w) => !renderedUrns.some((u) => w.startsWith(u))), ...withRendered.notes],
  });
  const programMs = ms(tProgram);
  const facts = typeof config["gcp:region"] === "string" && config["gcp:region"] !== "" ? { gcpRegion: config["gcp:region"] } : {};

  // 2. The same rules in-process (waivers, evidence, and config validation before launching).
  // The engine analyzes every registered resource: the root Stack (registered first by the
  // language host), components, explicit and default providers, custom resources
  // (pkg/resource/deploy/step_generator.go generateSteps → analyzeAll).
  const custom = [...captured];
  const rootUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  let local;
  try {
    // As the pack receives them: the policy SDK unwraps secrets before a policy runs (@pulumi/policy
    // server.js: deserializeProperties(props, false)), and the fast AnalyzeStack path does the same.
    local = await evaluateLocal(
      opts.rules ?? RULES,
      custom.map((r) => input(r, unwrapSecrets(r.inputs) as Record<string, unknown>)),
      captured.map((r) => input(r, unwrapSecrets(r.outputs) as Record<string, unknown>)),
      packConfig,
      { today, facts },
    );
  } catch (e) {
    configErrorToInput(relativeToCwd(configFile, cwd), e);
  }
  const bad = configInputError(relativeToCwd(configFile, cwd), local.findings);
  if (bad) throw bad;

  // 3. The pack, as the Pulumi CLI runs it.
  const env: NodeJS.ProcessEnv = {
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_NODEJS_PROJECT: project,
    PULUMI_NODEJS_STACK: stack,
    PULUMI_NODEJS_ORGANIZATION: organization,
    PULUMI_NODEJS_DRY_RUN: "true",
  };
  const tStart = process.hrtime.bigint();
  const pack = await AnalyzerProcess.launch(packDir, { env });
  const packStartMs = ms(tStart);
  const diagnostics: Diagnostic[] = [];
  const latencies: number[] = [];
  let info: AnalyzerInfoJson;
  let infoMs = 0;
  let configureMs = 0;
  let analyzeStackMs = 0;
  try {
    let t = process.hrtime.bigint();
    info = await pack.getAnalyzerInfo();
    infoMs = ms(t);
    t = process.hrtime.bigint();
    try {
      await pack.configure(configureRequest(info, packConfig));
    } catch (e) {
      if (e instanceof PolicyConfigError) throw new InputError(`${relativeToCwd(configFile, cwd)}: the Pulumi CLI would reject this config: ${e.message}`);
      throw new InputError(`${relativeToCwd(configFile, cwd)}: the pack rejected the config: ${(e as Error).message.replace(/^\d+ [A-Z_]+: /, "")}`);
    }
    configureMs = ms(t);

    const progress = new Progress(stderr, custom.length);
    const concurrency = opts.timings ? 1 : Math.max(1, opts.concurrency ?? 8);
    let next = 0;
    let done = 0;
    const results: Diagnostic[][] = new Array(custom.length);
    // The root Stack registers before anything else, so it is the engine's first Analyze call: the
    // pack's once-per-config problems (invalid waivers, settings) land on it, here as there.
    const rootIndex = custom.findIndex((r) => r.urn === rootUrn);
    if (rootIndex >= 0) {
      const tc = process.hrtime.bigint();
      results[rootIndex] = await pack.analyze(analyzeWire(custom[rootIndex] as CapturedResource));
      latencies.push(ms(tc));
      progress.tick(++done);
    }
    const worker = async (): Promise<void> => {
      while (next < custom.length) {
        const i = next++;
        if (i === rootIndex) continue;
        const tc = process.hrtime.bigint();
        results[i] = await pack.analyze(analyzeWire(custom[i] as CapturedResource));
        latencies.push(ms(tc));
        progress.tick(++done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, custom.length)) }, worker));
    for (const r of results) if (r) diagnostics.push(...r);
    t = process.hrtime.bigint();
    // A stack diagnostic whose URN is empty or names no resource of the stack is attributed to the
    // root Stack (step_generator.go AnalyzeResources, v3.248.0 L3343-L3355).
    const inStack = new Set(captured.map((r) => r.urn));
    diagnostics.push(...(await pack.analyzeStack(captured.map(stackWire))).map((d) => ({ ...d, urn: stackDiagnosticUrn(d.urn, inStack, rootUrn) })));
    analyzeStackMs = ms(t);
  } finally {
    await pack.close();
  }

  // 4. Findings from the wire, attributed to services like the in-process ones.
  const view = new StackView(
    captured.map((r) => input(r, r.outputs)),
    facts,
  );
  const wireFindings: Finding[] = diagnostics
    .filter((d) => d.enforcementLevel !== "disabled")
    .flatMap((d) =>
      findingsFromDiagnostic({
        policy: d.policyName,
        level: d.enforcementLevel === "advisory" ? "advisory" : "mandatory",
        message: d.message,
        urn: d.urn,
        severity: d.severity,
        description: d.description,
      }),
    )
    .map((f) => {
      const r = f.urn ? view.byUrn(f.urn) : undefined;
      const s = r ? view.serviceOf(r) : undefined;
      return s ? { ...f, service: s } : f;
    });
  const localReportable = local.findings.filter((f) => f.kind !== "waived");
  const mismatch = compareFindings(wireFindings, localReportable);
  const services = stackServices(view, project);
  const notes = [...projectNotes, ...services.notes, ...(captured.warnings ?? [])];
  if (mismatch.length > 0) {
    notes.push(`The pack process and the in-process evaluation disagree on ${mismatch.length} finding(s); the pack's diagnostics are reported. ${mismatch.slice(0, 3).join("; ")}`);
  }

  const positions = declarationSites(captured);
  const provenance: Provenance = {
    evidenceTime: clock.time,
    evidenceTimeSource: clock.source,
    input: { file: relativeToCwd(program, cwd), sha256: fileSha256(program) },
    config: { file: relativeToCwd(configFile, cwd), sha256: fileSha256(configFile) },
    pack: { name: info.name, version: info.version },
    tool: { name: "readiness-guard", version: toolVersion() },
    program: programProv,
  };
  const report = withSecrets(buildReport({
    source: {
      kind: "preview",
      file: relativeToCwd(sourceOf(program, projectDir, root), cwd),
      project,
      stack: stack,
      ...(positions.size > 0 ? { root: relativeToCwd(projectDir, cwd) || "." } : {}),
    },
    sources: positions,
    pack: { name: info.name, version: info.version },
    toolVersion: toolVersion(),
    date,
    resources: captured.length,
    findings: [...wireFindings, ...local.findings.filter((f) => f.kind === "waived")],
    evaluated: local.evaluated.filter((n) => info.policies.some((p) => p.name === n)),
    checked: local.checked,
    ...(checklists ? { checklists } : {}),
    services: services.names,
    signoffs,
    provenance,
    notes,
  }), resourceSecrets(view.resources.map((r) => ({ type: r.type, props: r.props, provider: { props: r.providerProps() } }))));
  const inputs = [program, configFile, ...(opts.signoff ?? []).map((f) => path.resolve(cwd, f)), ...checklistInputFiles({ checklist: opts.checklist, checklists: opts.checklists, cwd })];
  const reports = opts.outDir ? writeReports(report, path.resolve(cwd, opts.outDir), inputs).map((p) => relativeToCwd(p, cwd)) : [];
  const output = render(report, opts.format, { packLocation: `local: ${relativeToCwd(packDir, cwd)}` });
  const sorted = [...latencies].sort((a, b) => a - b);
  const timings: Timings = {
    programMs: round(programMs),
    packStartMs: round(packStartMs),
    infoMs: round(infoMs),
    configureMs: round(configureMs),
    analyzeCalls: latencies.length,
    analyzeMeanMs: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
    analyzeP50Ms: round(quantile(sorted, 0.5)),
    analyzeP95Ms: round(quantile(sorted, 0.95)),
    analyzeMaxMs: round(sorted[sorted.length - 1] ?? 0),
    analyzeStackMs: round(analyzeStackMs),
    totalMs: round(ms(t0)),
  };
  const sources: Record<string, SourcePosition> = Object.fromEntries(positions);
  return { report, output, exitCode: report.summary.result === "fail" ? 1 : 0, reports, timings, diagnostics, mismatch, sources };
}
