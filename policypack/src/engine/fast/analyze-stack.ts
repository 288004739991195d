/**
 * AnalyzeStack served by the pack itself, in one pass, instead of the
 * policy SDK's handler. Installed like the configure guard (engine/configure-guard.ts): by wrapping
 * `addService` on the gRPC module the SDK serves with, before `new PolicyPack`.
 *
 * The SDK's handler decodes the request with google-protobuf, then for each stack policy converts
 * every resource's Struct to JavaScript again, wraps it in a proxy and rebuilds parents and
 * dependencies; the adapter then builds a StackView per policy. Here: one wire decode
 * (fast/decode.ts), one StackView, every stack rule on it, one wire encode of the response
 * (fast/encode.ts), and the same diagnostics the SDK would produce (violations with
 * "<description>\n<message>", the policy's level after Configure's override; undecided and error
 * findings as one advisory "can't run policy ... during preview").
 */
import type { ResourceInput, StackFacts } from "../../access/resource";
import { StackView } from "../../access/stack";
import { boundFindings } from "../bound";
import { configFromRequest } from "../configure-guard";
import type { Rule } from "../rule";
import { prepare, reportable, runStack, type Finding, type Prepared } from "../run";
import { decodeAnalyzeStack } from "./decode";
import { encodeAnalyzeResponse, type WireDiagnostic } from "./encode";
import { encodeAnalyzeStackRequest } from "./request";
import { warmUpStack } from "./warmup";

type Level = "advisory" | "mandatory" | "disabled" | "remediate";

interface PolicyMeta {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel?: Level;
  readonly severity?: string;
}

interface ServiceDef {
  readonly analyzeStack: { readonly requestDeserialize: (b: Buffer) => unknown; readonly responseSerialize: (r: never) => Buffer };
}

type Callback = (err: unknown, res?: unknown) => void;
type Handler = (call: { request: unknown }, cb: Callback) => unknown;

interface GrpcLike {
  Server: { prototype: { addService: (this: unknown, service: unknown, impl: Record<string, unknown>) => unknown } };
  status: { INTERNAL: number };
}

const LEVEL_NUM: Readonly<Record<string, number>> = { advisory: 0, mandatory: 1, remediate: 3, disabled: 2 };
const SEVERITY_NUM: Readonly<Record<string, number>> = { low: 1, medium: 2, high: 3, critical: 4 };

export interface FastStackOptions {
  readonly grpc: GrpcLike;
  readonly rules: readonly Rule[];
  readonly policies: readonly PolicyMeta[];
  readonly packName: string;
  readonly packVersion: string;
  readonly packLevel: Level;
  readonly today: () => Date;
  readonly facts: StackFacts;
  /**
   * Warm up once, on the first Configure or Analyze: send the warm-up stack (fast/warmup.ts)
   * through this AnalyzeStack, so that the real one, at the end of the preview, meets compiled code.
   */
  readonly warmUp?: boolean;
  /** Each stack policy's share of one response (engine/bound.ts), as the adapter bounds it; omitted: unbounded. */
  readonly responseShare?: number;
}

export interface FastStack {
  /** Runs the warm-up now (once per process; later calls return the same promise). It never rejects. */
  readonly warmUp: () => Promise<void>;
}

/**
 * Whether the pack installs the one-pass AnalyzeStack: yes unless READINESS_GUARD_FAST_STACK=0, which
 * leaves AnalyzeStack to the policy SDK's own handler (same diagnostics, slower on large stacks).
 */
export function fastStackEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return env["READINESS_GUARD_FAST_STACK"] !== "0";
}

/** Installs the one-pass AnalyzeStack on the gRPC module the SDK serves with. Call before `new PolicyPack`. */
export function installFastAnalyzeStack(o: FastStackOptions): FastStack {
  const proto = o.grpc.Server.prototype;
  const original = proto.addService;
  const stackRules = o.rules.filter((r) => r.kind === "stack");
  const meta = new Map(o.policies.map((p) => [p.name, p]));
  let config: Record<string, Record<string, unknown>> = {};
  const preparedCache = new Map<string, { key: string; prepared: Prepared }>();

  const preparedFor = (rule: Rule, props: Record<string, unknown>): Prepared => {
    const key = JSON.stringify(props);
    const hit = preparedCache.get(rule.gate);
    if (hit && hit.key === key) return hit.prepared;
    const prepared = prepare(rule as Rule<unknown>, props, o.today());
    preparedCache.set(rule.gate, { key, prepared });
    return prepared;
  };

  const analyzeStack = async (inputs: readonly ResourceInput[]): Promise<WireDiagnostic[]> => {
    await Promise.all(stackRules.map((r) => r.init?.()));
    const stack = new StackView(inputs, o.facts);
    const diags: WireDiagnostic[] = [];
    const diag = (p: PolicyMeta, level: Level, message: string, urn?: string) =>
      diags.push({
        policyName: p.name,
        policyPackName: o.packName,
        policyPackVersion: o.packVersion,
        description: p.description,
        message,
        enforcementLevel: LEVEL_NUM[level] ?? 0,
        urn: urn ?? "",
        severity: (p.severity && SEVERITY_NUM[p.severity]) || 0,
      });
    for (const rule of stackRules) {
      const p = meta.get(rule.gate);
      if (!p) continue;
      const { enforcementLevel: override, ...props } = config[rule.gate] ?? {};
      let level = ((override as Level | undefined) || p.enforcementLevel || o.packLevel) as Level;
      if (level === "disabled") continue;
      if (level === "remediate") level = "mandatory";
      const prepared = preparedFor(rule, props);
      const all: Finding[] = [...prepared.problems, ...runStack(prepared, stack)];
      const shape = { policyName: p.name, packName: o.packName, packVersion: o.packVersion, description: p.description };
      const findings = o.responseShare === undefined ? all : boundFindings(all, shape, o.responseShare);
      // As the adapter delivers them: violations with the policy's level, "<description>\n<message>";
      // undecided and error findings advisory, with the pack's own message and the resource's URN.
      for (const f of findings) {
        if (!reportable(f)) continue;
        if (f.kind === "undecided" || f.kind === "error") diag(p, "advisory", f.message, f.urn);
        else diag(p, level, `${p.description}\n${f.message}`, f.urn);
      }
    }
    return diags;
  };

  let warming: Promise<void> | undefined;
  const warmUp = (): Promise<void> =>
    (warming ??= (async () => {
      try {
        encodeAnalyzeResponse(await analyzeStack(decodeAnalyzeStack(encodeAnalyzeStackRequest(warmUpStack()))));
      } catch {
        // A warm-up only saves time: whatever goes wrong here, the real request reports it.
      }
    })());
  // After the current request is answered (setImmediate), so that it never waits on the warm-up.
  const scheduleWarmUp = () => {
    if (o.warmUp && warming === undefined) setImmediate(() => void warmUp());
  };

  proto.addService = function (this: unknown, service: unknown, impl: Record<string, unknown>) {
    const def = service as ServiceDef;
    if (typeof impl["analyzeStack"] !== "function" || !def.analyzeStack) return original.call(this, service, impl);
    const fastService = {
      ...(service as object),
      analyzeStack: { ...def.analyzeStack, requestDeserialize: (b: Buffer) => decodeAnalyzeStack(b), responseSerialize: encodeAnalyzeResponse },
    };
    const configure = impl["configure"] as Handler;
    const analyze = impl["analyze"] as Handler | undefined;
    const fastImpl = {
      ...impl,
      configure: ((call, cb) =>
        configure(call, (err, res) => {
          if (!err) config = configFromRequest(call.request as Parameters<typeof configFromRequest>[0]);
          cb(err, res);
          scheduleWarmUp();
        })) as Handler,
      ...(analyze
        ? {
            analyze: ((call, cb) => {
              scheduleWarmUp();
              return analyze(call, cb);
            }) as Handler,
          }
        : {}),
      analyzeStack: ((call, cb) => {
        analyzeStack(call.request as ResourceInput[]).then(
          (res) => cb(null, res),
          (e: unknown) => cb({ code: o.grpc.status.INTERNAL, details: `readiness-guard AnalyzeStack failed: ${e instanceof Error ? e.message : String(e)}` }),
        );
      }) as Handler,
    };
    return original.call(this, fastService, fastImpl);
  };
  return { warmUp };
}
