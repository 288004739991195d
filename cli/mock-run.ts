/**
 * The offline program runner: runs a Pulumi program in this process under the SDK's mocks, in
 * preview mode, and captures every resource it registers the way the engine would present it to
 * a policy pack (Analyze: inputs + provider; AnalyzeStack: outputs + parent + dependencies).
 *
 * - No Pulumi CLI, no cloud credentials, no network.
 * - Preview semantics: the mock returns `id: undefined` and echoes the inputs as state, so every
 *   output the provider would compute (ids, emails, self links, ...) is unknown, and inputs built
 *   from such outputs carry the engine's unknown sentinel (UNKNOWN_STRING below).
 * - Parent, dependencies, property dependencies and `protect` are read from the
 *   RegisterResourceRequest the SDK sends to the mock monitor. That request is internal to
 *   @pulumi/pulumi; this file is written against 3.248.0 (pinned in package.json) and
 *   test/stacks/mock-run.spec.ts fails if a new version changes it.
 * - Resources on the default provider get the provider the engine would build from stack config
 *   (`gcp:region`, `gcp:project`, ...), named `default_<version>`.
 * - `kubernetes:yaml/v2:ConfigGroup` / `ConfigFile` are rendered by the Kubernetes provider, so
 *   under mocks their children never register: this runner renders them itself from the
 *   component's `yaml` / `objs` / `files` / `file` inputs, as the provider names them
 *   (`<prefix>:<namespace>/<name>`), with its default namespace and depends-on dependencies. Helm v3/v4
 *   charts and kustomize v2 directories cannot be rendered offline: the run's `warnings` say so, the
 *   resource-coverage gate reports them, and `readiness check --rendered` adds their rendered objects
 *   (cli/rendered.ts, through `childrenOf`).
 *
 * Speed: the SDK records a stack trace per resource and per internal promise; during a run only
 * one frame is kept (set READINESS_MOCK_RUN_STACKS=<frames> for more when debugging a program).
 *
 * One program per process at a time: the SDK keeps its settings, config and monitor in global
 * state. `runProgram` refuses a second concurrent run; sequential runs in one process work (each
 * run resets the mocks and the config), but a program that runs on import only registers on its
 * first import unless its module is re-evaluated. For full isolation use `runProgramFileInChild`,
 * or run this file as a script:
 *
 *   node build/cli/mock-run.js <program.js> --stack prod [--project readiness] [--dir .] [--config k=v ...]
 *
 * which prints `{"resources": [...], "warnings": [...]}` as JSON on stdout.
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { invokePlaceholder } from "./invoke-placeholder";
import type { SourcePosition } from "./source-positions";
import { programErrorLine, programFrame, registerTypeScript } from "./ts-host";

/** The engine's unknown sentinel for strings (what policies receive for values unknown at preview). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CapturedResource {
  type: string;
  urn: string;
  name: string;
  custom: boolean;
  /** As the engine would send to Analyze (unknowns as the sentinel string). */
  inputs: Record<string, unknown>;
  /** As AnalyzeStack would see them (inputs merged with mock outputs; unknown where not known). */
  outputs: Record<string, unknown>;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Explicit provider, else the default provider built from stack config, as the engine does. */
  provider?: { type: string; urn: string; name: string; props: Record<string, unknown> };
  protect: boolean;
  /**
   * Where the program declared the resource (the `new Resource(...)` call; the SDK sends it with the
   * registration): the file relative to the directory the program ran in, 1-based line and column.
   */
  sourcePosition?: SourcePosition;
}

export type { SourcePosition };

export interface RunOptions {
  project: string;
  stack: string;
  /** Stack config, namespaced keys, e.g. {"gcp:region": "europe-west1", "readiness:environment": "production"}. */
  config: Record<string, string>;
  /** Config keys whose values are secret (`secure:` in the stack file): `getSecret`/`requireSecret` work on them. */
  secretKeys?: readonly string[];
  /** What `pulumi.getOrganization()` returns (default "organization", as for an individual account). */
  organization?: string;
}

/** The captured resources, in registration order, with the run's warnings (what could not be seen offline). */
export type CapturedRun = CapturedResource[] & { readonly warnings: readonly string[] };

// ------------------------------------------------------------------ SDK internals (3.248.0)

interface PbStruct {
  toJavaScript(): Record<string, unknown>;
}
interface PbMap<V> {
  forEach(cb: (value: V, key: string) => void): void;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote(): boolean;
  getObject(): PbStruct | undefined;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getProvidersMap(): PbMap<string>;
  getPropertydependenciesMap(): PbMap<{ getUrnsList(): string[] }>;
  getVersion(): string;
  getSourceposition?(): { getUri(): string; getLine(): number; getColumn(): number } | undefined;
}
interface RegisterResponse {
  getUrn(): string;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): PbStruct | undefined;
}
type Callback<R> = (err: unknown, resp: R | undefined) => void;
interface MonitorLike {
  registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): Promise<void>;
  registerResourceOutputs(req: OutputsRequest, cb: Callback<unknown>): void;
}
interface SettingsModule {
  getMonitor(): MonitorLike | undefined;
  waitForRPCs(): Promise<void>;
}
interface StateModule {
  getStore(): { logErrorCount: number };
}

const settings = require("@pulumi/pulumi/runtime/settings") as SettingsModule;
const state = require("@pulumi/pulumi/runtime/state") as StateModule;

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Wire form → what a policy receives: resource references become their id (custom) or URN
 * (component), as the engine downgrades them; secrets keep their wrapper; unknowns stay sentinels.
 */
function fromWire(v: unknown, depth = 0): unknown {
  if (depth > 100) return v;
  if (Array.isArray(v)) return v.map((x) => fromWire(x, depth + 1));
  if (!isRecord(v)) return v;
  const sig = v[SIG];
  if (sig === RESOURCE_SIG) {
    if (typeof v["id"] === "string") return v["id"] === "" ? UNKNOWN_STRING : v["id"];
    return v["urn"];
  }
  if (sig === SECRET_SIG) return { [SIG]: SECRET_SIG, value: fromWire(v["value"], depth + 1) };
  if (sig === OUTPUT_SIG) {
    const inner = "value" in v ? fromWire(v["value"], depth + 1) : UNKNOWN_STRING;
    return v["secret"] === true ? { [SIG]: SECRET_SIG, value: inner } : inner;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = fromWire(x, depth + 1);
  return out;
}

function structToJs(s: PbStruct | undefined): Record<string, unknown> {
  if (!s) return {};
  const v = fromWire(s.toJavaScript());
  return isRecord(v) ? v : {};
}

function urnOf(stack: string, project: string, qualifiedType: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** "urn:pulumi:s::p::a$b$c::n" → "a$b$c". */
function qualifiedTypeOf(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? (parts[2] as string) : "";
}

/** A provider reference "urn::id" → urn. */
function providerUrn(ref: string): string {
  const i = ref.lastIndexOf("::");
  return i > 0 ? ref.slice(0, i) : ref;
}

function packageOf(type: string): string {
  return type.split(":")[0] ?? type;
}

// ------------------------------------------------------------------ the run

interface Raw {
  seq: number;
  req: {
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    remote: boolean;
    inputs: Record<string, unknown>;
    protect: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    provider: string;
    providers: Record<string, string>;
    version: string;
    sourcePosition?: SourcePosition;
  };
  urn: string;
  outputs?: Record<string, unknown>;
}

let running = false;

/** Default provider props from stack config: every `<pkg>:<key>` entry, values as given (JSON parsed when it is an object). */
function defaultProviderProps(pkg: string, config: Record<string, string>, version: string): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!k.startsWith(`${pkg}:`)) continue;
    const key = k.slice(pkg.length + 1);
    let value: unknown = v;
    if (/^\s*[[{]/.test(v)) {
      try {
        value = JSON.parse(v);
      } catch {
        value = v;
      }
    }
    props[key] = value;
  }
  if (version) props["version"] = version;
  return props;
}

const K8S_CHILD_RENDERED = new Set(["kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile"]);
const NOT_RENDERABLE: Readonly<Record<string, string>> = {
  "kubernetes:helm.sh/v3:Chart": "Helm v3 chart",
  "kubernetes:helm.sh/v4:Chart": "Helm v4 chart",
  "kubernetes:kustomize/v2:Directory": "kustomize v2 directory",
};

/** "apps/v1" + "Deployment" → "kubernetes:apps/v1:Deployment"; "v1" → "kubernetes:core/v1:...". */
export function k8sTypeToken(apiVersion: string, kind: string): string {
  const gv = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
  return `kubernetes:${gv}:${kind}`;
}

function containsUnknown(v: unknown, depth = 0): boolean {
  if (v === UNKNOWN_STRING) return true;
  if (depth > 64) return false;
  if (Array.isArray(v)) return v.some((x) => containsUnknown(x, depth + 1));
  if (isRecord(v)) return Object.values(v).some((x) => containsUnknown(x, depth + 1));
  return false;
}

function unwrapSecret(v: unknown): unknown {
  return isRecord(v) && v[SIG] === SECRET_SIG ? v["value"] : v;
}

/** Kubernetes objects of a yaml/v2 component, in the provider's order: files, yaml, then objs. Lists are expanded. */
function k8sObjects(inputs: Record<string, unknown>, cwd: string): { objects: Record<string, unknown>[]; problem?: string } {
  const texts: string[] = [];
  const files = unwrapSecret(inputs["files"]);
  const file = unwrapSecret(inputs["file"]);
  const fileList = [...(Array.isArray(files) ? files : []), ...(typeof file === "string" ? [file] : [])];
  for (const f of fileList) {
    if (typeof f !== "string") continue;
    if (/^[a-z]+:\/\//i.test(f)) return { objects: [], problem: `it reads the remote file ${f}, which is not fetched offline` };
    if (/[*?[]/.test(f)) return { objects: [], problem: `it reads the glob ${f}, which is not expanded offline` };
    texts.push(fs.readFileSync(path.resolve(cwd, f), "utf8"));
  }
  const y = unwrapSecret(inputs["yaml"]);
  if (typeof y === "string") texts.push(y);
  else if (Array.isArray(y)) for (const t of y) if (typeof t === "string") texts.push(t);
  const out: Record<string, unknown>[] = [];
  const add = (o: unknown): void => {
    if (!isRecord(o) || Object.keys(o).length === 0) return;
    const kind = o["kind"];
    if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(o["items"])) {
      for (const item of o["items"]) add(item);
      return;
    }
    out.push(o);
  };
  for (const t of texts) for (const doc of yaml.loadAll(t)) add(doc);
  const objs = unwrapSecret(inputs["objs"]);
  if (Array.isArray(objs)) for (const o of objs) add(unwrapSecret(o));
  return { objects: out };
}

/**
 * Runs `program` under mocks in preview mode and returns what it registered.
 * Throws when the program throws, when a registration fails, or when the program logged errors.
 */
export async function runProgram(program: () => Promise<unknown> | unknown, opts: RunOptions): Promise<CapturedRun> {
  if (running) throw new Error("runProgram: another program is running in this process; the Pulumi runtime is global. Run sequentially, or use runProgramFileInChild.");
  running = true;
  // The SDK records a stack trace for every resource and every internal promise; that is most of
  // the run time. Keep one frame (the throw site) unless READINESS_MOCK_RUN_STACKS asks for more.
  const limit = Error.stackTraceLimit;
  const wanted = Number(process.env["READINESS_MOCK_RUN_STACKS"] ?? "1");
  Error.stackTraceLimit = Number.isFinite(wanted) && wanted >= 0 ? wanted : 1;
  try {
    return await runLocked(program, opts);
  } finally {
    Error.stackTraceLimit = limit;
    running = false;
  }
}

async function runLocked(program: () => Promise<unknown> | unknown, opts: RunOptions): Promise<CapturedRun> {
  const callSites = new Map<string, string>();
  const restoreInvokes = recordInvokeCallSites(callSites, process.cwd());
  try {
    return await runWithMocks(program, opts, callSites);
  } finally {
    restoreInvokes();
  }
}

async function runWithMocks(program: () => Promise<unknown> | unknown, opts: RunOptions, callSites: ReadonlyMap<string, string>): Promise<CapturedRun> {
  const warnings: string[] = [];
  const cwd = process.cwd();
  const calls = { n: 0 };
  /** Provider functions answered with placeholders: token → the first part of their warning. */
  const unanswered = new Map<string, string>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: undefined, state: args.inputs as Record<string, unknown> }),
      call: (args) => {
        calls.n++;
        if (args.token === "kubernetes:yaml:decode") {
          const text = (args.inputs as { text?: unknown }).text;
          return { result: typeof text === "string" ? yaml.loadAll(text).filter((d) => isRecord(d)) : [] };
        }
        // A Helm v3 chart renders through this function: the chart itself is reported (NOT_RENDERABLE).
        if (args.token === "kubernetes:helm:template") return { result: [] };
        const placeholder = invokePlaceholder(args.token, cwd, UNKNOWN_STRING);
        if (!unanswered.has(args.token)) {
          const at = callSites.get(args.token);
          const answer = placeholder
            ? `answered with unknown values for its result (${Object.keys(placeholder).join(", ")}), as a preview answers a lookup whose inputs are unknown`
            : "answered with an empty result";
          unanswered.set(args.token, `the program called the provider function ${args.token}, which cannot run offline${at ? ` (called at ${at})` : ""}; it was ${answer}`);
        }
        return placeholder ?? {};
      },
    },
    opts.project,
    opts.stack,
    true,
    opts.organization ?? "organization",
  );
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ? [...opts.secretKeys] : undefined);
  const store = state.getStore();
  store.logErrorCount = 0;
  const monitor = settings.getMonitor();
  if (!monitor) throw new Error("mock monitor not installed (unexpected @pulumi/pulumi version?)");

  const raws = new Map<string, Raw>();
  const errors: string[] = [];
  let seq = 0;
  /** Bumped by every registration and invoke; with `inflight`, tells when the program is quiet. */
  let activity = 0;
  let inflight = 0;
  const origRegister = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const mySeq = seq++;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v, k) => {
      propertyDependencies[k] = [...v.getUrnsList()];
    });
    const providers: Record<string, string> = {};
    req.getProvidersMap().forEach((v, k) => {
      providers[k] = v;
    });
    const captured: Raw["req"] = {
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      custom: req.getCustom(),
      remote: req.getRemote(),
      inputs: structToJs(req.getObject()),
      protect: req.getProtect() === true,
      dependencies: [...req.getDependenciesList()],
      propertyDependencies,
      provider: req.getProvider(),
      providers,
      version: req.getVersion(),
      ...sourcePositionOf(req, cwd),
    };
    activity++;
    inflight++;
    return origRegister(req, (err, resp) => {
      inflight--;
      if (err || !resp) errors.push(`${captured.type} '${captured.name}': ${err instanceof Error ? err.message : String(err)}`);
      else raws.set(resp.getUrn(), { seq: mySeq, req: captured, urn: resp.getUrn() });
      cb(err, resp);
    });
  };
  const origOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    activity++;
    const raw = raws.get(req.getUrn());
    if (raw) raw.outputs = structToJs(req.getOutputs());
    origOutputs(req, cb);
  };

  await program();
  await settle(() => ({ key: `${activity}/${calls.n}`, busy: inflight > 0 }));
  if (errors.length > 0) throw new Error(`resource registration failed:\n  ${errors.join("\n  ")}`);
  if (store.logErrorCount > 0) throw new Error(`the program logged ${store.logErrorCount} error(s) (see stderr)`);
  const run = build(opts, [...raws.values()].sort((a, b) => a.seq - b.seq), warnings, cwd);
  warnings.unshift(...lookupWarnings(unanswered, run));
  return run;
}

/**
 * One warning per provider function the run could not answer, naming the resources that received
 * its unknown values: those with an unknown input that no resource dependency explains (in a
 * mocked preview, an input built from another resource's output is unknown for that reason alone;
 * one with no dependency can only come from a lookup). With several unanswered functions the
 * resources are named for all of them, since a value does not say which lookup it came from.
 */
function lookupWarnings(unanswered: ReadonlyMap<string, string>, run: readonly CapturedResource[]): string[] {
  if (unanswered.size === 0) return [];
  const receivers = run.filter((r) => Object.entries(r.inputs).some(([k, v]) => (r.propertyDependencies[k] ?? []).length === 0 && containsUnknown(v)));
  const named = receivers.map((r) => `'${r.name}' (${r.type}${r.sourcePosition ? `, ${r.sourcePosition.file}:${r.sourcePosition.line}` : ""})`);
  const who =
    receivers.length === 0
      ? "no resource received its unknown values"
      : `${unanswered.size > 1 ? "resources that received unknown values from this or another unanswered function" : "resources that received its unknown values"}: ${named.join(", ")}; the gates report what they cannot decide on them as undecided`;
  return [...unanswered.values()].map((w) => `${w}; ${who}`);
}

/** The registration's source position, as a path relative to `root` (absolute when outside it). */
function sourcePositionOf(req: RegisterRequest, root: string): { sourcePosition?: SourcePosition } {
  const pos = req.getSourceposition?.();
  if (!pos || !pos.getUri().startsWith("file:")) return {};
  let file: string;
  try {
    file = fileURLToPath(pos.getUri());
  } catch {
    return {};
  }
  const rel = path.relative(root, file);
  const shown = rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
  return { sourcePosition: { file: shown, line: pos.getLine(), column: pos.getColumn() } };
}

type InvokeFn = (...args: unknown[]) => unknown;
const INVOKE_FUNCTIONS = ["invoke", "invokeOutput", "invokeSingle", "invokeSingleOutput"] as const;

/**
 * Records where the program calls each provider function (its first call's file:line:column in the
 * program's own source), by wrapping the SDK's invoke functions for the run. The generated provider
 * SDKs call them through `pulumi.runtime`, which reads them from this module at each call.
 * Returns the function that restores them.
 */
function recordInvokeCallSites(sites: Map<string, string>, root: string): () => void {
  // runtime/index copies the invoke module's functions: both are what the provider SDKs may call.
  const modules = [require("@pulumi/pulumi/runtime/invoke"), require("@pulumi/pulumi/runtime")] as Record<string, unknown>[];
  const saved: [Record<string, unknown>, string, InvokeFn][] = [];
  for (const mod of modules) {
    for (const name of INVOKE_FUNCTIONS) {
      const fn = mod[name];
      if (typeof fn !== "function") continue;
      const original = fn as InvokeFn;
      saved.push([mod, name, original]);
      mod[name] = function (this: unknown, ...args: unknown[]): unknown {
        const token = args[0];
        if (typeof token === "string" && !sites.has(token)) {
          const limit = Error.stackTraceLimit;
          Error.stackTraceLimit = 50;
          const stack = new Error().stack;
          Error.stackTraceLimit = limit;
          // The first frame is this wrapper; the program's own frame follows the provider SDK's.
          const at = programFrame(stack?.split("\n").slice(2).join("\n"), root);
          if (at) sites.set(token, at);
        }
        return original.apply(this, args);
      };
    }
  }
  return () => {
    for (const [mod, name, fn] of saved) mod[name] = fn;
  };
}

/**
 * Waits until the program is quiet: the SDK's RPC queue drained and no registration or provider
 * call started for a few event-loop turns. (Children registered after an invoke, as yaml v1
 * ConfigGroups do, start after the queue first drains.)
 */
async function settle(state: () => { key: string; busy: boolean }): Promise<void> {
  let last = "";
  let stable = 0;
  for (let turns = 0; stable < 3 && turns < 100_000; turns++) {
    await settings.waitForRPCs();
    await new Promise((r) => setImmediate(r));
    const now = state();
    stable = now.key === last && !now.busy ? stable + 1 : 0;
    last = now.key;
  }
}

function build(opts: RunOptions, raws: readonly Raw[], warnings: string[], cwd: string): CapturedRun {
  const { project, stack, config } = opts;
  const rootUrn = urnOf(stack, project, "pulumi:pulumi:Stack", `${project}-${stack}`);
  const byUrn = new Map<string, CapturedResource>();
  const out: CapturedResource[] = [
    {
      type: "pulumi:pulumi:Stack",
      urn: rootUrn,
      name: `${project}-${stack}`,
      custom: false,
      inputs: {},
      outputs: {},
      dependencies: [],
      propertyDependencies: {},
      protect: false,
    },
  ];

  const defaultProvider = (pkg: string, version: string): NonNullable<CapturedResource["provider"]> => {
    const name = version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
    return { type: `pulumi:providers:${pkg}`, urn: urnOf(stack, project, `pulumi:providers:${pkg}`, name), name, props: defaultProviderProps(pkg, config, version) };
  };
  const explicitProvider = (ref: string): CapturedResource["provider"] => {
    const urn = providerUrn(ref);
    const p = byUrn.get(urn);
    if (p) return { type: p.type, urn: p.urn, name: p.name, props: p.inputs };
    const type = qualifiedTypeOf(urn).split("$").pop() ?? "";
    return { type, urn, name: urn.slice(urn.lastIndexOf("::") + 2), props: {} };
  };

  // The engine registers a default provider as a resource of its own (custom, no parent, its
  // package's config as inputs) the first time a resource needs it, and analyzes it like any other
  // (pkg/resource/deploy/default_providers.go newRegisterDefaultProviderEvent): so does this run.
  const emittedDefaults = new Set<string>();
  const emitDefault = (p: NonNullable<CapturedResource["provider"]>): void => {
    if (emittedDefaults.has(p.urn) || byUrn.has(p.urn)) return;
    emittedDefaults.add(p.urn);
    const c: CapturedResource = { type: p.type, urn: p.urn, name: p.name, custom: true, inputs: p.props, outputs: { ...p.props }, dependencies: [], propertyDependencies: {}, protect: false };
    byUrn.set(c.urn, c);
    out.push(c);
  };
  for (const raw of raws) {
    const r = raw.req;
    const isProvider = r.type.startsWith("pulumi:providers:");
    let provider: CapturedResource["provider"];
    if (!isProvider && (r.custom || r.remote)) {
      const pkg = packageOf(r.type);
      const ref = r.provider || r.providers[pkg];
      if (ref) provider = explicitProvider(ref);
      else {
        provider = defaultProvider(pkg, r.version);
        emitDefault(provider);
      }
    }
    const outputs = r.custom || r.remote ? { ...r.inputs } : { ...(raw.outputs ?? {}) };
    const c: CapturedResource = {
      type: r.type,
      urn: raw.urn,
      name: r.name,
      custom: r.custom,
      inputs: r.inputs,
      outputs,
      parent: r.parent || rootUrn,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      ...(provider ? { provider } : {}),
      protect: r.protect,
      ...(r.sourcePosition ? { sourcePosition: r.sourcePosition } : {}),
    };
    byUrn.set(c.urn, c);
    out.push(c);
    if (K8S_CHILD_RENDERED.has(r.type)) out.push(...renderYamlChildren(c, opts, warnings, cwd));
    const what = NOT_RENDERABLE[r.type];
    if (what) {
      warnings.push(
        `${c.urn}: the children of this ${what} are rendered by the Kubernetes provider and cannot be rendered offline, so no gate sees them here (the resource-coverage gate reports the ${what}). Run \`pulumi preview --policy-pack\` for a complete check, or pass the rendered manifests (helm template / kustomize build) with \`readiness check --rendered ${c.name}=<file|dir>\`.`,
      );
    }
  }
  return Object.assign(out, { warnings: warnings as readonly string[] });
}

/**
 * Built-in kinds whose scope the Kubernetes provider knows without a cluster
 * (pulumi-kubernetes provider/pkg/kinds/kinds.go Kind.Namespaced); `List` kinds are expanded first.
 */
const NAMESPACED_KINDS = new Set([
  "Binding", "ConfigMap", "ControllerRevision", "CronJob", "CSIStorageCapacity", "DaemonSet", "Deployment", "Endpoints",
  "EndpointSlice", "Event", "HorizontalPodAutoscaler", "Ingress", "Job", "Lease", "LimitRange", "NetworkPolicy",
  "PersistentVolumeClaim", "Pod", "PodDisruptionBudget", "PodTemplate", "ReplicaSet", "ReplicationController",
  "ResourceQuota", "Role", "RoleBinding", "Secret", "Service", "ServiceAccount", "StatefulSet",
]);
const CLUSTER_KINDS = new Set([
  "APIService", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding", "CSIDriver", "CSINode",
  "CustomResourceDefinition", "FlowSchema", "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node",
  "PersistentVolume", "PodSecurityPolicy", "PriorityClass", "PriorityLevelConfiguration", "RuntimeClass", "StorageClass",
  "ValidatingWebhookConfiguration", "VolumeAttachment",
]);
/** Built-in API groups (kinds.go KnownGroupVersions, by group): a kind of another group is a custom resource. */
const BUILTIN_GROUP = /^(|core|admissionregistration\.k8s\.io|apiextensions\.k8s\.io|apiregistration\.k8s\.io|apps|auditregistration\.k8s\.io|autoscaling|batch|certificates\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io|events\.k8s\.io|extensions|flowcontrol\.apiserver\.k8s\.io|meta|networking\.k8s\.io|node\.k8s\.io|policy|rbac\.authorization\.k8s\.io|resource\.k8s\.io|scheduling\.k8s\.io|settings\.k8s\.io|storage\.k8s\.io|storagemigration\.k8s\.io)$/;

const DEPENDS_ON = "config.kubernetes.io/depends-on";

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf("/");
  const g = i < 0 ? "" : apiVersion.slice(0, i);
  return g === "core" ? "" : g;
}

/** The object key the depends-on annotation uses: `<group>/namespaces/<ns>/<kind>/<name>` or `<group>/<kind>/<name>`. */
function objKey(group: string, ns: string | undefined, kind: string, name: string): string {
  return ns ? `${group}/namespaces/${ns}/${kind}/${name}` : `${group}/${kind}/${name}`;
}

interface K8sChild {
  readonly obj: Record<string, unknown>;
  readonly apiVersion: string;
  readonly kind: string;
  readonly group: string;
  readonly name: string;
  readonly ns?: string;
  readonly key: string;
}

/**
 * Renders the children of a yaml/v2 ConfigGroup / ConfigFile as the Kubernetes provider registers
 * them (pulumi-kubernetes provider/pkg/provider/yaml/v2/configgroup.go Construct, yaml.go
 * Normalize/Register/register):
 * - `core/v1` becomes `v1`; a namespaced kind without a namespace gets the provider's default
 *   namespace (its `namespace` input, else "default"); a kind whose scope is unknown without a
 *   cluster (a custom resource whose CustomResourceDefinition is not among the objects) keeps no
 *   namespace, with a warning, as the provider does offline;
 * - the resource name is `<name>` or `<namespace>/<name>`, prefixed `<resourcePrefix>:`, where the
 *   prefix defaults to the component's name and an empty prefix means none;
 * - each child depends on (and registers after) its Namespace, the CustomResourceDefinition of its
 *   kind, and the objects its `config.kubernetes.io/depends-on` annotation names, when they are in
 *   the same group (sigs.k8s.io/cli-utils object graph);
 * - `skipAwait` adds the `pulumi.com/skipAwait: "true"` annotation; Secret `data` and `stringData`
 *   are secret.
 */
function renderYamlChildren(group: CapturedResource, opts: RunOptions, warnings: string[], cwd: string): CapturedResource[] {
  const inputs = group.inputs;
  if (containsUnknown(inputs["yaml"]) || containsUnknown(inputs["objs"]) || containsUnknown(inputs["files"]) || containsUnknown(inputs["file"])) {
    warnings.push(`${group.urn}: its manifests are unknown until apply, so its children cannot be rendered at preview and no gate sees them here.`);
    return [];
  }
  let objects: Record<string, unknown>[];
  try {
    const r = k8sObjects(inputs, cwd);
    if (r.problem) {
      warnings.push(`${group.urn}: children not rendered: ${r.problem}.`);
      return [];
    }
    objects = r.objects;
  } catch (e) {
    warnings.push(`${group.urn}: children not rendered: ${e instanceof Error ? e.message : String(e)}.`);
    return [];
  }
  return childrenOf(group, objects, opts, warnings);
}

/**
 * Kubernetes objects as the children of a component, named and ordered as the yaml/v2 provider
 * registers them (see renderYamlChildren): `<prefix>:<namespace>/<name>`, where the prefix is the
 * component's `resourcePrefix` input, else its name. The default namespace is `defaultNamespace`
 * when given (a Helm v4 chart's own `namespace`), else the provider's, else "default".
 * Used for yaml/v2 groups here and for `readiness check --rendered` (the output of `helm template`).
 */
export function childrenOf(
  group: CapturedResource,
  objects: readonly Record<string, unknown>[],
  opts: Pick<RunOptions, "stack" | "project">,
  warnings: string[],
  defaultNamespaceOverride?: string,
): CapturedResource[] {
  const inputs = group.inputs;
  const prefixRaw = unwrapSecret(inputs["resourcePrefix"]);
  const prefix = typeof prefixRaw === "string" ? prefixRaw : group.name;
  const skipAwait = unwrapSecret(inputs["skipAwait"]) === true;
  const nsRaw = group.provider ? unwrapSecret(group.provider.props["namespace"]) : undefined;
  const defaultNamespace = defaultNamespaceOverride ?? (typeof nsRaw === "string" && nsRaw !== "" ? nsRaw : "default");
  const parentQualified = qualifiedTypeOf(group.urn);

  // CRDs among the objects: "<group>/<kind>" → scope.
  const crdScope = new Map<string, string>();
  for (const o of objects) {
    if (o["kind"] !== "CustomResourceDefinition") continue;
    const spec = isRecord(o["spec"]) ? o["spec"] : {};
    const names = isRecord(spec["names"]) ? spec["names"] : {};
    if (typeof spec["group"] === "string" && typeof names["kind"] === "string") crdScope.set(`${spec["group"]}/${names["kind"]}`, String(spec["scope"] ?? ""));
  }

  const children: K8sChild[] = [];
  const unresolved = new Set<string>();
  for (const original of objects) {
    const obj: Record<string, unknown> = { ...original };
    const rawApiVersion = obj["apiVersion"];
    const kind = obj["kind"];
    const meta: Record<string, unknown> = isRecord(obj["metadata"]) ? { ...obj["metadata"] } : {};
    const name = meta["name"];
    if (typeof rawApiVersion !== "string" || typeof kind !== "string" || typeof name !== "string" || name === "") {
      warnings.push(`${group.urn}: an object without apiVersion, kind or metadata.name was skipped (the provider rejects it).`);
      continue;
    }
    const apiVersion = rawApiVersion.startsWith("core/") ? rawApiVersion.slice("core/".length) : rawApiVersion;
    obj["apiVersion"] = apiVersion;
    const g = groupOf(apiVersion);
    let ns = typeof meta["namespace"] === "string" && meta["namespace"] !== "" ? meta["namespace"] : undefined;
    if (!ns) {
      const known = BUILTIN_GROUP.test(g) && (NAMESPACED_KINDS.has(kind) || CLUSTER_KINDS.has(kind));
      const namespaced = known ? NAMESPACED_KINDS.has(kind) : crdScope.has(`${g}/${kind}`) ? crdScope.get(`${g}/${kind}`) === "Namespaced" : undefined;
      if (namespaced === undefined) unresolved.add(`${apiVersion}, Kind=${kind}`);
      else if (namespaced) ns = defaultNamespace;
      if (ns) meta["namespace"] = ns;
    }
    if (skipAwait) meta["annotations"] = { ...(isRecord(meta["annotations"]) ? meta["annotations"] : {}), "pulumi.com/skipAwait": "true" };
    obj["metadata"] = meta;
    children.push({ obj, apiVersion, kind, group: g, name, ns, key: objKey(g, ns, kind, name) });
  }
  if (unresolved.size > 0) {
    warnings.push(
      `${group.urn}: the scope of ${[...unresolved].join("; ")} is unknown without a cluster or its CustomResourceDefinition, so these objects keep no namespace here (the provider does the same offline; with a cluster it asks the API server).`,
    );
  }

  // Dependencies within the group, then a stable topological order.
  const byKey = new Map(children.map((c) => [c.key, c] as const));
  const deps = new Map<K8sChild, K8sChild[]>();
  for (const c of children) {
    const d = new Set<K8sChild>();
    if (c.ns) {
      const nsObj = byKey.get(objKey("", undefined, "Namespace", c.ns));
      if (nsObj && nsObj !== c) d.add(nsObj);
    }
    if (!BUILTIN_GROUP.test(c.group)) {
      for (const o of children) {
        const spec = isRecord(o.obj["spec"]) ? o.obj["spec"] : {};
        const names = isRecord(spec["names"]) ? spec["names"] : {};
        if (o.kind === "CustomResourceDefinition" && spec["group"] === c.group && names["kind"] === c.kind) d.add(o);
      }
    }
    const annotations = isRecord((c.obj["metadata"] as Record<string, unknown>)["annotations"]) ? ((c.obj["metadata"] as Record<string, unknown>)["annotations"] as Record<string, unknown>) : {};
    const dependsOn = annotations[DEPENDS_ON];
    if (typeof dependsOn === "string") {
      for (const ref of dependsOn.split(",").map((x) => x.trim()).filter((x) => x !== "")) {
        const target = byKey.get(ref);
        if (target && target !== c) d.add(target);
        else if (!target) warnings.push(`${group.urn}: ${c.key} depends on ${ref}, which is not an object of this group; the provider resolves it against the cluster, so no dependency is recorded here.`);
      }
    }
    deps.set(c, [...d]);
  }
  const ordered: K8sChild[] = [];
  const done = new Set<K8sChild>();
  let pending = [...children];
  while (pending.length > 0) {
    const layer = pending.filter((c) => (deps.get(c) ?? []).every((d) => done.has(d)));
    if (layer.length === 0) {
      warnings.push(`${group.urn}: its depends-on annotations form a cycle; the provider fails on it, so its children are not rendered.`);
      return [];
    }
    for (const c of layer) {
      ordered.push(c);
      done.add(c);
    }
    pending = pending.filter((c) => !done.has(c));
  }

  const urnOfChild = (c: K8sChild): string => {
    const type = k8sTypeToken(c.apiVersion, c.kind);
    let resourceName = c.ns ? `${c.ns}/${c.name}` : c.name;
    if (prefix !== "") resourceName = `${prefix}:${resourceName}`;
    return urnOf(opts.stack, opts.project, `${parentQualified}$${type}`, resourceName);
  };
  return ordered.map((c) => {
    const urn = urnOfChild(c);
    const props: Record<string, unknown> = { ...c.obj };
    if (c.apiVersion === "v1" && c.kind === "Secret") {
      for (const key of ["data", "stringData"]) if (key in props) props[key] = { [SIG]: SECRET_SIG, value: props[key] };
    }
    return {
      type: k8sTypeToken(c.apiVersion, c.kind),
      urn,
      name: urn.slice(urn.lastIndexOf("::") + 2),
      custom: true,
      inputs: props,
      outputs: { ...props },
      parent: group.urn,
      dependencies: (deps.get(c) ?? []).map(urnOfChild),
      propertyDependencies: {},
      ...(group.provider ? { provider: group.provider } : {}),
      protect: group.protect,
    };
  });
}

// ------------------------------------------------------------------ program files and stack config

/** Requires a compiled program module and runs its default export (or `main`), or lets it run on import. */
export async function runProgramFile(modulePath: string, opts: RunOptions): Promise<CapturedRun> {
  const resolved = require.resolve(path.resolve(modulePath));
  return runProgram(async () => {
    delete require.cache[resolved];
    const mod = require(resolved) as unknown;
    const fn = typeof mod === "function" ? mod : isRecord(mod) ? (mod["default"] ?? mod["main"]) : undefined;
    if (typeof fn === "function") return await (fn as () => unknown)();
    return mod;
  }, opts);
}

/** How the child runs a project's program, as the Node.js language host does. */
export interface HostOptions {
  /** The project directory: the program's current directory, and the root of its source positions. */
  readonly cwd?: string;
  /** Register TypeScript (`runtime.options.typescript`, default true): type-check, then run .ts as written. */
  readonly typescript?: boolean;
  /**
   * Stack frames kept during the run: for the program's error position, and for where each resource
   * was declared (the SDK takes the 5th frame of the Resource constructor, so fewer than 5 records
   * none); default 1 (see READINESS_MOCK_RUN_STACKS).
   */
  readonly stackFrames?: number;
}

/**
 * Runs a program file in a child Node process (full isolation of the Pulumi runtime). A failure of the
 * program rejects with one line: its own message and, with `host.cwd`, where in its source it failed.
 */
export function runProgramFileInChild(modulePath: string, opts: RunOptions, timeoutMs = 120_000, host: HostOptions = {}): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ["--child"], { stdio: ["ignore", "ignore", "inherit", "ipc"], ...(host.cwd ? { cwd: host.cwd } : {}) });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`program run timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    let settled = false;
    child.on("message", (m: unknown) => {
      if (!isRecord(m)) return;
      settled = true;
      clearTimeout(timer);
      if (typeof m["error"] === "string") reject(new Error(m["error"]));
      else resolve(Object.assign((m["resources"] as CapturedResource[]) ?? [], { warnings: (m["warnings"] as string[]) ?? [] }));
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!settled) reject(new Error(`program run exited with code ${code} before reporting`));
    });
    child.send({ modulePath: path.resolve(modulePath), opts, host });
  });
}

function configValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function isSecure(v: unknown): boolean {
  return isRecord(v) && Object.keys(v).length === 1 && typeof v["secure"] === "string";
}

/**
 * Stack config as the CLI would pass it: Pulumi.yaml `config:` defaults (plain values or
 * `{default: ...}` / `{value: ...}`), overridden by Pulumi.<stack>.yaml `config:`. Keys without a
 * namespace get the project's. Objects and arrays become JSON strings. Encrypted (`secure:`)
 * values cannot be read offline and are left out.
 */
export function loadStackConfig(projectDir: string, stack: string): Record<string, string> {
  return loadStackConfigWithSecrets(projectDir, stack, false).config;
}

/** The value a `secure:` config value gets offline: never the ciphertext, which cannot be decrypted here. */
export const SECRET_PLACEHOLDER = "[secret]";

/**
 * Stack config as `loadStackConfig`, and, when `secrets` is set, each `secure:` value as
 * SECRET_PLACEHOLDER with its key in `secretKeys`, so the program's `requireSecret` / `getSecret`
 * get a secret value (the SDK's setAllConfig secretKeys) and the ciphertext is never read.
 * A missing stack file means no stack values (project defaults only).
 */
export function loadStackConfigWithSecrets(projectDir: string, stack: string, secrets = true): { config: Record<string, string>; secretKeys: string[] } {
  const projectFile = path.join(projectDir, "Pulumi.yaml");
  const projectDoc = yaml.load(fs.readFileSync(projectFile, "utf8"));
  if (!isRecord(projectDoc) || typeof projectDoc["name"] !== "string") throw new Error(`${projectFile}: no project name`);
  const project = projectDoc["name"];
  const key = (k: string): string => (k.includes(":") ? k : `${project}:${k}`);
  const out: Record<string, string> = {};
  const projectConfig = isRecord(projectDoc["config"]) ? projectDoc["config"] : {};
  for (const [k, v] of Object.entries(projectConfig)) {
    const raw = isRecord(v) && ("default" in v || "value" in v) ? (v["value"] ?? v["default"]) : isRecord(v) && "type" in v ? undefined : v;
    const s = configValue(raw);
    if (s !== undefined) out[key(k)] = s;
  }
  const secretKeys: string[] = [];
  const stackFile = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
  const stackDoc = stackFile || !secrets ? yaml.load(fs.readFileSync(stackFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) : undefined;
  const stackConfig = isRecord(stackDoc) && isRecord(stackDoc["config"]) ? stackDoc["config"] : {};
  for (const [k, v] of Object.entries(stackConfig)) {
    if (isSecure(v)) {
      if (!secrets) continue;
      out[key(k)] = SECRET_PLACEHOLDER;
      secretKeys.push(key(k));
      continue;
    }
    const s = configValue(v);
    if (s !== undefined) out[key(k)] = s;
  }
  return { config: out, secretKeys };
}

// ------------------------------------------------------------------ script entry

function parseArgs(argv: readonly string[]): { modulePath: string; opts: RunOptions } {
  let stack = "";
  let project = "";
  let dir = process.cwd();
  let modulePath = "";
  const extra: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--stack") stack = next();
    else if (a === "--project") project = next();
    else if (a === "--dir") dir = next();
    else if (a === "--config") {
      const kv = next();
      const eq = kv.indexOf("=");
      if (eq <= 0) throw new Error(`--config expects key=value, got ${kv}`);
      extra[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else modulePath = a;
  }
  if (!modulePath || !stack) throw new Error("usage: mock-run <program.js> --stack <name> [--project <name>] [--dir <projectDir>] [--config key=value ...]");
  const config = fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`)) ? loadStackConfig(dir, stack) : {};
  if (!project) {
    const doc = fs.existsSync(path.join(dir, "Pulumi.yaml")) ? yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) : undefined;
    project = isRecord(doc) && typeof doc["name"] === "string" ? doc["name"] : "project";
  }
  return { modulePath, opts: { project, stack, config: { ...config, ...extra } } };
}

/* c8 ignore start */
if (require.main === module) {
  if (process.argv[2] === "--child") {
    process.once("message", (m: unknown) => {
      const msg = m as { modulePath: string; opts: RunOptions; host?: HostOptions };
      const host = msg.host ?? {};
      const root = host.cwd ?? process.cwd();
      let failed = false;
      const fail = (e: unknown): void => {
        if (failed) return;
        failed = true;
        const error = host.cwd ? programErrorLine(e, root) : e instanceof Error ? e.message : String(e);
        process.send?.({ error }, () => process.exit(1));
      };
      // A program that throws inside an apply or a callback fails here, not as a crash of the runner.
      process.on("uncaughtException", fail);
      process.on("unhandledRejection", fail);
      if (host.stackFrames !== undefined) process.env["READINESS_MOCK_RUN_STACKS"] = String(host.stackFrames);
      // Source positions (of errors and of resource declarations) in the program's own source files.
      if (host.cwd) process.setSourceMapsEnabled(true);
      try {
        if (host.typescript) registerTypeScript(root, msg.modulePath);
      } catch (e) {
        fail(e);
        return;
      }
      runProgramFile(msg.modulePath, msg.opts).then(
        (res) => process.send?.({ resources: [...res], warnings: res.warnings }, () => process.exit(0)),
        fail,
      );
    });
  } else {
    try {
      const { modulePath, opts } = parseArgs(process.argv.slice(2));
      runProgramFile(modulePath, opts).then(
        (res) => {
          process.stdout.write(`${JSON.stringify({ resources: [...res], warnings: res.warnings }, null, 2)}\n`);
        },
        (e: unknown) => {
          console.error(e instanceof Error ? e.message : String(e));
          process.exitCode = 1;
        },
      );
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 2;
    }
  }
}
/* c8 ignore stop */

export { parseArgs as parseRunnerArgs };
