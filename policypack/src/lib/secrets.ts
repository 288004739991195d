/**
 * Secret-looking env names and secret-shaped literal values (PEM keys, service-account keys,
 * tokens, connection strings with a password, long high-entropy strings). Never returns a value.
 */
import { memoByString } from "../memo";

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
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(v)) return "a PEM private key";
  if (/"type"\s*:\s*"service_account"/.test(v) || (/"private_key"\s*:/.test(v) && /"client_email"\s*:/.test(v))) return "a Google service-account key";
  const t = v.trim();
  if (/^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/.test(t)) return "a JSON Web Token";
  if (/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/.test(t)) return "an AWS access key";
  if (/\bAIza[0-9A-Za-z_-]{35}\b/.test(t)) return "a Google API key";
  if (/\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{20,})\b/.test(t)) return "an access token";
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/i.exec(t);
  if (url && !placeholder(url[1] as string)) return "a connection string with an embedded password";
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
