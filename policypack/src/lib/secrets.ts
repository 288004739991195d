/**
 * Secret-looking env names and secret-shaped literal values (PEM keys, service-account keys,
 * tokens, connection strings with a password, long high-entropy strings). Never returns a value.
 */
import { memoByString } from "../memo";
import { ruleSetHit } from "./secret-rules";

/**
 * The armour of a PEM private key (`BEGIN RSA PRIVATE KEY`, `BEGIN PRIVATE KEY`, `BEGIN OPENSSH
 * PRIVATE KEY`, `BEGIN PGP PRIVATE KEY BLOCK`, ...) between runs of three dashes or more (RFC 7468
 * says five; a key pasted by hand may have fewer or more), with spaces or tabs allowed inside.
 */
export const PEM_PRIVATE_KEY = /-{3,}[ \t]*BEGIN[ \t][A-Z0-9 \t]*PRIVATE KEY(?: BLOCK)?[ \t]*-{3,}/;

/** Names that say "this is a secret" (matched on whole underscore-separated words, upper case). */
const SECRET_NAME =
  /(?:^|_)(?:PASSWORD|PASSWD|PASS|SECRET|SECRETS|TOKEN|TOKENS|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|CREDS|ACCESS_KEY|SECRET_KEY|AUTH_KEY|SIGNING_KEY|ENCRYPTION_KEY|MASTER_KEY|HMAC_KEY|SESSION_KEY|PASSPHRASE)(?:_|$)/;

/** Last words that make a secret-looking name a reference or a setting, not a secret. */
const NON_SECRET_SUFFIX = new Set([
  "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "PORT", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES", "EXPIRATION",
  "ENABLED", "DISABLED", "NAME", "ID", "HEADER", "ISSUER", "AUDIENCE", "ALGORITHM", "ALG", "LENGTH", "SIZE", "VERSION",
  "REF", "MOUNT", "LOCATION", "TYPE", "PROJECT", "FORMAT", "COUNT", "MODE", "POLICY", "PREFIX", "SECONDS", "MS", "REGION",
]);

/** True when an env name says it holds a secret (memoised: workloads repeat the same names). */
export const secretLookingName: (name: string) => boolean = memoByString(judgeName);

function judgeName(name: string): boolean {
  const n = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  if (n === "PWD" || n === "OLDPWD") return false;
  const words = n.split("_").filter((x) => x !== "");
  const last = words[words.length - 1];
  if (last !== undefined && NON_SECRET_SUFFIX.has(last)) return false;
  return SECRET_NAME.test(n);
}

function placeholder(p: string): boolean {
  return /^\$\([^)]*\)$/.test(p) || /^\$\{[^}]*\}$/.test(p) || /^\*+$/.test(p);
}

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Mean length of the "words" of a string (CamelCase words, upper-case runs, lower-case runs,
 * digit runs): about 1–2 for random base64, 4 and more for identifiers such as
 * "RegistrationServiceAccount2024", which have high character entropy but are not keys.
 */
function meanWordLength(s: string): number {
  const words = s.match(/[A-Z][a-z]+|[A-Z]+(?![a-z])|[a-z]+|\d+/g) ?? [];
  return words.reduce((n, w) => n + w.length, 0) / Math.max(1, words.length);
}

/**
 * What a literal value looks like, when it looks like a secret: "a PEM private key", ... .
 * Never returns (or logs) the value itself.
 */
export function secretShape(v: string): string | undefined {
  // Every shape below needs 15 characters or more, or an "@" (a URL's password) or "=" (password=).
  if (v.length < 15 && !v.includes("@") && !v.includes("=")) return undefined;
  if (PEM_PRIVATE_KEY.test(v)) return "a PEM private key";
  if (/"type"\s*:\s*"service_account"/.test(v) || (/"private_key"\s*:/.test(v) && /"client_email"\s*:/.test(v))) return "a Google service-account key";
  const t = v.trim();
  if (/^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/.test(t)) return "a JSON Web Token";
  if (/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/.test(t)) return "an AWS access key";
  if (/\bAIza[0-9A-Za-z_-]{35}\b/.test(t)) return "a Google API key";
  if (/\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{20,})\b/.test(t)) return "an access token";
  // An AWS secret access key: 40 characters of standard base64 with a "/" or "+" (the high-entropy
  // rule below wants a digit and short words, which AWS's own documented example lacks).
  if (t.length === 40 && /^[A-Za-z0-9/+]+$/.test(t) && /[/+]/.test(t) && /[A-Z]/.test(t) && /[a-z]/.test(t) && entropy(t) >= 4.0) {
    return "an AWS secret access key";
  }
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/i.exec(t);
  if (url && !placeholder(url[1] as string)) return "a connection string with an embedded password";
  if (/\b(?:PASSWORD|IDENTIFIED\s+BY)\s+E?'(?:[^']|'')+'/i.test(t)) return "an SQL statement with a password";
  const kw = /(?:^|[\s?&;])password=([^&;\s]+)/i.exec(t);
  if (kw && !placeholder(kw[1] as string)) return "a connection string with an embedded password";
  if (
    t.length >= 32 &&
    t.length <= 4096 &&
    /^[A-Za-z0-9+/=_-]+$/.test(t) &&
    /[A-Z]/.test(t) &&
    /[a-z]/.test(t) &&
    /\d/.test(t) &&
    entropy(t) >= 4.0 &&
    meanWordLength(t) <= 2.6
  ) {
    return "a long high-entropy string (a likely key or token)";
  }
  return undefined;
}

/**
 * What a literal env value looks like when it looks like a secret: the pack's own shapes
 * (secretShape()) first, then the well-kept rule set (lib/secret-rules.ts: secretlint's recommended
 * preset, with the variable's name as context). Only a value that passes the cheap pre-test
 * (MAY_HOLD_SECRET, or a run of 16 key characters: every token the rule set knows has one) reaches
 * the rule set; most values (hosts, numbers, flags, paths) never do. Never returns the value.
 */
export function literalSecret(name: string, value: string): string | undefined {
  const own = secretShape(value);
  if (own !== undefined) return own;
  if (!ruleSetCandidate(value)) return undefined;
  const hit = ruleSetHit(name, value);
  return hit && `a credential (secretlint rule ${hit.rule}: ${hit.messageId})`;
}

/** The cheap pre-test of literalSecret(): whether a value may hold a credential the rule set knows. */
export function ruleSetCandidate(value: string): boolean {
  return value.length >= 8 && (MAY_HOLD_SECRET.test(value) || hasTokenRun(value, 16));
}

/** What a secret is replaced by in every message and report (the same text as values.ts show()). */
export const REDACTED = "<secret>";

/**
 * Secret-shaped parts of a free text (a message, an SQL file, an event log line), each with the
 * group that holds the secret itself: the whole match, or only the password of a URL or of an SQL
 * `PASSWORD '…'` clause (the rest of the match stays, so the text still says what it was).
 */
const SCRUBS: readonly { readonly re: RegExp; readonly keep?: boolean }[] = [
  // PEM private keys (to the END line, or to the end of a truncated text).
  { re: /-{3,}[ \t]*BEGIN[ \t][A-Z0-9 \t]*PRIVATE KEY(?: BLOCK)?[ \t]*-{3,}[\s\S]*?(?:-{3,}[ \t]*END[ \t][A-Z0-9 \t]*PRIVATE KEY(?: BLOCK)?[ \t]*-{3,}|$)/g },
  // SQL: CREATE/ALTER ROLE|USER ... [ENCRYPTED] PASSWORD '…' (also E'…', $$…$$, and a literal cut short).
  { re: /(\b(?:PASSWORD|IDENTIFIED\s+BY)\s+)(E?'(?:[^']|'')*(?:'|$)|\$([A-Za-z_]*)\$[\s\S]*?(?:\$\3\$|$))/gi, keep: true },
  // password=… in connection strings and key=value settings.
  { re: /(\b(?:password|passwd|pwd|secret|token|api[_-]?key)=)("[^"]*"?|'[^']*'?|[^\s&;,'"<>)]+)/gi, keep: true },
  // The password of a URL's userinfo (postgres://user:pw@host).
  { re: /(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s'"]*:)([^@/\s'"]+)(?=@)/gi, keep: true },
  // Authorization headers.
  { re: /(\bBearer\s+)((?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{8,}=*)/g, keep: true },
  // JSON Web Tokens (also cut short after the payload).
  { re: /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*)?/g },
  // Cloud and SaaS credentials.
  { re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/g },
  { re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { re: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|[sr]k_live_[A-Za-z0-9]{16,}|npm_[A-Za-z0-9]{36})/g },
  { re: /"private_key"\s*:\s*"(?:[^"\\]|\\.)*"?/g },
];

/** The shapes of secretShape() that a bare TOKEN run can have. */
const TOKEN_SHAPES: ReadonlySet<string> = new Set(["a long high-entropy string (a likely key or token)", "an AWS secret access key"]);

/** Long tokens of key characters, judged by the high-entropy (and AWS secret key) rules of secretShape(). */
const TOKEN = /[A-Za-z0-9+/=_-]{32,4096}/g;

/**
 * What every SCRUBS pattern needs somewhere in the text (a superset, case-insensitive): one test
 * of this instead of each pattern on ordinary messages, which contain none of it. Every finding
 * message passes through scrubSecrets(), so this is on every preview's path.
 */
const MAY_HOLD_SECRET = /PRIVATE KEY|PASSWORD|IDENTIFIED|\b(?:passwd|pwd|secret|token|api[_-]?key)=|:\/\/|Bearer|eyJ|AKIA|ASIA|AGPA|AIDA|AROA|AIza|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|[sr]k_live_|npm_|"private_key"/i;

/** Whether `text` has a run of at least `n` TOKEN characters (one pass; a regex retries at every start). */
function hasTokenRun(text: string, n: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const token =
      (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 /* + */ || c === 47 /* / */ || c === 61 /* = */ || c === 95 /* _ */ || c === 45; /* - */
    run = token ? run + 1 : 0;
    if (run >= n) return true;
  }
  return false;
}

/** A secret literal replaced, keeping its quoting: 'x' → '<secret>', E'x' → E'<secret>', $$x$$ → $$<secret>$$. */
function replaced(secret: string): string {
  if (secret.startsWith("E'")) return `E'${REDACTED}'`;
  if (secret.startsWith("'")) return `'${REDACTED}'`;
  if (secret.startsWith('"')) return `"${REDACTED}"`;
  if (secret.startsWith("$")) return `$$${REDACTED}$$`;
  return REDACTED;
}

/**
 * Replaces every secret-shaped part of `text` by "<secret>": private keys, SQL password literals,
 * passwords in URLs and key=value strings, bearer tokens, JWTs, cloud access keys and tokens, long
 * high-entropy strings. Keeps what says what the secret was (`PASSWORD '<secret>'`).
 */
export function scrubSecrets(text: string): string {
  let out = text;
  if (MAY_HOLD_SECRET.test(out)) for (const { re, keep } of SCRUBS) {
    re.lastIndex = 0;
    if (!re.test(out)) continue;
    re.lastIndex = 0;
    out = out.replace(re, (...m: unknown[]) => {
      return keep ? `${m[1] as string}${replaced(m[2] as string)}` : REDACTED;
    });
  }
  if (out.length >= 32 && hasTokenRun(out, 32)) {
    out = out.replace(TOKEN, (t) => (TOKEN_SHAPES.has(secretShape(t) ?? "") ? REDACTED : t));
  }
  return out;
}

/** The secret parts of `text` (what scrubSecrets() replaces), to redact them wherever else they appear. */
export function secretParts(text: string): string[] {
  const out: string[] = [];
  for (const { re, keep } of SCRUBS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const s = keep ? (m[2] as string) : m[0];
      const inner = keep ? s.replace(/^E?'|'$|^\$[A-Za-z_]*\$|\$[A-Za-z_]*\$$/g, "").replace(/^"|"$/g, "") : s;
      if (inner.length >= 4) out.push(inner);
    }
  }
  if (text.length >= 32) for (const m of text.matchAll(TOKEN)) if (secretShape(m[0])) out.push(m[0]);
  return out;
}
