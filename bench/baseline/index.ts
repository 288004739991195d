/**
 * BASELINE (benchmark only): the pack served exactly as the policy SDK serves it, without the
 * pack's own optimisations: the same composition root as policypack/src/index.ts (same rules,
 * adapter, configure guard, metadata), but no one-pass AnalyzeStack (engine/fast/) and no start-up
 * trim (preload.ts). The SDK's own AnalyzeStack handler therefore runs. The benchmark launches it
 * from a temporary pack directory, as the CLI would, to compare it with the pack on the same requests.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { toPulumiPolicy } from "../../policypack/src/engine/adapter";
import { responseShare } from "../../policypack/src/engine/bound";
import { installConfigureGuard } from "../../policypack/src/engine/configure-guard";
import { stackFactsFromEnv } from "../../policypack/src/facts";
import { RULES } from "../../policypack/src/gates";

// build/bench/baseline -> the repository's policypack/ (README.md for the pack metadata).
const PACK_DIR = path.resolve(__dirname, "..", "..", "..", "policypack");

const sdkRequire = createRequire(require.resolve("@pulumi/policy"));
const grpc = sdkRequire("@grpc/grpc-js");
installConfigureGuard(grpc, RULES);

// The same response bound as the pack (engine/bound.ts), so both answer the same diagnostics.
const version = (JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { version: string }).version;
const response = { packName: "readiness-guard", packVersion: version, share: responseShare(RULES.filter((r) => r.kind === "stack").length) };
const env = { today: () => new Date(), facts: stackFactsFromEnv(process.env), response };
const policies = RULES.map((rule) => toPulumiPolicy(rule, env));

function readFile(file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(PACK_DIR, file), "utf8");
  } catch {
    return undefined;
  }
}

new PolicyPack("readiness-guard", {
  displayName: "readiness-guard: service readiness gates (SDK baseline)",
  description: "Service readiness gates, served by the policy SDK's own handlers (benchmark baseline).",
  readme: readFile("README.md"),
  provider: "gcp",
  tags: ["readiness", "gcp", "kubernetes", "compliance"],
  enforcementLevel: "mandatory",
  policies,
});
