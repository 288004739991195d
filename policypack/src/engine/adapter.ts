/**
 * Adapts the pack's pure rules to @pulumi/policy policies, owning the preview semantics:
 *
 * - props are read raw (never through the SDK's throwing proxy), so an unknown value never aborts
 *   a policy half-way and never silently downgrades a mandatory gate;
 * - a gate that cannot be decided before apply is reported, advisory, with the reason;
 * - a policy that fails on odd input reports an advisory diagnostic instead of failing the preview;
 * - config problems (bad settings, malformed or expired waivers) are reported once per config.
 */
import type {
  Policy,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { ResourceInput, StackFacts } from "../access/resource";
import { ResourceView } from "../access/resource";
import { StackView } from "../access/stack";
import { boundFindings } from "./bound";
import { gateDocsUrl, SEEDS } from "./meta";
import { configSchemaOf } from "./schema";
import type { Rule } from "./rule";
import { prepare, reportable, runResource, runStack, type Finding, type Prepared } from "./run";

export interface AdapterEnv {
  /** Today's date (waiver expiry); injected by the composition root. */
  readonly today: () => Date;
  readonly facts: StackFacts;
  /**
   * The bound on one AnalyzeStack response (engine/bound.ts): the pack's name and version as sent in
   * each diagnostic, and each stack policy's share of 4 MiB. Without it, nothing is bounded.
   */
  readonly response?: { readonly packName: string; readonly packVersion: string; readonly share: number };
}

const SPECIAL_TARGET = "__getSpecialProxyTarget";

/** The raw object behind the SDK's unknown-checking proxy (reading it never throws). */
export function rawProps(props: unknown): Record<string, unknown> {
  if (typeof props !== "object" || props === null) return {};
  const target = (props as Record<string, unknown>)[SPECIAL_TARGET];
  const raw = typeof target === "object" && target !== null ? target : props;
  return raw as Record<string, unknown>;
}

function providerOf(p: ResourceValidationArgs["provider"]): ResourceInput["provider"] {
  if (!p) return undefined;
  return { type: p.type, urn: p.urn, name: p.name, props: rawProps(p.props) };
}

export function inputFromPolicyResource(r: PolicyResource): ResourceInput {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, deps] of Object.entries(r.propertyDependencies ?? {})) propertyDependencies[k] = deps.map((d) => d.urn);
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: rawProps(r.props),
    provider: providerOf(r.provider),
    opts: { protect: r.opts?.protect, parent: r.opts?.parent },
    parent: r.parent?.urn ?? r.opts?.parent,
    dependencies: (r.dependencies ?? []).map((d) => d.urn),
    propertyDependencies,
  };
}

/**
 * Caches the prepared rule per config. The SDK's getConfig() returns a new object on every call,
 * so the cache is keyed by the config's JSON; a new Configure (a different config) reports again.
 */
class PreparedCache<S> {
  private lastKey?: string;
  private prepared?: Prepared<S>;
  private reported = false;

  constructor(
    private readonly rule: Rule<S>,
    private readonly env: AdapterEnv,
  ) {}

  get(raw: unknown): { prepared: Prepared<S>; problems: readonly Finding[] } {
    const key = JSON.stringify(raw) ?? "";
    if (key !== this.lastKey || !this.prepared) {
      this.prepared = prepare(this.rule, raw, this.env.today());
      this.lastKey = key;
      this.reported = false;
    }
    const problems = this.reported ? [] : this.prepared.problems;
    this.reported = true;
    return { prepared: this.prepared, problems };
  }
}

/**
 * The policy SDK (1.21) also accepts an object: a diagnostic with its own enforcement level and a
 * message that is not prefixed by the policy's description. Used for advisory findings of
 * mandatory policies; not in the SDK's published types, so pinned and covered by the e2e tests.
 */
type ReportObject = (d: { message: string; urn?: string; enforcementLevel: "advisory" }) => void;

/** Reports findings: violations at the policy's level, undecided and error findings as advisory. */
function deliver(findings: readonly Finding[], report: ReportViolation, stackLevel: boolean): void {
  for (const f of findings) {
    if (!reportable(f)) continue;
    if (f.kind === "undecided" || f.kind === "error") {
      (report as unknown as ReportObject)({ message: f.message, urn: stackLevel ? f.urn : undefined, enforcementLevel: "advisory" });
    } else if (stackLevel && f.urn) report(f.message, f.urn);
    else report(f.message);
  }
}

function metadata(rule: Rule): Omit<Policy, "name" | "description"> & { name: string; description: string } {
  const g = prepare(rule, undefined, new Date(0)).gate;
  return {
    name: g.name,
    description: g.proves,
    displayName: g.title,
    enforcementLevel: g.level,
    severity: g.severity,
    remediationSteps: g.remediation,
    url: gateDocsUrl(g.name),
    tags: [g.area, ...new Set(g.sources.map((s) => `${SEEDS[s.seed].service}-service`))],
    framework: {
      name: "service-readiness",
      version: "1",
      // A gate with no checklist line of its own (resource-coverage) serves every checklist (GATES.md: 'all').
      reference: g.sources.length > 0 ? g.sources.map((s) => `${s.seed} ${s.section}: ${s.line}`).join("; ") : "all checklists: no line of its own",
      specification: "The service readiness checklists (seeds 000 config, 001 registration, 002 maintenance); see docs/gates.md.",
    },
    configSchema: configSchemaOf(rule),
  };
}

export function toPulumiPolicy(rule: Rule, env: AdapterEnv): ResourceValidationPolicy | StackValidationPolicy {
  const meta = metadata(rule);
  const cache = new PreparedCache(rule, env);
  const withInit = <A>(body: (args: A, report: ReportViolation) => void) => {
    const init = rule.init;
    if (!init) return body;
    return async (args: A, report: ReportViolation): Promise<void> => {
      await init();
      body(args, report);
    };
  };
  if (rule.kind === "resource") {
    const types = new Set(rule.types);
    return {
      ...meta,
      validateResource: withInit((args: ResourceValidationArgs, report: ReportViolation) => {
        const { prepared, problems } = cache.get(args.getConfig());
        const findings: Finding[] = [...problems];
        if (types.has(args.type)) {
          const view = new ResourceView(
            {
              type: args.type,
              urn: args.urn,
              name: args.name,
              props: rawProps(args.props),
              provider: providerOf(args.provider),
              opts: { protect: args.opts?.protect, parent: args.opts?.parent },
            },
            env.facts,
          );
          findings.push(...runResource(prepared, view));
        }
        deliver(findings, report, false);
      }),
    };
  }
  return {
    ...meta,
    validateStack: withInit((args: StackValidationArgs, report: ReportViolation) => {
      const { prepared, problems } = cache.get(args.getConfig());
      const stack = new StackView(args.resources.map(inputFromPolicyResource), env.facts);
      const findings = [...problems, ...runStack(prepared, stack)];
      const r = env.response;
      const shape = r && { policyName: rule.gate, packName: r.packName, packVersion: r.packVersion, description: meta.description };
      deliver(r && shape ? boundFindings(findings, shape, r.share) : findings, report, true);
    }),
  };
}
