/** Helpers of the `readiness` command specs: paths, a CLI runner, fixtures. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root (specs run from build/test/cli). */
export const ROOT = path.resolve(__dirname, "../../..");
export const CLI = path.join(ROOT, "build", "cli", "readiness.js");
/** The policy pack's version (policypack/package.json), as the reports print it. */
export const PACK_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, "policypack", "package.json"), "utf8")) as { version: string }).version;
export const STATE_DIR = path.join(ROOT, "test", "fixtures", "state");
export const EXPORT = path.join(STATE_DIR, "prod-violations.json");
export const AUDIT_CONFIG = path.join(STATE_DIR, "audit-config.json");
export const EVENTS = path.join(STATE_DIR, "preview-events.jsonl");
export const TODAY = "2026-11-23";

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node build/cli/readiness.js <args>` (through the bin shim when `shim` is set). */
export function runCli(args: readonly string[], opts: { cwd?: string; shim?: boolean; timeoutMs?: number; env?: Readonly<Record<string, string>> } = {}): CliResult {
  const entry = opts.shim ? path.join(ROOT, "bin", "readiness.js") : CLI;
  const r = spawnSync(process.execPath, [entry, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `readiness-${prefix}-`));
}

/** A copy of the export fixture with one change, written to a temp file. */
export function mutatedExport(change: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(fs.readFileSync(EXPORT, "utf8")) as Record<string, unknown>;
  change(doc);
  const file = path.join(tmpDir("export"), "export.json");
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

export function resourcesOf(doc: Record<string, unknown>): Record<string, unknown>[] {
  return (doc["deployment"] as { resources: Record<string, unknown>[] }).resources;
}
