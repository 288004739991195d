/**
 * readiness-guard policy pack: the composition root. The only place that reads the clock and the
 * environment; everything below is pure.
 */
import { PolicyPack } from "@pulumi/policy";
import { toPulumiPolicy } from "./engine/adapter";
import { stackFactsFromEnv } from "./facts";
import { RULES } from "./policies";

const env = { today: () => new Date(), facts: stackFactsFromEnv(process.env) };

new PolicyPack("readiness-guard", {
  description: "Service readiness gates (residency, encryption, databases, workloads, gateway, release, observability) as code.",
  enforcementLevel: "mandatory",
  policies: RULES.map((rule) => toPulumiPolicy(rule, env)),
});
