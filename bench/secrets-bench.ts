/**
 * `node build/bench/secrets-bench.js [--size 50000] [--runs 5]`: what the secretlint rule set costs
 * workload-secrets-not-in-env on a generated stack (bench/generate.ts), and what the asynchronous
 * alternative (one `@secretlint/core` lintSource() per value) would cost.
 *
 * Measures: loading the rule set; the gate over the whole stack (cold: empty memos; warm); every
 * literal env value of the stack through the pack's own shapes only and through literalSecret()
 * (shapes, pre-test, rule set), how many values pass the pre-test; lintSource() per value.
 */
import { performance } from "node:perf_hooks";
import { asArray, asString, valueAt } from "../policypack/src/access/values";
import { evaluate } from "../policypack/src/engine/evaluate";
import { initRules } from "../policypack/src/engine/rule";
import { workloadSecretsNotInEnv } from "../policypack/src/gates/workload-secrets-not-in-env/gate";
import { loadSecretRules } from "../policypack/src/lib/secret-rules";
import { literalSecret, secretShape } from "../policypack/src/lib/secrets";
import { BENCH_FACTS, BENCH_TODAY } from "./common";
import { generateStack } from "./generate";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Every (name, value) literal of every container env (Kubernetes and Cloud Run) in the stack. */
function literals(stack: ReturnType<typeof generateStack>): [string, string][] {
  const out: [string, string][] = [];
  const visit = (containers: unknown, key: string) => {
    for (const c of asArray(containers)) {
      for (const e of asArray(valueAt(c, key))) {
        const n = asString(valueAt(e, "name"));
        const v = asString(valueAt(e, "value"));
        if (n !== undefined && v !== undefined) out.push([n, v]);
      }
    }
  };
  for (const r of stack) {
    for (const p of ["spec.template.spec", "spec.jobTemplate.spec.template.spec"]) {
      visit(valueAt(r.props, `${p}.containers`), "env");
      visit(valueAt(r.props, `${p}.initContainers`), "env");
    }
    visit(valueAt(r.props, "template.containers"), "envs");
    visit(valueAt(r.props, "template.template.containers"), "envs");
  }
  return out;
}

function ms(t0: number): string {
  return (performance.now() - t0).toFixed(1);
}

async function main(): Promise<void> {
  const size = arg("size", 50_000);
  const runs = arg("runs", 5);
  let t0 = performance.now();
  await loadSecretRules();
  console.log(`rule set loaded in ${ms(t0)} ms`);
  await initRules([workloadSecretsNotInEnv]);
  const stack = generateStack(size);
  const lits = literals(stack);
  const distinct = new Set(lits.map(([n, v]) => `${n}=${v}`));
  console.log(`${stack.length} resources, ${lits.length} literal env values (${distinct.size} distinct)`);

  t0 = performance.now();
  let own = 0;
  for (const l of distinct) if (secretShape(l.slice(l.indexOf("=") + 1))) own++;
  console.log(`own shapes over every distinct literal: ${ms(t0)} ms, ${own} secret`);
  t0 = performance.now();
  let all = 0;
  for (const l of distinct) if (literalSecret(l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1))) all++;
  console.log(`literalSecret over every distinct literal (cold: shapes, pre-test, rule set): ${ms(t0)} ms, ${all} secret`);

  const config = { "workload-secrets-not-in-env": { enforcementLevel: "mandatory" as const } };
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    const ev = evaluate([workloadSecretsNotInEnv], stack, config, { today: BENCH_TODAY, facts: BENCH_FACTS });
    console.log(`gate over the stack, run ${i + 1}: ${ms(t0)} ms, ${ev.findings.length} findings`);
  }

  const PRE = /PRIVATE KEY|PASSWORD|IDENTIFIED|\b(?:passwd|pwd|secret|token|api[_-]?key)=|:\/\/|Bearer|eyJ|AKIA|ASIA|AGPA|AIDA|AROA|AIza|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|[sr]k_live_|npm_|"private_key"/i;
  const reaching = [...distinct].filter((l) => {
    const v = l.slice(l.indexOf("=") + 1);
    return v.length >= 8 && !secretShape(v) && (PRE.test(v) || /[A-Za-z0-9+/=_-]{16}/.test(v));
  });
  console.log(`distinct values that reach the rule set: ${reaching.length}`);

  const core = (await import("@secretlint/core")) as { lintSource: (o: unknown) => Promise<{ messages: unknown[] }> };
  const preset = (await import("@secretlint/secretlint-rule-preset-recommend")) as { creator: { meta: { id: string } } };
  const rules = [{ id: preset.creator.meta.id, rule: preset.creator }];
  const sample = lits.slice(0, 2000);
  t0 = performance.now();
  for (const [n, v] of sample) await core.lintSource({ source: { filePath: ".env", content: `${n}=${v}`, contentType: "text" }, options: { config: { rules } } });
  const per = (performance.now() - t0) / sample.length;
  console.log(`lintSource(): ${(per * 1000).toFixed(0)} µs per value → ${((per * lits.length) / 1000).toFixed(1)} s for every literal of the stack`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
