/**
 * What `readiness check` costs: pack start-up (launched as the Pulumi CLI launches it) and the
 * Analyze round trip over the Analyzer gRPC protocol, on the bundled production stack.
 *
 *   npm run build && node build/bench/check-timings.js [--runs 3] [--launches 5] [--json]
 *
 * Each run is a full `readiness check --timings` in this process (program under mocks, pack
 * launch, GetAnalyzerInfo, Configure, one sequential Analyze per custom resource, AnalyzeStack);
 * the medians over the runs are printed. Launches measure start-up alone (spawn → port line).
 */
import * as path from "node:path";
import { AnalyzerProcess } from "../cli/analyzer-client";
import { packageRoot } from "../cli/audit";
import { runCheck, type Timings } from "../cli/check";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const runs = arg("--runs", 3);
  const launches = arg("--launches", 5);
  const root = packageRoot();
  const packDir = path.join(root, "policypack");

  const starts: number[] = [];
  for (let i = 0; i < launches; i++) {
    const t0 = process.hrtime.bigint();
    const p = await AnalyzerProcess.launch(packDir, { env: { PULUMI_CONFIG: JSON.stringify({ "gcp:region": "europe-west1" }) } });
    starts.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await p.close();
  }

  const timings: Timings[] = [];
  let resources = 0;
  for (let i = 0; i < runs; i++) {
    const res = await runCheck({ stack: "prod", outDir: "", format: "json", timings: true, today: "2026-11-23", cwd: root, stderr: process.stderr });
    timings.push(res.timings);
    resources = res.report.summary.resources;
  }
  const med = (k: keyof Timings) => r1(median(timings.map((t) => t[k])));
  const out = {
    node: process.version,
    resources,
    analyzeCalls: timings[0]?.analyzeCalls ?? 0,
    packStartMs: { median: r1(median(starts)), min: r1(Math.min(...starts)), max: r1(Math.max(...starts)), launches },
    perRunMedians: {
      programMs: med("programMs"),
      packStartMs: med("packStartMs"),
      getAnalyzerInfoMs: med("infoMs"),
      configureMs: med("configureMs"),
      analyzeMeanMs: med("analyzeMeanMs"),
      analyzeP50Ms: med("analyzeP50Ms"),
      analyzeP95Ms: med("analyzeP95Ms"),
      analyzeMaxMs: med("analyzeMaxMs"),
      analyzeStackMs: med("analyzeStackMs"),
      totalMs: med("totalMs"),
      runs,
    },
  };
  if (process.argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const p = out.perRunMedians;
  process.stdout.write(
    [
      `readiness check on the bundled production stack (${resources} resources, ${out.analyzeCalls} Analyze calls), Node ${out.node}`,
      `  pack start-up (spawn -> port), ${launches} launches: median ${out.packStartMs.median} ms (min ${out.packStartMs.min}, max ${out.packStartMs.max})`,
      `  medians over ${runs} full runs:`,
      `    program under mocks ${p.programMs} ms; pack start ${p.packStartMs} ms; GetAnalyzerInfo ${p.getAnalyzerInfoMs} ms; Configure ${p.configureMs} ms`,
      `    Analyze round trip (sequential): mean ${p.analyzeMeanMs} ms, p50 ${p.analyzeP50Ms} ms, p95 ${p.analyzeP95Ms} ms, max ${p.analyzeMaxMs} ms`,
      `    AnalyzeStack ${p.analyzeStackMs} ms; whole check ${p.totalMs} ms`,
    ].join("\n") + "\n",
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
