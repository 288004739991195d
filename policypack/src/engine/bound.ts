/**
 * Keeps every AnalyzeStack response under the size the engine accepts.
 *
 * The Node.js language host proxies the engine's connection to a policy pack and dials it with
 * `grpc.NewClient` and no message-size option (pulumi/pulumi `sdk/policy_proxy.go`), so a response
 * over gRPC's default 4 MiB receive limit fails the whole preview. A stack gate rolled out as
 * advisory on a large stack can produce tens of thousands of findings. So each stack policy gets an
 * equal share of 4 MiB (less a margin for the response's own framing): its findings are listed in
 * order while they fit, and the rest are replaced by one summary finding that counts them, carries
 * the strongest kind among them (a dropped violation keeps the policy's level: a mandatory gate
 * still fails the preview) and says where the full list is.
 */
import type { Finding } from "./run";

/** gRPC's default maximum received message size (grpc-go `defaultClientMaxReceiveMessageSize`). */
export const ENGINE_RESPONSE_LIMIT = 4 * 1024 * 1024;
/** Room left for the response's framing and for policies' config-problem findings. */
const MARGIN = 64 * 1024;
/** What one diagnostic adds besides its strings: field tags, lengths, level and severity. */
const DIAGNOSTIC_OVERHEAD = 32;
/** Room kept in each share for the summary itself. */
const SUMMARY_RESERVE = 1024;

/** Each stack policy's share of one response, in bytes. */
export function responseShare(stackPolicies: number): number {
  return Math.floor((ENGINE_RESPONSE_LIMIT - MARGIN) / Math.max(1, stackPolicies));
}

export interface DiagnosticShape {
  readonly policyName: string;
  readonly packName: string;
  readonly packVersion: string;
  /** The policy's description (sent in its own field and, for violations, before the message). */
  readonly description: string;
}

/** The encoded size of one finding's diagnostic, counted generously. */
export function diagnosticBytes(f: Finding, shape: DiagnosticShape): number {
  const strings = [shape.policyName, shape.packName, shape.packVersion, shape.description, shape.description, f.message, f.urn ?? ""];
  let n = DIAGNOSTIC_OVERHEAD;
  for (const s of strings) n += Buffer.byteLength(s, "utf8") + 4;
  return n;
}

/**
 * The findings of one stack policy as they fit in `share` bytes: all of them when they fit, else
 * the first ones that fit and one summary of the rest. Waived findings (never sent) cost nothing.
 */
export function boundFindings(findings: readonly Finding[], shape: DiagnosticShape, share: number): readonly Finding[] {
  let used = 0;
  let cut = -1;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i] as Finding;
    if (f.kind === "waived") continue;
    used += diagnosticBytes(f, shape);
    if (used > share - SUMMARY_RESERVE) {
      cut = i;
      break;
    }
  }
  if (cut < 0) return findings;
  const kept = findings.slice(0, cut);
  const rest = findings.slice(cut).filter((f) => f.kind !== "waived");
  const violations = rest.filter((f) => f.kind === "violation" || f.kind === "config").length;
  const others = rest.length - violations;
  const first = rest[0] as Finding;
  const strongest = rest.find((f) => f.kind === "violation" || f.kind === "config") ?? first;
  const parts = [violations > 0 ? `${violations} violation${violations === 1 ? "" : "s"}` : "", others > 0 ? `${others} advisory finding${others === 1 ? "" : "s"}` : ""].filter(Boolean);
  const message =
    `${rest.length} more finding${rest.length === 1 ? "" : "s"} of ${shape.policyName} (${parts.join(", ")}) are not listed here: ` +
    `one response to the Pulumi engine holds at most 4 MiB. The first one not listed is about ${first.name === undefined ? "the stack" : `'${first.name}'`}. ` +
    `Fix: run \`readiness check\` (or \`readiness audit --events <preview event log>\`) for the full list, or fix the findings listed first.`;
  const summary: Finding = {
    policy: strongest.policy,
    kind: strongest.kind === "violation" || strongest.kind === "config" ? "violation" : "undecided",
    level: strongest.level,
    severity: strongest.severity,
    message,
  };
  return [...kept, summary];
}
