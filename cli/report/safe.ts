/**
 * The output layer every report writer goes through (render() in ./index.ts, and the one-line
 * messages on stderr): whatever the input carried,
 *
 * - no secret leaves the tool: every string of the report is redacted of the input's secret values
 *   (Pulumi secrets of any length, values under secret-looking names, secret-shaped values and the
 *   secret parts of free text: SQL `PASSWORD '…'`, URL passwords, tokens, keys) and of every
 *   secret-shaped text (policypack/src/lib/secrets.ts scrubSecrets);
 * - no control character from input reaches a terminal, an XML file or a Markdown preview: C0
 *   controls (except tab and newline), DEL, C1 controls, bidirectional overrides and line
 *   separators are shown as visible escapes (`\x1b`, `\u202e`), so `ESC[2J`, OSC titles and OSC 8
 *   hyperlinks are inert text;
 * - each format then escapes for its own context (Markdown: markdown.ts md()/code()/cell(); HTML:
 *   html.ts esc(); XML: junit.ts; JSON and SARIF: JSON.stringify).
 */
import { isRecord, isSecretWrapper, isUnknown, redactor, secretTexts } from "../../policypack/src/access/values";
import { REDACTED, secretLookingName, secretParts, secretShape } from "../../policypack/src/lib/secrets";
import type { Report } from "./model";

/** C0 controls but tab and newline, DEL, C1 controls, bidi controls, line/paragraph separators, BOM. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function visible(c: string): string {
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
}

/** Every control character (see CONTROL) shown as a visible escape; tab and newline kept. */
export function neutralise(s: string): string {
  CONTROL.lastIndex = 0;
  return CONTROL.test(s) ? s.replace(CONTROL, visible) : s;
}

/** True when `s` holds no control character that neutralise() would replace. */
export function isInert(s: string): boolean {
  CONTROL.lastIndex = 0;
  return !CONTROL.test(s);
}

/** A message for stderr: one line, no control character, no secret-shaped text. */
export function safeLine(s: string, secrets: ReadonlySet<string> = NONE): string {
  return neutralise(redactor(secrets)(s)).replace(/\r?\n|\t/g, " ");
}

const NONE: ReadonlySet<string> = new Set();

/** Values too common to redact wherever they appear when only a name says they are secret. */
const TOO_COMMON = /^(?:true|false|yes|no|on|off|null|none|\d{1,7}|\[secret\]|\$\([^)]*\)|\$\{[^}]*\})$/i;

/** Longest string examined for secret-shaped parts (an SQL file, a manifest); longer ones are scrubbed when printed. */
const MAX_SCANNED = 1 << 20;

/** "dbPassword" → "db_Password", so that secretLookingName() sees its words. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2");
}

function addNamed(out: Set<string>, v: unknown): void {
  if (typeof v === "string" && v.length >= 4 && !isUnknown(v) && !TOO_COMMON.test(v.trim())) out.add(v);
}

function addShaped(out: Set<string>, s: string): void {
  if (s.length < 8 || s.length > MAX_SCANNED || isUnknown(s)) return;
  if (s.length <= 4096 && secretShape(s)) out.add(s);
  for (const p of secretParts(s)) out.add(p);
}

/**
 * The secret values of an input (resource properties, config): every plaintext inside a Pulumi
 * secret (any length), string values under a secret-looking key or in an env-style
 * `{name, value}` pair with a secret-looking name, the data of Kubernetes Secrets, and every
 * secret-shaped value or part of a value. Walks at most 64 levels deep.
 */
export function collectSecrets(roots: Iterable<unknown>, out: Set<string> = new Set()): Set<string> {
  for (const root of roots) {
    secretTexts({ root }, out, 1);
    walk(root, 0, out, false);
  }
  out.delete("");
  out.delete(REDACTED);
  return out;
}

function walk(v: unknown, depth: number, out: Set<string>, secretData: boolean): void {
  if (depth > 64) return;
  if (typeof v === "string") {
    if (secretData) addNamed(out, v);
    addShaped(out, v);
    return;
  }
  if (typeof v !== "object" || v === null || isSecretWrapper(v)) return;
  if (Array.isArray(v)) {
    for (const x of v) walk(x, depth + 1, out, secretData);
    return;
  }
  const rec = v as Record<string, unknown>;
  const name = rec["name"];
  if (typeof name === "string" && "value" in rec && secretLookingName(words(name))) addNamed(out, rec["value"]);
  // A Kubernetes Secret's data and stringData (the manifest itself, or a resource's props).
  const k8sSecret = rec["kind"] === "Secret";
  for (const k in rec) {
    if (!Object.prototype.hasOwnProperty.call(rec, k)) continue;
    const x = rec[k];
    const data = secretData || (k8sSecret && (k === "data" || k === "stringData"));
    if (typeof x === "string" && secretLookingName(words(k))) addNamed(out, x);
    walk(x, depth + 1, out, data);
  }
}

/** The secrets of a set of resources (props and provider props), Kubernetes Secrets' data included. */
export function resourceSecrets(
  resources: Iterable<{ readonly type: string; readonly props: unknown; readonly provider?: { readonly props: unknown } }>,
  out: Set<string> = new Set(),
): Set<string> {
  for (const r of resources) {
    const k8sSecret = r.type === "kubernetes:core/v1:Secret";
    collectSecrets([k8sSecret && isRecord(r.props) ? { ...r.props, kind: "Secret" } : r.props, r.provider?.props], out);
  }
  return out;
}

const REPORT_SECRETS = new WeakMap<object, ReadonlySet<string>>();

/** Attaches the secret values of its input to a report: every writer redacts them (see safeReport). */
export function withSecrets<R extends object>(report: R, secrets: ReadonlySet<string>): R {
  REPORT_SECRETS.set(report, secrets);
  return report;
}

export function secretsOf(report: object): ReadonlySet<string> {
  return REPORT_SECRETS.get(report) ?? NONE;
}

/** Every string of a value (keys of records too), mapped. */
function mapStrings(v: unknown, f: (s: string) => string, depth = 0): unknown {
  if (typeof v === "string") return f(v);
  if (depth > 32 || typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[f(k)] = mapStrings(x, f, depth + 1);
  return out;
}

/**
 * The report as every format may print it: every string redacted of the input's secrets (those
 * attached with withSecrets(), plus `extra`) and of secret-shaped text, every control character
 * neutralised.
 */
export function safeReport(report: Report, extra: ReadonlySet<string> = NONE): Report {
  const attached = secretsOf(report);
  const secrets = extra.size === 0 ? attached : new Set([...attached, ...extra]);
  const redact = redactor(secrets);
  const seen = new Map<string, string>();
  const f = (s: string): string => {
    let r = seen.get(s);
    if (r === undefined) seen.set(s, (r = neutralise(redact(s))));
    return r;
  };
  return withSecrets(mapStrings(report, f) as Report, secrets);
}
