/**
 * Provenance of a report: when the evidence was taken, digests of the input and the config, the
 * pack and tool versions; and the report's own digest, which `readiness verify` recomputes.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { InputError } from "./state";

export interface Provenance {
  /** When the evidence was taken: the export's manifest.time (audit), else the run time (SOURCE_DATE_EPOCH when set). */
  readonly evidenceTime: string;
  readonly evidenceTimeSource: "manifest" | "SOURCE_DATE_EPOCH" | "clock";
  readonly input: { readonly file: string; readonly sha256: string };
  readonly config?: { readonly file: string; readonly sha256: string };
  readonly pack: { readonly name: string; readonly version: string };
  readonly tool: { readonly name: string; readonly version: string };
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
