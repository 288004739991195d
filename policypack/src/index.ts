/**
 * readiness-guard policy pack: the composition root. The only place that reads the clock, the
 * environment and files; everything below is pure.
 */
import "./preload"; // first: keeps closure serialization (unused by a pack) out of the cold start
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { PolicyPack } from "@pulumi/policy";
import { toPulumiPolicy } from "./engine/adapter";
import { responseShare } from "./engine/bound";
import { installConfigureGuard } from "./engine/configure-guard";
import { fastStackEnabled, installFastAnalyzeStack } from "./engine/fast/analyze-stack";
import { stackFactsFromEnv } from "./facts";
import { RULES } from "./gates";

// The gRPC and protobuf modules the policy SDK serves with (same instances, from the SDK's location).
const sdkRequire = createRequire(require.resolve("@pulumi/policy"));
const grpc = sdkRequire("@grpc/grpc-js");

function readFile(rel: string): string | undefined {
  try {
    return fs.readFileSync(`${__dirname}/../${rel}`, "utf8");
  } catch {
    return undefined;
  }
}

const version = (JSON.parse(readFile("package.json") ?? "{}") as { version?: string }).version ?? "0.0.0";
// Every AnalyzeStack response stays under the engine's 4 MiB (engine/bound.ts).
const response = { packName: "readiness-guard", packVersion: version, share: responseShare(RULES.filter((r) => r.kind === "stack").length) };
const env = { today: () => new Date(), facts: stackFactsFromEnv(process.env), response };
const policies = RULES.map((rule) => toPulumiPolicy(rule, env));

installConfigureGuard(grpc, RULES);
// AnalyzeStack in one pass (one decode, one StackView for every stack policy), same diagnostics as the SDK's.
// READINESS_GUARD_FAST_STACK=0 leaves AnalyzeStack to the SDK's own handler (and so has no warm-up).
if (fastStackEnabled(process.env)) {
  installFastAnalyzeStack({
    grpc,
    rules: RULES,
    policies,
    packName: "readiness-guard",
    packVersion: version,
    packLevel: "mandatory",
    today: env.today,
    facts: env.facts,
    // READINESS_GUARD_WARMUP=0 turns the warm-up off (see fast/warmup.ts).
    warmUp: process.env["READINESS_GUARD_WARMUP"] !== "0",
    responseShare: response.share,
  });
}

new PolicyPack("readiness-guard", {
  displayName: "readiness-guard: service readiness gates",
  description: "Service readiness gates (residency, encryption, databases, migrations, workloads, gateway, release, observability) for GCP and GKE stacks.",
  readme: readFile("README.md"),
  provider: "gcp",
  tags: ["readiness", "gcp", "kubernetes", "compliance"],
  enforcementLevel: "mandatory",
  policies,
});
