/**
 * Benchmark worker, one process per measurement so that peak memory is the measurement's own:
 *
 *   node --expose-gc build/bench/inprocess.js eval <size>      in-process evaluate() vs a bare loop
 *   node --expose-gc build/bench/inprocess.js anatomy <size>   where AnalyzeStack time goes, in the SDK's own code path
 *   node --expose-gc build/bench/inprocess.js rules <size>     time per rule
 *
 * Prints one JSON object on stdout.
 */
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { ResourceInput } from "../policypack/src/access/resource";
import { StackView } from "../policypack/src/access/stack";
import { inputFromPolicyResource, toPulumiPolicy } from "../policypack/src/engine/adapter";
import { evaluate } from "../policypack/src/engine/evaluate";
import { initRules, type Rule } from "../policypack/src/engine/rule";
import { prepare, runStack } from "../policypack/src/engine/run";
import { RULES } from "../policypack/src/gates";
import { BENCH_FACTS, BENCH_TODAY, cpuMs, median, nowMs, productionConfig, round, SEED } from "./common";
import { generateStack } from "./generate";
import { encodeAnalyzeStack } from "./wire";

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function mib(bytes: number): number {
  return round(bytes / 1024 / 1024);
}

/** The floor: read every resource's type and touch every property value, nothing else. */
function touch(v: unknown): number {
  if (typeof v !== "object" || v === null) return 1;
  let n = 0;
  if (Array.isArray(v)) for (const x of v) n += touch(x);
  else for (const k in v) n += touch((v as Record<string, unknown>)[k]);
  return n;
}

export function bareLoop(inputs: readonly ResourceInput[]): number {
  let n = 0;
  for (const r of inputs) n += r.type.length + touch(r.props);
  return n;
}

function repsFor(size: number): number {
  return size <= 1_000 ? 21 : size <= 10_000 ? 7 : 3;
}

/**
 * Runs `fn` for at least `ms` (and `min` times) before it is timed: the evaluation and the floor are
 * both compared once V8 has optimised them (at 1,000 resources, 21 runs are not enough for the
 * pack's ~200 functions; the first, cold evaluation is reported on its own as coldMs).
 */
function warmUp(fn: () => unknown, ms = 1_000, min = 3): void {
  const t0 = nowMs();
  for (let i = 0; i < min || nowMs() - t0 < ms; i++) fn();
}

function timeIt(reps: number, fn: () => unknown): { median: number; min: number; max: number; cpu: number } {
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = cpuMs();
    const t0 = nowMs();
    fn();
    ts.push(nowMs() - t0);
    cs.push(cpuMs() - c0);
  }
  return { median: median(ts), min: Math.min(...ts), max: Math.max(...ts), cpu: median(cs) };
}

async function evalMode(size: number): Promise<Record<string, unknown>> {
  const config = productionConfig();
  await initRules(RULES);
  const stack = generateStack(size, SEED);
  gc();
  const before = process.memoryUsage();
  const run = () => evaluate(RULES, stack, config, { today: BENCH_TODAY, facts: BENCH_FACTS });
  // First run: peak memory of one evaluation, cold.
  const t0 = nowMs();
  const first = run();
  const coldMs = nowMs() - t0;
  const after = process.memoryUsage();
  const maxRssMiB = round(process.resourceUsage().maxRSS / 1024);
  const kinds: Record<string, number> = {};
  for (const f of first.findings) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
  const reps = repsFor(size);
  warmUp(run);
  const ev = timeIt(reps, run);
  // The same without the rules that parse SQL (those with an async init): the rest of the pack.
  const noSql = RULES.filter((r) => r.init === undefined);
  const noSqlConfig = Object.fromEntries(Object.entries(config).filter(([k]) => noSql.some((r) => r.gate === k)));
  const runNoSql = () => evaluate(noSql, stack, noSqlConfig, { today: BENCH_TODAY, facts: BENCH_FACTS });
  warmUp(runNoSql);
  const evNoSql = timeIt(reps, runNoSql);
  let sink = 0;
  const runBare = () => (sink += bareLoop(stack));
  warmUp(runBare);
  const bare = timeIt(reps * 3, runBare);
  // Paired: each timed evaluation next to floor runs of its own. A shared 2-core VM has slow and fast
  // phases lasting seconds; timed apart, evaluate and the floor can land in different ones. The first
  // four floor runs re-warm the cache after the evaluation and are not counted (the floor stays the
  // cache-warm one the unpaired figure uses; two were not enough at 10,000): the median of the next three is.
  const paired: number[] = [];
  const pairedFloor: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = nowMs();
    run();
    const e = nowMs() - t0;
    const floor: number[] = [];
    for (let j = 0; j < 7; j++) {
      const b0 = nowMs();
      runBare();
      if (j >= 4) floor.push(nowMs() - b0);
    }
    paired.push(e / median(floor));
    pairedFloor.push(median(floor));
  }
  return {
    size,
    rules: RULES.length,
    findings: first.findings.length,
    findingKinds: kinds,
    coldMs: round(coldMs),
    evaluateMs: round(ev.median, 2),
    evaluateMinMs: round(ev.min, 2),
    evaluateMaxMs: round(ev.max, 2),
    evaluateCpuMs: round(ev.cpu, 2),
    bareCpuMs: round(bare.cpu, 3),
    ratioToBareCpu: round(ev.cpu / Math.max(bare.cpu, 0.001), 1),
    usPerResource: round((ev.median * 1000) / size, 2),
    bareMs: round(bare.median, 3),
    bareUsPerResource: round((bare.median * 1000) / size, 3),
    ratioToBare: round(ev.median / bare.median, 1),
    pairedRatioToBare: round(median(paired), 1),
    pairedBareUsPerResource: round((median(pairedFloor) * 1000) / size, 3),
    pairedRatioRange: [round(Math.min(...paired), 1), round(Math.max(...paired), 1)],
    sqlRules: RULES.length - noSql.length,
    evaluateNoSqlMs: round(evNoSql.median, 2),
    ratioToBareNoSql: round(evNoSql.median / bare.median, 1),
    heapBeforeMiB: mib(before.heapUsed),
    heapDeltaMiB: mib(after.heapUsed - before.heapUsed),
    rssBeforeMiB: mib(before.rss),
    maxRssMiB,
    sink: sink > 0,
  };
}

interface SdkPolicyLike {
  readonly name: string;
  readonly enforcementLevel?: string;
  readonly validateStack?: unknown;
  readonly validateResource?: unknown;
}
type RpcFun = (call: { request: unknown }, cb: (err: unknown, res?: analyzerPb.AnalyzeResponse) => void) => Promise<void>;
interface ServerModule {
  makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: readonly SdkPolicyLike[]): RpcFun;
}
interface DeserializeModule {
  deserializeProperties(s: unknown, proxySecrets: boolean): Record<string, unknown>;
}

function callRpc(fn: RpcFun, request: unknown): Promise<analyzerPb.AnalyzeResponse> {
  return new Promise((resolve, reject) => {
    void fn({ request }, (err, res) => (err || !res ? reject(err ?? new Error("no response")) : resolve(res)));
  });
}

/** Where AnalyzeStack time goes: the SDK's own server function, driven in-process, and its parts (CPU ms). */
async function anatomyMode(size: number): Promise<Record<string, unknown>> {
  const server = require("@pulumi/policy/server") as ServerModule;
  const deser = require("@pulumi/policy/deserialize") as DeserializeModule;
  await initRules(RULES);
  const stack = generateStack(size, SEED);
  const env = { today: () => BENCH_TODAY, facts: BENCH_FACTS };
  const policies = RULES.map((r) => toPulumiPolicy(r, env)) as readonly SdkPolicyLike[];
  const stackPolicies = policies.filter((p) => p.validateStack !== undefined).length;

  let t = cpuMs();
  const bytes = encodeAnalyzeStack(stack);
  const encodeMs = cpuMs() - t;

  t = cpuMs();
  const req = analyzerPb.AnalyzeStackRequest.deserializeBinary(bytes);
  const decodeMs = cpuMs() - t;
  const list = req.getResourcesList();

  // One SDK deserialization of every resource (props and provider), as done once per stack policy.
  t = cpuMs();
  for (const r of list) {
    deser.deserializeProperties(r.getProperties(), false);
    const p = r.getProvider();
    if (p) deser.deserializeProperties(p.getProperties(), false);
  }
  const deserializeOnceMs = cpuMs() - t;

  // The adapter's conversion to the access layer and the stack index, once (on what the SDK hands it).
  const byUrn = new Map(stack.map((r) => [r.urn, { urn: r.urn }] as const));
  const policyResources = list.map((r, i) => {
    const src = stack[i] as ResourceInput;
    const deps = (urns: readonly string[] | undefined) => (urns ?? []).map((u) => byUrn.get(u)).filter((x) => x !== undefined);
    return {
      type: r.getType(),
      urn: r.getUrn(),
      name: r.getName(),
      props: deser.deserializeProperties(r.getProperties(), false),
      opts: { protect: r.getOptions()?.getProtect() ?? false },
      dependencies: deps(src.dependencies),
      propertyDependencies: Object.fromEntries(Object.entries(src.propertyDependencies ?? {}).map(([k, v]) => [k, deps(v)])),
      provider: src.provider ? { ...src.provider, props: deser.deserializeProperties(r.getProvider()?.getProperties(), false) } : undefined,
    };
  });
  t = cpuMs();
  const view = new StackView(
    policyResources.map((p) => inputFromPolicyResource(p as unknown as Parameters<typeof inputFromPolicyResource>[0])),
    BENCH_FACTS,
  );
  const adaptOnceMs = cpuMs() - t;

  // The stack rules themselves on one shared view.
  const prepared = RULES.filter((r) => r.kind === "stack").map((r) => prepare(r as Rule<unknown>, undefined, BENCH_TODAY));
  t = cpuMs();
  let stackFindings = 0;
  for (const p of prepared) stackFindings += runStack(p, view).length;
  const stackRulesMs = cpuMs() - t;

  // The SDK's real AnalyzeStack handler with the pack's real policies (no transport).
  const rpc = server.makeAnalyzeStackRpcFun("readiness-guard", "0.1.0", "mandatory", policies);
  const sdkRuns: number[] = [];
  let diagnostics = 0;
  for (let i = 0; i < 2; i++) {
    const decoded = analyzerPb.AnalyzeStackRequest.deserializeBinary(bytes);
    gc();
    t = cpuMs();
    const res = await callRpc(rpc, decoded);
    sdkRuns.push(cpuMs() - t);
    diagnostics = res.getDiagnosticsList().length;
  }
  const t1 = cpuMs();
  const resBytes = (await callRpc(rpc, analyzerPb.AnalyzeStackRequest.deserializeBinary(bytes))).serializeBinary().length;
  const withEncodeMs = cpuMs() - t1;

  return {
    size,
    stackPolicies,
    requestMiB: mib(bytes.length),
    responseKiB: round(resBytes / 1024),
    clientEncodeMs: round(encodeMs),
    decodeMs: round(decodeMs),
    sdkDeserializeOnceMs: round(deserializeOnceMs),
    sdkDeserializeAllPoliciesMs: round(deserializeOnceMs * stackPolicies),
    adaptOnceMs: round(adaptOnceMs),
    adaptAllPoliciesMs: round(adaptOnceMs * stackPolicies),
    stackRulesMs: round(stackRulesMs),
    stackFindings,
    sdkHandlerMs: round(median(sdkRuns)),
    sdkHandlerWithResponseEncodeMs: round(withEncodeMs),
    diagnostics,
    maxRssMiB: round(process.resourceUsage().maxRSS / 1024),
  };
}

async function rulesMode(size: number): Promise<Record<string, unknown>> {
  await initRules(RULES);
  const stack = generateStack(size, SEED);
  const config = productionConfig();
  const per: Record<string, number> = {};
  const baseline = timeIt(5, () => evaluate([], stack, {}, { today: BENCH_TODAY, facts: BENCH_FACTS })).cpu;
  for (const rule of RULES) {
    const cfg = config[rule.gate] ? { [rule.gate]: config[rule.gate] } : {};
    const ms = timeIt(5, () => evaluate([rule], stack, cfg, { today: BENCH_TODAY, facts: BENCH_FACTS })).cpu;
    per[rule.gate] = round(Math.max(0, ms - baseline), 2);
  }
  // Catalog order, so the keys of the results file do not move between runs.
  return { size, stackViewMs: round(baseline, 2), perRuleMs: per };
}

async function main(): Promise<void> {
  const [mode, sizeArg] = process.argv.slice(2);
  const size = Number(sizeArg);
  if (!Number.isInteger(size) || size <= 0) throw new Error(`usage: inprocess.js eval|anatomy|rules <size>`);
  const out = mode === "eval" ? await evalMode(size) : mode === "anatomy" ? await anatomyMode(size) : mode === "rules" ? await rulesMode(size) : undefined;
  if (!out) throw new Error(`unknown mode '${mode}'`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
