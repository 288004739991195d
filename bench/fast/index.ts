/**
 * PROTOTYPE (benchmark only): the pack's composition root (policypack/src/index.ts) plus the
 * one-pass AnalyzeStack (fast/analyze-stack.ts) and the start-up trim (fast/preload.ts). The benchmark launches it from a temporary pack
 * directory to compare it with the real pack on the same requests.
 */
import "./preload";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { PolicyPack } from "@pulumi/policy";
import { toPulumiPolicy } from "../../policypack/src/engine/adapter";
import { installConfigureGuard } from "../../policypack/src/engine/configure-guard";
import { stackFactsFromEnv } from "../../policypack/src/facts";
import { RULES } from "../../policypack/src/policies";
import { installFastAnalyzeStack } from "./analyze-stack";

const sdkRequire = createRequire(require.resolve("@pulumi/policy"));
const grpc = sdkRequire("@grpc/grpc-js");
installConfigureGuard(grpc, RULES);

const env = { today: () => new Date(), facts: stackFactsFromEnv(process.env) };
const policies = RULES.map((rule) => toPulumiPolicy(rule, env));
const version = (JSON.parse(fs.readFileSync(`${process.cwd()}/package.json`, "utf8")) as { version: string }).version;

installFastAnalyzeStack({
  grpc,
  pb: sdkRequire("@pulumi/pulumi/proto/analyzer_pb"),
  rules: RULES,
  policies,
  packName: "readiness-guard",
  packVersion: version,
  packLevel: "mandatory",
  today: env.today,
  facts: env.facts,
});

new PolicyPack("readiness-guard", {
  description: "Service readiness gates (prototype with the one-pass AnalyzeStack).",
  enforcementLevel: "mandatory",
  policies,
});
