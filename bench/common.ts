/** Shared by the benchmark's parent and worker processes: timing, statistics, the pack's config. */
import * as fs from "node:fs";
import * as path from "node:path";

/** The fixed "today" of every benchmark run (waiver expiry), so findings are reproducible. */
export const BENCH_TODAY = new Date("2026-11-23T12:00:00Z");
export const BENCH_FACTS = { gcpRegion: "europe-west1" } as const;
export const SEED = 42;

export const REPO = path.resolve(__dirname, "..", "..");
export const PACK_DIR = path.join(REPO, "policypack");

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The production pack config (what `--policy-pack-config policypack/config/production.json` sends). */
/** A pack's production config (default: this repository's pack) as Configure receives it. */
export function productionConfig(packDir = PACK_DIR): Record<string, Record<string, unknown>> {
  const raw = JSON.parse(fs.readFileSync(path.join(packDir, "config", "production.json"), "utf8")) as Record<string, unknown>;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === "string") out[k] = { enforcementLevel: v };
    else if (typeof v === "object" && v !== null && !Array.isArray(v)) out[k] = v as Record<string, unknown>;
  }
  return out;
}

/** Peak resident set of a process (VmHWM, MiB), from /proc. */
export function vmHwmMiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The 1-minute load average and the core count, to say how busy the machine was. */
export function load(): { load1: number; load5: number; cores: number } {
  const [l1, l5] = fs.readFileSync("/proc/loadavg", "utf8").split(" ").map(Number);
  return { load1: l1 ?? 0, load5: l5 ?? 0, cores: require("node:os").cpus().length as number };
}

/** CPU time of this process so far (user + system, all threads), in ms: robust to a busy machine. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU time another process has used so far (utime + stime from /proc, 10 ms resolution), in ms. */
export function procCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return NaN;
  }
}

/**
 * A pack directory for the SDK baseline (build/bench/baselinepack), as the CLI would launch it: the
 * same rules served by the policy SDK's own handlers, without the pack's one-pass AnalyzeStack and
 * start-up trim (bench/baseline/index.ts).
 */
export function baselinePackDir(): string {
  const dir = path.join(__dirname, "baselinepack");
  fs.mkdirSync(dir, { recursive: true });
  const version = (JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { version: string }).version;
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "readiness-guard-sdk-baseline", version, main: "index.js" }));
  fs.writeFileSync(path.join(dir, "index.js"), `require(${JSON.stringify(path.join(__dirname, "baseline", "index.js"))});\n`);
  return dir;
}
