/**
 * Rejects a wrong pack config at Configure, before any resource is analysed, with one line per
 * problem naming the field and the fix. The policy SDK accepts any config at Configure (it only
 * stores it), so a typo would otherwise surface as a violation on the first resource, or not at
 * all. The Pulumi CLI shows the rejection and stops the preview at start.
 *
 * It wraps the `configure` handler the SDK registers on its gRPC server; everything else is
 * untouched. Waiver problems are not rejected here: they are violations of their policy.
 */
import { packConfigProblems } from "./evaluate";
import type { ConfigProblem } from "./config";
import type { Rule } from "./rule";
import { settingsProblems } from "./run";

const LEVEL_NAMES: Readonly<Record<number, string>> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

/** The subset of the Configure request the guard reads (analyzer_pb.ConfigureAnalyzerRequest). */
interface PolicyConfigMessage {
  getEnforcementlevel(): number;
  getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface ConfigureRequest {
  getPolicyconfigMap(): { entries(): Iterable<[string, PolicyConfigMessage]> };
}

type Callback = (err: unknown, res?: unknown) => void;
type Handler = (call: { request: ConfigureRequest }, cb: Callback) => unknown;

/**
 * The config map of a Configure request, as the policy files write it. The Pulumi CLI has already
 * applied a file's `all` level to every policy and forwards `all` itself as one more entry
 * (pulumi/pulumi pkg/resource/analyzer/config.go, applyConfig; pkg/resource/plugin/analyzer_plugin.go,
 * Configure). Its level is already in every policy's own entry, so it is read as what it is: not a
 * policy, and nothing more to apply.
 */
export function configFromRequest(req: ConfigureRequest): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, pc] of req.getPolicyconfigMap().entries()) {
    if (name === "all") continue;
    const props = pc.getProperties()?.toJavaScript() ?? {};
    out[name] = { ...props, enforcementLevel: LEVEL_NAMES[pc.getEnforcementlevel()] ?? "advisory" };
  }
  return out;
}

/** Problems that make a config unusable: unknown policies, bad levels, bad settings. */
export function configureProblems(config: Record<string, unknown>, rules: readonly Rule[]): ConfigProblem[] {
  const problems = packConfigProblems(config, rules);
  for (const rule of rules) {
    if (config[rule.gate] !== undefined) problems.push(...settingsProblems(rule, config[rule.gate]).problems);
  }
  return problems;
}

export function rejectionMessage(problems: readonly ConfigProblem[]): string {
  return `readiness-guard: invalid policy pack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
    .map((p) => `  - ${p.path}: ${p.message}`)
    .join("\n")}`;
}

interface GrpcLike {
  Server: { prototype: { addService: (this: unknown, service: unknown, impl: Record<string, unknown>) => unknown } };
  status: { INVALID_ARGUMENT: number };
}

/** Installs the guard on the gRPC module the policy SDK serves with. Call before `new PolicyPack`. */
export function installConfigureGuard(grpc: GrpcLike, rules: readonly Rule[]): void {
  const proto = grpc.Server.prototype;
  const original = proto.addService;
  proto.addService = function (this: unknown, service: unknown, impl: Record<string, unknown>) {
    const configure = impl["configure"] as Handler | undefined;
    if (typeof configure !== "function") return original.call(this, service, impl);
    const guarded: Handler = (call, cb) => {
      let problems: ConfigProblem[];
      try {
        problems = configureProblems(configFromRequest(call.request), rules);
      } catch (e) {
        problems = [{ path: "(request)", message: `could not be read: ${e instanceof Error ? e.message : String(e)}` }];
      }
      if (problems.length > 0) {
        cb({ code: grpc.status.INVALID_ARGUMENT, details: rejectionMessage(problems), message: rejectionMessage(problems) });
        return;
      }
      return configure(call, cb);
    };
    return original.call(this, service, { ...impl, configure: guarded });
  };
}
