/**
 * A/B of the first AnalyzeStack of a fresh pack process, for two built packs measured alternately
 * in the same VM phase (this machine's phases move single figures by up to 1.9×, so two `npm run
 * bench` runs hours apart do not compare two versions):
 *
 *   node build/bench/fresh-ab.js <pack dir A> <pack dir B> [processes per pack, default 3] [size, default 50000]
 *
 * Each process: launch as the CLI does, Configure with the production config (each pack's own
 * config/production.json), wait 1.5 s (the warm-up runs, as during a preview's Analyze calls), then
 * time one AnalyzeStack and a second one (warm).
 */
import * as path from "node:path";
import { AnalyzerProcess } from "../cli/analyzer-client";
import { nowMs, productionConfig, round, SEED } from "./common";
import { generateStack } from "./generate";
import { encodeAnalyzeStack, RawAnalyzer } from "./wire";

async function once(packDir: string, body: Uint8Array): Promise<{ first: number; warm: number }> {
  const pack = await AnalyzerProcess.launch(packDir, { env: { PULUMI_CONFIG: JSON.stringify({ "gcp:region": "europe-west1" }) } });
  const client = new RawAnalyzer(pack.port);
  try {
    await client.configure(productionConfig(packDir));
    await new Promise((r) => setTimeout(r, 1500));
    let t = nowMs();
    await client.analyzeStack(body);
    const first = round(nowMs() - t, 0);
    t = nowMs();
    await client.analyzeStack(body);
    return { first, warm: round(nowMs() - t, 0) };
  } finally {
    client.close();
    await pack.close();
  }
}

async function main(): Promise<void> {
  const [a, b, n = "3", size = "50000"] = process.argv.slice(2);
  if (!a || !b) throw new Error("usage: node build/bench/fresh-ab.js <pack dir A> <pack dir B> [processes] [size]");
  const body = encodeAnalyzeStack(generateStack(Number(size), SEED));
  const runs: Record<string, { first: number; warm: number }[]> = { [a]: [], [b]: [] };
  for (let i = 0; i < Number(n); i++) for (const dir of [a, b]) runs[dir]?.push(await once(path.resolve(dir), body));
  for (const [dir, rs] of Object.entries(runs)) {
    console.log(`${dir}: first ${rs.map((r) => r.first).join(", ")} ms; warm ${rs.map((r) => r.warm).join(", ")} ms`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
