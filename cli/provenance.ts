/**
 * Provenance of a report: when the evidence was taken, digests of the input and the config, the
 * pack and tool versions; and the report's own digest, which `readiness verify` recomputes.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "./state";

export interface Provenance {
  /** When the evidence was taken: the export's manifest.time (audit), else the run time (SOURCE_DATE_EPOCH when set). */
  readonly evidenceTime: string;
  readonly evidenceTimeSource: "manifest" | "SOURCE_DATE_EPOCH" | "clock";
  readonly input: { readonly file: string; readonly sha256: string };
  readonly config?: { readonly file: string; readonly sha256: string };
  readonly pack: { readonly name: string; readonly version: string };
  readonly tool: { readonly name: string; readonly version: string };
  /** `readiness check` only: the program that ran (see programProvenance). */
  readonly program?: ProgramProvenance;
}

/** What `readiness check` ran: the project, a digest of its source files, its git commit. */
export interface ProgramProvenance {
  /** The project directory (Pulumi.yaml), relative to the working directory ("." for itself). */
  readonly projectDir: string;
  /** How many files the digest covers. */
  readonly files: number;
  /** sha256 over the lines `<sha256 of the file>  <path relative to the project>\n`, sorted by path. */
  readonly sha256: string;
  /** True when the project holds more than MAX_PROGRAM_FILES source files: the digest covers the first ones by path. */
  readonly truncated?: true;
  /** HEAD of the git work tree the project is in (read from .git, no git process, no network); absent outside one. */
  readonly gitCommit?: string;
}

/** The source files of a program the digest covers: what a Pulumi program is written and configured in. */
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|ya?ml)$/;
/** At most this many files are hashed (sorted by path), so that a huge project cannot stall a check. */
export const MAX_PROGRAM_FILES = 5000;

/**
 * The program's provenance: every source file under the project directory (node_modules, dot
 * directories and `exclude`d directories, such as the report folder, left out), hashed in path
 * order, and the git commit. A file that cannot be read is left out (the count says how many were hashed).
 */
export function programProvenance(projectDir: string, shownDir: string, exclude: readonly string[] = []): ProgramProvenance {
  const skip = new Set(exclude.map((d) => path.resolve(d)));
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 32 || skip.has(dir)) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, depth + 1);
      else if (e.isFile() && SOURCE_FILE.test(e.name)) found.push(path.relative(projectDir, full).split(path.sep).join("/"));
    }
  };
  walk(path.resolve(projectDir), 0);
  found.sort();
  const files = found.slice(0, MAX_PROGRAM_FILES);
  const h = createHash("sha256");
  let hashed = 0;
  for (const f of files) {
    let digest: string;
    try {
      digest = fileSha256(path.join(projectDir, f));
    } catch {
      continue;
    }
    h.update(`${digest}  ${f}\n`);
    hashed++;
  }
  const commit = gitCommit(projectDir);
  return {
    projectDir: shownDir,
    files: hashed,
    sha256: h.digest("hex"),
    ...(found.length > MAX_PROGRAM_FILES ? { truncated: true as const } : {}),
    ...(commit ? { gitCommit: commit } : {}),
  };
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * HEAD's commit of the git work tree that holds `dir`, read from the .git directory (a linked
 * work tree's `.git` file and `commondir` followed; loose refs, then packed-refs). Undefined
 * outside a work tree or when HEAD cannot be resolved: never an error.
 */
export function gitCommit(dir: string): string | undefined {
  let gitDir: string | undefined;
  for (let d = path.resolve(dir), depth = 0; depth < 64; depth++) {
    const g = path.join(d, ".git");
    const st = fs.statSync(g, { throwIfNoEntry: false });
    if (st?.isDirectory()) gitDir = g;
    else if (st?.isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readText(g) ?? "");
      if (m?.[1]) gitDir = path.resolve(d, m[1].trim());
    }
    if (gitDir || path.dirname(d) === d) break;
    d = path.dirname(d);
  }
  if (!gitDir) return undefined;
  const head = readText(path.join(gitDir, "HEAD"))?.trim();
  if (!head) return undefined;
  if (SHA.test(head)) return head;
  const ref = /^ref:\s*(refs\/\S+)$/.exec(head)?.[1];
  if (!ref || ref.split("/").includes("..")) return undefined;
  const common = readText(path.join(gitDir, "commondir"))?.trim();
  const commonDir = common ? path.resolve(gitDir, common) : gitDir;
  for (const base of [gitDir, commonDir]) {
    const loose = readText(path.join(base, ref))?.trim();
    if (loose && SHA.test(loose)) return loose;
  }
  for (const line of (readText(path.join(commonDir, "packed-refs")) ?? "").split("\n")) {
    const [sha, name] = line.trim().split(" ");
    if (name === ref && sha && SHA.test(sha)) return sha;
  }
  return undefined;
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export function fileSha256(file: string): string {
  return sha256(fs.readFileSync(file));
}

/** The run time: SOURCE_DATE_EPOCH (seconds) when set, so identical input gives identical reports. */
export function runTime(env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): { time: string; source: "SOURCE_DATE_EPOCH" | "clock" } {
  const e = env["SOURCE_DATE_EPOCH"];
  if (e !== undefined && e !== "") {
    if (!/^\d{1,12}$/.test(e)) throw new InputError(`SOURCE_DATE_EPOCH: '${e}' is not a number of seconds since 1970.`);
    return { time: new Date(Number(e) * 1000).toISOString(), source: "SOURCE_DATE_EPOCH" };
  }
  return { time: now().toISOString(), source: "clock" };
}

/** The `manifest.time` of a `pulumi stack export` document, if it has a valid one. */
export function manifestTime(exportText: string): string | undefined {
  try {
    const doc = JSON.parse(exportText) as { deployment?: { manifest?: { time?: unknown } } };
    const t = doc.deployment?.manifest?.time;
    return typeof t === "string" && !Number.isNaN(Date.parse(t)) ? new Date(t).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON report's digest: sha256 of the report rendered without its `digest` field. */
export function reportDigest(withoutDigest: unknown): string {
  return sha256(JSON.stringify(withoutDigest, null, 2) + "\n");
}

/** `readiness verify`: 0 when the JSON report is untouched, 1 when edited; InputError when it is no report. */
export function verifyReport(text: string, shown: string): { ok: boolean; expected: string; found: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${shown}: not valid JSON (${(e as Error).message}).`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new InputError(`${shown}: not a readiness JSON report.`);
  const { digest, ...rest } = doc as Record<string, unknown>;
  const d = digest as { algorithm?: unknown; sha256?: unknown } | undefined;
  if (!d || d.algorithm !== "sha256" || typeof d.sha256 !== "string") {
    throw new InputError(`${shown}: has no digest (a JSON report of readiness check or audit has one). Fix: verify the readiness.json the tool wrote.`);
  }
  const found = reportDigest(rest);
  return { ok: found === d.sha256, expected: d.sha256, found };
}
