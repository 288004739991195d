/**
 * readiness-guard policy pack: the composition root. The only place that reads the clock, the
 * environment and files; everything below is pure.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { PolicyPack } from "@pulumi/policy";
import { toPulumiPolicy } from "./engine/adapter";
import { installConfigureGuard } from "./engine/configure-guard";
import { stackFactsFromEnv } from "./facts";
import { RULES } from "./policies";

// The gRPC module the policy SDK serves with (the same instance, resolved from the SDK's location).
installConfigureGuard(createRequire(require.resolve("@pulumi/policy"))("@grpc/grpc-js"), RULES);

const env = { today: () => new Date(), facts: stackFactsFromEnv(process.env) };

function readme(): string | undefined {
  try {
    return fs.readFileSync(`${__dirname}/../README.md`, "utf8");
  } catch {
    return undefined;
  }
}

new PolicyPack("readiness-guard", {
  displayName: "readiness-guard: service readiness gates",
  description: "Service readiness gates (residency, encryption, databases, migrations, workloads, gateway, release, observability) for GCP and GKE stacks.",
  readme: readme(),
  provider: "gcp",
  tags: ["readiness", "gcp", "kubernetes", "compliance"],
  enforcementLevel: "mandatory",
  policies: RULES.map((rule) => toPulumiPolicy(rule, env)),
});
