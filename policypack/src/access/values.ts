/**
 * Reading property values that may be unknown at preview time, or secret.
 *
 * The Pulumi engine sends values it cannot compute yet as sentinel strings (one per kind of value).
 * The policy SDK throws when a policy reads one; this layer reads the raw object instead and
 * returns a three-state result, so that a policy decides what "unknown" means for its gate.
 */

import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { PEM_PRIVATE_KEY, scrubSecrets } from "../lib/secrets";

/**
 * The string unknown sentinel, which is what test fixtures use for "unknown at preview"
 * (@pulumi/pulumi/runtime/rpc.js `unknownValue`; already loaded by the policy SDK, so free here).
 */
export const UNKNOWN = unknownValue;

/**
 * The engine's unknown sentinels (string, boolean, number, array, asset, archive, object). Only the
 * string one is exported by @pulumi/pulumi; the others are the engine's (pulumi/sdk/go/common/
 * resource/plugin/rpc.go), kept here as the one copy. The policy SDK defines the same seven in
 * @pulumi/policy/proxy.js (not in its typings); test/access/wire-constants.spec.ts checks that the
 * SDK treats each of them as unknown.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** The key of Pulumi's special values (@pulumi/pulumi/runtime/rpc.js `specialSigKey`). */
export const SIG_KEY = specialSigKey;
/** The signature that marks a secret under SIG_KEY (@pulumi/pulumi/runtime/rpc.js `specialSecretSig`). */
export const SECRET_VALUE = specialSecretSig;
/** Pulumi's secret signature key, as found in state exports and on the wire (the older name of SIG_KEY). */
export const SECRET_SIG = SIG_KEY;

export function isUnknown(v: unknown): boolean {
  // Every sentinel is a 36-character UUID: the length test keeps this cheap on ordinary strings.
  return typeof v === "string" && v.length === 36 && UNKNOWN_SENTINELS.has(v);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A wrapped secret ({"4dabf…": "1b47…", value}) as it appears in a state export. */
export function isSecretWrapper(v: unknown): v is { value?: unknown } {
  // No Array.isArray test: an array has no signature key. (Called at every step of every read.)
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_VALUE;
}

/** `value` wrapped as the engine sends a secret (what isSecretWrapper recognises). */
export function secretWrapper(value: unknown): Readonly<Record<string, unknown>> {
  return { [SIG_KEY]: SECRET_VALUE, value };
}

/** The result of reading one property path. */
export type Lookup =
  | { readonly kind: "known"; readonly value: unknown; readonly secret: boolean }
  | { readonly kind: "unknown"; readonly path: string }
  | { readonly kind: "absent" };

const ABSENT: Lookup = { kind: "absent" };

export type Path = string | readonly (string | number)[];

/** Split dotted paths, memoised: rules read the same few paths on every resource. */
const PATH_CACHE = new Map<string, readonly string[]>();
const PATH_CACHE_MAX = 10_000;

export function splitPath(path: Path): readonly (string | number)[] {
  if (typeof path !== "string") return path;
  let parts = PATH_CACHE.get(path);
  if (!parts) {
    parts = path === "" ? [] : path.split(".");
    if (PATH_CACHE.size < PATH_CACHE_MAX) PATH_CACHE.set(path, parts);
  }
  return parts;
}

const ABSENT_MARK: unique symbol = Symbol("absent");
const UNKNOWN_MARK: unique symbol = Symbol("unknown");
/** Set by walk(): whether a secret wrapper was opened on the way, and where an unknown was met. */
let walkedSecret = false;
let unknownAt = 0;

/** The walk shared by lookup() and valueAt(): the value at `parts`, or a mark (no result object allocated). */
function walk(root: unknown, parts: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  walkedSecret = false;
  for (let i = 0; ; i++) {
    if (isSecretWrapper(cur)) {
      walkedSecret = true;
      cur = cur.value;
    }
    if (isUnknown(cur)) {
      unknownAt = i;
      return UNKNOWN_MARK;
    }
    if (cur === undefined || cur === null) return ABSENT_MARK;
    if (i === parts.length) return cur;
    const key = parts[i] as string | number;
    if (Array.isArray(cur)) {
      const idx = typeof key === "number" ? key : Number(key);
      cur = Number.isInteger(idx) ? cur[idx] : undefined;
    } else if (isRecord(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, key) ? cur[key] : undefined;
    } else {
      return ABSENT_MARK;
    }
  }
}

/**
 * Reads `path` ("settings.backupConfiguration.enabled", or an array of keys) from `root`.
 * An unknown value anywhere along the path makes the result unknown. `null` counts as absent.
 * Secret wrappers are opened, and the result remembers that the value was secret.
 */
export function lookup(root: unknown, path: Path): Lookup {
  const parts = splitPath(path);
  const v = walk(root, parts);
  if (v === UNKNOWN_MARK) return { kind: "unknown", path: parts.slice(0, unknownAt).join(".") };
  if (v === ABSENT_MARK) return ABSENT;
  return { kind: "known", value: v, secret: walkedSecret };
}

/** The known value at `path`, else undefined (absent or unknown): lookup() without a result object, for the hot paths. */
export function valueAt(root: unknown, path: Path): unknown {
  const v = walk(root, splitPath(path));
  return v === UNKNOWN_MARK || v === ABSENT_MARK ? undefined : v;
}

/** True when the value at `path` (or one of its parents) is unknown: lookup(...).kind === "unknown" without a result object. */
export function isUnknownAt(root: unknown, path: Path): boolean {
  return walk(root, splitPath(path)) === UNKNOWN_MARK;
}

/** True when the value, or anything inside it, is unknown. */
export function containsUnknown(v: unknown, depth = 0): boolean {
  if (isUnknown(v)) return true;
  if (depth > 32) return false;
  if (Array.isArray(v)) return v.some((x) => containsUnknown(x, depth + 1));
  if (isRecord(v)) return Object.values(v).some((x) => containsUnknown(x, depth + 1));
  return false;
}

/** Replaces secret wrappers by their plaintext, recursively (what the policy SDK does on the wire). */
export function unwrapSecrets(v: unknown, depth = 0): unknown {
  if (depth > 64) return v;
  if (isSecretWrapper(v)) return unwrapSecrets(v.value, depth + 1);
  if (Array.isArray(v)) return v.map((x) => unwrapSecrets(x, depth + 1));
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrapSecrets(x, depth + 1);
    return out;
  }
  return v;
}

/** Coerces a looked-up value to the expected primitive, else undefined. */
export function asString(v: unknown): string | undefined {
  return typeof v === "string" && !isUnknown(v) ? v : undefined;
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && !isUnknown(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asRecord(v: unknown): Readonly<Record<string, unknown>> {
  return isRecord(v) ? v : {};
}

/** Property and env var names that mark their value as a secret. */
export const SECRET_NAME = /pass(?:word|wd|phrase)?|secret|token|private[_-]?key|api[_-]?key|credential|client[_-]?key|auth[_-]?key|dsn|database[_-]?url|connection[_-]?string/i;

/** Values shaped like a secret: a URL with a password, a PEM private key, a service-account key. */
const SECRET_SHAPES: readonly RegExp[] = [
  /[a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:[^@/\s]+@/i,
  PEM_PRIVATE_KEY,
  /"private_key"\s*:/,
];

export function isSecretShaped(s: string): boolean {
  return SECRET_SHAPES.some((re) => re.test(s));
}

const REDACTED = "<secret>";

/** JSON.stringify replacer: secret wrappers, secret-named fields, env-style {name, value} pairs, secret-shaped strings. */
function redacting(key: string, value: unknown): unknown {
  if (isSecretWrapper(value)) return REDACTED;
  if (typeof value === "string" && isSecretShaped(value)) return REDACTED;
  if (key !== "" && SECRET_NAME.test(key) && value !== null && typeof value !== "boolean") return REDACTED;
  if (isRecord(value) && typeof value["name"] === "string" && SECRET_NAME.test(value["name"]) && "value" in value) {
    return { ...value, value: REDACTED };
  }
  return value;
}

/**
 * Renders a value for a violation message: short, quoted, never a secret.
 * Pass `secret: true` (or a value from a secret lookup) and only "<secret>" is shown. Inside objects
 * and arrays, secret wrappers, secret-named fields and secret-shaped strings are shown as "<secret>"
 * too, so that echoing a subtree never echoes a secret it holds.
 */
export function show(v: unknown, secret = false): string {
  if (secret || isSecretWrapper(v)) return REDACTED;
  if (v === undefined) return "not set";
  if (isUnknown(v)) return "<unknown until apply>";
  let s: string;
  try {
    s = typeof v === "string" ? JSON.stringify(isSecretShaped(v) ? REDACTED : v) : (JSON.stringify(v, redacting) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/**
 * The plaintexts held in secret wrappers anywhere inside `v` (strings and numbers of at least
 * `minLength` characters), so that a message can be scrubbed of them: see `redact()`.
 */
export function secretTexts(v: unknown, out: Set<string> = new Set(), minLength = 4): Set<string> {
  if (typeof v === "object" && v !== null) findSecrets(v, 0, out, minLength);
  return out;
}

/**
 * Looks for secret wrappers: only objects and arrays are visited (a leaf outside a secret holds
 * nothing to collect, so it costs no call), and a wrapper is recognised by its signature key while
 * the keys are iterated anyway. Runs once per resource that has a finding.
 */
function findSecrets(x: object, depth: number, out: Set<string>, minLength: number): void {
  if (depth > 64) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const y: unknown = x[i];
      if (typeof y === "object" && y !== null) findSecrets(y, depth + 1, out, minLength);
    }
    return;
  }
  const rec = x as Record<string, unknown>;
  for (const k in rec) {
    if (!Object.prototype.hasOwnProperty.call(rec, k)) continue;
    const y = rec[k];
    if (k === SIG_KEY && y === SECRET_VALUE) {
      // A wrapper (whatever was visited of it already adds nothing collectTexts misses).
      collectTexts(rec["value"], depth + 1, out, minLength);
      return;
    }
    if (typeof y === "object" && y !== null) findSecrets(y, depth + 1, out, minLength);
  }
}

/** Every string and number inside a secret (wrappers inside it opened too). */
function collectTexts(x: unknown, depth: number, out: Set<string>, minLength: number): void {
  if (depth > 64) return;
  if (typeof x !== "object" || x === null) {
    if (typeof x === "string" || typeof x === "number") {
      const s = String(x);
      if (s.length >= minLength && !isUnknown(s)) out.add(s);
    }
    return;
  }
  if (isSecretWrapper(x)) {
    collectTexts(x.value, depth + 1, out, minLength);
  } else if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) collectTexts(x[i], depth + 1, out, minLength);
  } else {
    const rec = x as Record<string, unknown>;
    for (const k in rec) if (Object.prototype.hasOwnProperty.call(rec, k)) collectTexts(rec[k], depth + 1, out, minLength);
  }
}

/** A message redactor compiled from one set of secret texts (see redactor()). */
export type Redactor = (message: string) => string;

const REDACTORS = new WeakMap<ReadonlySet<string>, Redactor>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Compiles the redaction of a set of secret texts (memoised per set):
 * - a secret of 4 characters or more is replaced wherever it occurs, in any letter case (a gate may
 *   lower-case a value, e.g. a region) and in its JSON-escaped form (show() quotes values as JSON);
 *   the start of a secret cut short by a "..." truncation is replaced too;
 * - a shorter secret (Pulumi secrets may have any length) is replaced where it is quoted ("US",
 *   'US') or is the whole text, not inside ordinary words;
 * - then every secret-shaped part (scrubSecrets: SQL passwords, URL passwords, tokens, keys) is.
 */
export function redactor(secrets: ReadonlySet<string>): Redactor {
  // Most resources hold no secret: nothing to compile for them (this runs once per finding).
  if (secrets.size === 0) return scrubSecrets;
  const cached = REDACTORS.get(secrets);
  if (cached) return cached;
  const long = new Set<string>();
  const short = new Set<string>();
  for (const s of secrets) {
    if (s === "" || s === REDACTED) continue;
    for (const v of new Set([s, JSON.stringify(s).slice(1, -1)])) (v.length >= 4 ? long : short).add(v);
  }
  const longList = [...long].sort((a, b) => b.length - a.length);
  const longRe = longList.length > 0 ? new RegExp(longList.map(escapeRe).join("|"), "gi") : undefined;
  const shortList = [...short].sort((a, b) => b.length - a.length);
  const shortRe = shortList.length > 0 ? new RegExp(`(["'])(?:${shortList.map(escapeRe).join("|")})\\1`, "gi") : undefined;
  const shortWhole = new Set(shortList.map((x) => x.toLowerCase()));
  const lowerLong = longList.map((x) => x.toLowerCase());
  const fn: Redactor = (message) => {
    let out = message;
    if (shortWhole.has(out.trim().toLowerCase())) return REDACTED;
    if (longRe) {
      longRe.lastIndex = 0;
      out = out.replace(longRe, REDACTED);
      if (out.includes("...")) out = redactTruncated(out, lowerLong);
    }
    if (shortRe) out = out.replace(shortRe, (_m, q: string) => `${q}${REDACTED}${q}`);
    return scrubSecrets(out);
  };
  REDACTORS.set(secrets, fn);
  return fn;
}

/** "...<start of a secret>..." (show() cuts values at 120 characters): the start is replaced. */
function redactTruncated(text: string, secrets: readonly string[]): string {
  let out = text;
  let at = out.indexOf("...");
  while (at >= 4) {
    const before = out.slice(0, at).toLowerCase();
    let cut = 0;
    for (const s of secrets) {
      for (let k = Math.min(s.length - 1, at); k >= 4; k--) {
        if (before.endsWith(s.slice(0, k))) {
          cut = Math.max(cut, k);
          break;
        }
      }
    }
    if (cut > 0) out = `${out.slice(0, at - cut)}${REDACTED}${out.slice(at)}`;
    at = out.indexOf("...", at - cut + REDACTED.length + 3);
  }
  return out;
}

/** Replaces every secret text in `message` by "<secret>" (see redactor()), and every secret-shaped part. */
export function redact(message: string, secrets: ReadonlySet<string>): string {
  return redactor(secrets)(message);
}
