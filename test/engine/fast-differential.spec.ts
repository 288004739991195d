/**
 * Differential property test of the one-pass AnalyzeStack (engine/fast/) against the policy SDK's
 * own AnalyzeStack handler, the one the pack serves when the fast path is off
 * (READINESS_GUARD_FAST_STACK=0).
 *
 * Both are wired as the pack wires them (policypack/src/index.ts): the configure guard, then the
 * fast path, installed on the gRPC module the SDK serves with, then the SDK's own `serve` (a
 * private copy of @pulumi/policy/server.js, so that its one-pack-per-process state stays out of
 * the rest of the test run; `bindAsync` stubbed, so nothing listens). One Configure goes through
 * the installed chain and so reaches both the fast path and the SDK's `configure`.
 *
 * Each run: a random config (none or a shipped policy config, plus random level overrides,
 * disabled and remediate included), one Configure, then a random stack (test/property's
 * stackCase) encoded once by google-protobuf and sent through (a) the installed fast AnalyzeStack
 * and (b) the SDK's handler; each response is serialized by its own service definition and read
 * back with google-protobuf. The diagnostics must be identical, in the same order.
 *
 * The SDK's handler is built per run (makeAnalyzeStackRpcFun, as serve builds it) on fresh
 * policies: the adapter reports config problems once per config and process (engine/adapter.ts
 * PreparedCache), the fast path on every AnalyzeStack, and the engine sends one AnalyzeStack per
 * process; fresh policies compare the first AnalyzeStack after a Configure, which is the real case.
 *
 * Seed and depth: PROPERTY_SEED and PROPERTY_RUNS (a multiplier), as test/property/rules.spec.ts.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { toPulumiPolicy } from "../../policypack/src/engine/adapter";
import { installConfigureGuard } from "../../policypack/src/engine/configure-guard";
import { installFastAnalyzeStack } from "../../policypack/src/engine/fast/analyze-stack";
import { RULES } from "../../policypack/src/gates";
import { encodeConfigureRequest, encodeStackRequest, type LevelName } from "../support/analyzer-wire";
import { FACTS, TODAY } from "../support/fixtures";
import { buildStack, marker, stackCase } from "../property/arbitraries";

const SEED = Number(process.env["PROPERTY_SEED"] ?? 20261123);
const SCALE = Number(process.env["PROPERTY_RUNS"] ?? 1);
const RUNS = Math.max(1, Math.round(50 * SCALE));

const ROOT = path.resolve(__dirname, "../../..");
const PACK_NAME = "readiness-guard";
const PACK_VERSION = "0.1.0";
// The wire forms of a secret (@pulumi/pulumi/runtime/rpc.js: specialSigKey, specialSecretSig).
const { specialSigKey: SIG_KEY, specialSecretSig: SECRET_SIG } = rpc;

type Callback = (err: unknown, res?: unknown) => void;
type Handler = (call: { request: unknown }, cb: Callback) => unknown;
interface MethodDef {
  readonly requestDeserialize: (b: Buffer) => unknown;
  readonly responseSerialize: (r: never) => Buffer;
}
interface ServiceDef {
  readonly configure: MethodDef;
  readonly analyzeStack: MethodDef;
}
interface Registered {
  readonly service: ServiceDef;
  readonly impl: Readonly<Record<string, Handler>>;
}
type AddService = (this: unknown, service: unknown, impl: Record<string, unknown>) => unknown;
interface GrpcModule {
  Server: { prototype: { addService: AddService; bindAsync: (...args: unknown[]) => unknown } };
  status: { INTERNAL: number; INVALID_ARGUMENT: number };
}
type SdkPolicy = ReturnType<typeof toPulumiPolicy>;
interface SdkServer {
  serve(name: string, version: string, level: string, args: { policies: readonly SdkPolicy[] }): void;
  makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: readonly SdkPolicy[]): Handler;
}

const env = { today: () => TODAY, facts: FACTS };
const freshPolicies = (): SdkPolicy[] => RULES.map((r) => toPulumiPolicy(r, env));
/** What the SDK's AnalyzeStack handler runs (it skips resource policies). */
const freshStackPolicies = (): SdkPolicy[] => RULES.filter((r) => r.kind === "stack").map((r) => toPulumiPolicy(r, env));

/** A private copy of the SDK's server module (its own policyPackConfig and one-pack-per-process flag). */
function privateSdkServer(): SdkServer {
  const file = require.resolve("@pulumi/policy/server");
  const cache = require.cache as Record<string, NodeModule | undefined>;
  const saved = cache[file];
  delete cache[file];
  try {
    return require(file) as SdkServer;
  } finally {
    if (saved) cache[file] = saved;
    else delete cache[file];
  }
}

/** The pack's wiring (configure guard, fast path, SDK serve) on the SDK's gRPC module, without a listener. */
function wire(): { installed: Registered; sdk: Registered; server: SdkServer } {
  const grpc = createRequire(require.resolve("@pulumi/policy"))("@grpc/grpc-js") as GrpcModule;
  const proto = grpc.Server.prototype;
  const { addService, bindAsync } = proto;
  let installed: Registered | undefined;
  let sdk: Registered | undefined;
  try {
    proto.bindAsync = () => undefined;
    proto.addService = function (service: unknown, impl: Record<string, unknown>) {
      installed = { service: service as ServiceDef, impl: impl as Record<string, Handler> };
    };
    installConfigureGuard(grpc, RULES);
    installFastAnalyzeStack({
      grpc,
      rules: RULES,
      policies: freshPolicies(),
      packName: PACK_NAME,
      packVersion: PACK_VERSION,
      packLevel: "mandatory",
      today: env.today,
      facts: env.facts,
      warmUp: false,
    });
    const chain = proto.addService;
    proto.addService = function (this: unknown, service: unknown, impl: Record<string, unknown>) {
      sdk = { service: service as ServiceDef, impl: impl as Record<string, Handler> };
      return chain.call(this, service, impl);
    };
    const server = privateSdkServer();
    server.serve(PACK_NAME, PACK_VERSION, "mandatory", { policies: freshPolicies() });
    assert.ok(installed && sdk, "serve registered the Analyzer service");
    assert.notEqual(installed.service.analyzeStack, sdk.service.analyzeStack, "the fast path is installed");
    return { installed, sdk, server };
  } finally {
    proto.addService = addService;
    proto.bindAsync = bindAsync;
  }
}

function call(handler: Handler | undefined, request: unknown): Promise<unknown> {
  assert.ok(handler, "handler registered");
  return new Promise((resolve, reject) => {
    void handler({ request }, (err, res) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(res)));
  });
}

/** Diagnostics as the engine reads them: the response serialized by its service, decoded by google-protobuf. */
function diagnostics(def: MethodDef, res: unknown): analyzerPb.AnalyzeDiagnostic.AsObject[] {
  return analyzerPb.AnalyzeResponse.deserializeBinary(def.responseSerialize(res as never)).getDiagnosticsList().map((d) => d.toObject());
}

// ------------------------------------------------------------------------------------- configs

type PolicyFile = Record<string, Record<string, unknown>>;
const SHIPPED: readonly (PolicyFile | undefined)[] = [
  undefined,
  ...["production.json", "staging.json"].map((f) => path.join(ROOT, "policypack", "config", f)).filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as PolicyFile),
];
const GATES = RULES.map((r) => r.gate as string);
const STACK_GATES = RULES.filter((r) => r.kind === "stack").map((r) => r.gate as string);
const DEFAULT_LEVEL = new Map(freshPolicies().map((p) => [p.name, (p.enforcementLevel ?? "mandatory") as LevelName]));

interface ConfigCase {
  readonly file: number;
  readonly levels: Readonly<Record<string, LevelName>>;
}

const configCase: fc.Arbitrary<ConfigCase> = fc.record({
  file: fc.nat({ max: SHIPPED.length - 1 }),
  levels: fc.dictionary(fc.constantFrom(...STACK_GATES, ...GATES), fc.constantFrom<LevelName>("advisory", "mandatory", "disabled", "remediate"), { maxKeys: 8 }),
});

/** The Configure a policy config file and level overrides make (as the CLI sends it: level apart from settings). */
function configureEntries(c: ConfigCase): Record<string, { level: LevelName; settings: Record<string, unknown> }> {
  const out: Record<string, { level: LevelName; settings: Record<string, unknown> }> = {};
  const file = SHIPPED[c.file] ?? {};
  for (const name of new Set([...Object.keys(file), ...Object.keys(c.levels)])) {
    const { enforcementLevel, ...settings } = file[name] ?? {};
    out[name] = { level: c.levels[name] ?? (enforcementLevel as LevelName | undefined) ?? DEFAULT_LEVEL.get(name) ?? "mandatory", settings };
  }
  return out;
}

/**
 * The stack as the engine could send it. The engine reads a map keyed by the signature key as a
 * special value, so it never sends one with an unknown signature or a secret without its value;
 * the policy SDK rejects both (deserialize.js: "Unrecognized signature", "unexpected undefined
 * property value") and fails the whole AnalyzeStack, while the fast path reads them as data. The
 * generator makes such maps (the signature key is one of its keys): they become plain keys here.
 */
function engineShaped(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(engineShaped);
  if (typeof v !== "object" || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const key = k === SIG_KEY && (x !== SECRET_SIG || !Object.prototype.hasOwnProperty.call(v, "value")) ? `not-${k}` : k;
    Object.defineProperty(out, key, { value: engineShaped(x), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Per resource: the options' parent (AnalyzerResourceOptions.parent), by index (-1 none, past the end dangling). */
const optionParents: fc.Arbitrary<readonly number[]> = fc.array(fc.integer({ min: -3, max: 20 }), { maxLength: 18 });

function brief(value: unknown): string {
  const s = JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  return s.length > 3000 ? `${s.slice(0, 3000)}…` : s;
}

describe("one-pass AnalyzeStack against the policy SDK's handler (differential, property-based)", function () {
  this.timeout(120_000);
  let w: ReturnType<typeof wire>;

  before(() => {
    w = wire();
  });

  it(`gives the SDK's diagnostics, in its order, on ${RUNS} random stacks and configs`, async () => {
    let compared = 0;
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(configCase, stackCase, optionParents, marker, async (cfg, sc, optParents, m) => {
        const entries = configureEntries(cfg);
        await call(w.installed.impl["configure"], w.installed.service.configure.requestDeserialize(encodeConfigureRequest(entries)));
        const built = buildStack(sc, m);
        const stack = built.map((r, i): ResourceInput => {
          const p = optParents[i] ?? -1;
          const parent = p < 0 ? undefined : (built[p]?.urn ?? `urn:pulumi:prod::readiness::component:index:Dangling::${p}`);
          return { ...r, props: engineShaped(r.props) as Record<string, unknown>, opts: { ...r.opts, parent } };
        });
        const bytes = encodeStackRequest(stack);

        const fastRes = await call(w.installed.impl["analyzeStack"], w.installed.service.analyzeStack.requestDeserialize(bytes));
        const fast = diagnostics(w.installed.service.analyzeStack, fastRes);

        const sdkHandler = w.server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, "mandatory", freshStackPolicies());
        const sdkRes = await call(sdkHandler, w.sdk.service.analyzeStack.requestDeserialize(bytes));
        const sdk = diagnostics(w.sdk.service.analyzeStack, sdkRes);

        compared++;
        if (sdk.length > 0) nonEmpty++;
        if (!isDeepStrictEqual(fast, sdk)) {
          assert.deepEqual(fast, sdk, `fast path and SDK differ\nconfig: ${brief(entries)}\nstack: ${brief(stack)}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    assert.equal(compared, RUNS);
    // The comparison means something only if the stacks give diagnostics.
    assert.ok(nonEmpty >= RUNS / 2, `only ${nonEmpty} of ${RUNS} stacks gave diagnostics`);
  });

  it("routes one Configure to both: a disabled policy reports on neither, remediate reports mandatory on both", async () => {
    const gate = "kms-key-hygiene";
    assert.ok(STACK_GATES.includes(gate));
    const key: ResourceInput = {
      type: "gcp:kms/cryptoKey:CryptoKey",
      urn: "urn:pulumi:prod::readiness::gcp:kms/cryptoKey:CryptoKey::k",
      name: "k",
      props: { name: "k", rotationPeriod: "999999999s" },
      opts: { protect: false },
    };
    const bytes = encodeStackRequest([key]);
    const levels = async (level: LevelName): Promise<readonly [number[], number[]]> => {
      await call(w.installed.impl["configure"], w.installed.service.configure.requestDeserialize(encodeConfigureRequest({ [gate]: { level, settings: {} } })));
      const fast = diagnostics(w.installed.service.analyzeStack, await call(w.installed.impl["analyzeStack"], w.installed.service.analyzeStack.requestDeserialize(bytes)));
      const sdkHandler = w.server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, "mandatory", freshStackPolicies());
      const sdk = diagnostics(w.sdk.service.analyzeStack, await call(sdkHandler, w.sdk.service.analyzeStack.requestDeserialize(bytes)));
      const of = (ds: analyzerPb.AnalyzeDiagnostic.AsObject[]) => ds.filter((d) => d.policyname === gate).map((d) => d.enforcementlevel);
      return [of(fast), of(sdk)];
    };
    const [fastOn, sdkOn] = await levels("remediate");
    assert.ok(fastOn.length > 0 && fastOn.every((l) => l === 1), `remediate reports mandatory (fast: ${fastOn.join()})`);
    assert.deepEqual(fastOn, sdkOn);
    assert.deepEqual(await levels("disabled"), [[], []]);
  });
});
