/**
 * Generates the GCP scope of data-residency and cmek-required from the installed @pulumi/gcp:
 * policypack/src/lib/gcp-scope.ts (what the pack reads) and docs/gcp-scope.md (what a reviewer
 * reads). After a provider upgrade: `npx tsc -p tsconfig.json && node build/test/support/gcp-scope/generate.js`,
 * then review the diff of both files (new types in scope, new exclusions) and extend
 * test/support/gcp-scope/review.ts where a new type is not a data location or stores no data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { deriveGcpTypes, type DerivedType } from "./derive";
import {
  CMEK_DATA_ELSEWHERE,
  CMEK_NO_DATA,
  KEY_PATH_EXCLUSIONS,
  KEY_PATH_OVERRIDES,
  RESIDENCY_EXCLUSIONS,
  RESIDENCY_SPECIAL,
  type Exclusion,
} from "./review";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");
export const GCP_DIR = path.join(REPO_ROOT, "node_modules", "@pulumi", "gcp");
export const MODULE_FILE = path.join(REPO_ROOT, "policypack", "src", "lib", "gcp-scope.ts");
export const DOC_FILE = path.join(REPO_ROOT, "docs", "gcp-scope.md");
export const REGENERATE = "npx tsc -p tsconfig.json && node build/test/support/gcp-scope/generate.js";

/** The scope after review. */
export interface Scope {
  readonly version: string;
  readonly types: number;
  /** In scope of data-residency: token → location inputs (empty: read by a type-specific rule). */
  readonly residency: ReadonlyMap<string, readonly string[]>;
  /** In scope of cmek-required: token → key paths. */
  readonly cmek: ReadonlyMap<string, readonly string[]>;
  /** Data-storing types with a key field that cmek-required does not check (reason elsewhere). */
  readonly dataElsewhere: readonly string[];
  /** Exclusion id → the tokens it excluded. */
  readonly residencyExcluded: ReadonlyMap<string, readonly string[]>;
  readonly cmekExcluded: ReadonlyMap<string, readonly string[]>;
  /** Per in-scope type, the key paths dropped by KEY_PATH_EXCLUSIONS. */
  readonly droppedPaths: ReadonlyMap<string, readonly string[]>;
  /** Review entries that matched no type of the installed provider (stale). */
  readonly unused: readonly string[];
}

function matches(e: Exclusion, token: string): boolean {
  return e.match instanceof RegExp ? e.match.test(token) : e.match.includes(token);
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Applies the review to the types derived from the provider. */
export function buildScope(derived: readonly DerivedType[], version: string): Scope {
  const residency = new Map<string, readonly string[]>();
  const cmek = new Map<string, readonly string[]>();
  const dataElsewhere: string[] = [];
  const residencyExcluded = new Map<string, string[]>();
  const cmekExcluded = new Map<string, string[]>();
  const droppedPaths = new Map<string, string[]>();
  const used = new Set<string>();
  const tokens = new Set(derived.map((t) => t.token));
  for (const t of derived) {
    if (t.locationFields.length > 0) {
      const ex = RESIDENCY_EXCLUSIONS.find((e) => matches(e, t.token));
      if (ex) {
        push(residencyExcluded, ex.id, t.token);
        used.add(`residency:${ex.id}`);
      } else residency.set(t.token, t.locationFields);
    }
    const override = KEY_PATH_OVERRIDES[t.token];
    if (override) used.add(`override:${t.token}`);
    if (t.keyPaths.length === 0 && !override) continue;
    const noData = CMEK_NO_DATA.find((e) => matches(e, t.token));
    const elsewhere = noData ? undefined : CMEK_DATA_ELSEWHERE.find((e) => matches(e, t.token));
    if (noData) {
      push(cmekExcluded, noData.id, t.token);
      used.add(`cmek:${noData.id}`);
      continue;
    }
    if (elsewhere) {
      push(cmekExcluded, elsewhere.id, t.token);
      used.add(`cmek:${elsewhere.id}`);
      dataElsewhere.push(t.token);
      continue;
    }
    const kept: string[] = [];
    for (const p of t.keyPaths) {
      const i = KEY_PATH_EXCLUSIONS.findIndex((e) => e.match.test(p) || e.match.test(`${t.token} ${p}`));
      if (i >= 0) {
        used.add(`path:${i}`);
        push(droppedPaths, t.token, p);
      } else kept.push(p);
    }
    const paths = override ?? kept;
    if (paths.length === 0) push(cmekExcluded, "no-data-key-field", t.token);
    else cmek.set(t.token, paths);
  }
  for (const s of RESIDENCY_SPECIAL) {
    if (tokens.has(s.token)) {
      residency.set(s.token, []);
      used.add(`special:${s.token}`);
    }
  }
  const unused = [
    ...RESIDENCY_EXCLUSIONS.filter((e) => !used.has(`residency:${e.id}`)).map((e) => `RESIDENCY_EXCLUSIONS ${e.id}`),
    ...CMEK_NO_DATA.filter((e) => !used.has(`cmek:${e.id}`)).map((e) => `CMEK_NO_DATA ${e.id}`),
    ...CMEK_DATA_ELSEWHERE.filter((e) => !used.has(`cmek:${e.id}`)).map((e) => `CMEK_DATA_ELSEWHERE ${e.id}`),
    ...KEY_PATH_EXCLUSIONS.filter((_e, i) => !used.has(`path:${i}`)).map((e) => `KEY_PATH_EXCLUSIONS ${String(e.match)}`),
    ...Object.keys(KEY_PATH_OVERRIDES).filter((k) => !used.has(`override:${k}`)).map((k) => `KEY_PATH_OVERRIDES ${k}`),
    ...RESIDENCY_SPECIAL.filter((s) => !used.has(`special:${s.token}`)).map((s) => `RESIDENCY_SPECIAL ${s.token}`),
    // Explicit tokens that no longer exist in the provider.
    ...[...RESIDENCY_EXCLUSIONS, ...CMEK_NO_DATA, ...CMEK_DATA_ELSEWHERE].flatMap((e) =>
      e.match instanceof RegExp ? [] : e.match.filter((x) => !tokens.has(x)).map((x) => `${e.id} ${x}`),
    ),
  ];
  const sorted = (m: Map<string, readonly string[]>): Map<string, readonly string[]> => new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { version, types: derived.length, residency: sorted(residency), cmek: sorted(cmek), dataElsewhere, residencyExcluded, cmekExcluded, droppedPaths, unused };
}

/** The version of the provider installed at `gcpDir`. */
export function providerVersion(gcpDir: string = GCP_DIR): string {
  return (JSON.parse(fs.readFileSync(path.join(gcpDir, "package.json"), "utf8")) as { version: string }).version;
}

/** The scope of the provider installed at `gcpDir`. */
export function scopeOf(gcpDir: string = GCP_DIR): Scope {
  return buildScope(deriveGcpTypes(gcpDir), providerVersion(gcpDir));
}

const q = (s: string): string => JSON.stringify(s);

/** policypack/src/lib/gcp-scope.ts */
export function renderModule(s: Scope): string {
  const rows = (m: ReadonlyMap<string, readonly string[]>): string => [...m].map(([t, f]) => `  [${q(t)}, ${q(f.join(","))}],`).join("\n");
  return `/**
 * GCP types in scope of data-residency and cmek-required, derived from @pulumi/gcp ${s.version}.
 * GENERATED by test/support/gcp-scope/generate.ts from the provider's type definitions and the
 * reviewed exclusions in test/support/gcp-scope/review.ts: do not edit. After a provider upgrade:
 * \`${REGENERATE}\`, then review the diff (and docs/gcp-scope.md).
 * The pack never loads @pulumi/gcp: it reads these tables.
 */

/** The provider version these tables were derived from. */
export const GCP_SCOPE_PROVIDER_VERSION = ${q(s.version)};

/** Type → its location inputs, comma-separated ("" : a type-specific rule in access/location.ts). */
const LOCATION: readonly (readonly [string, string])[] = [
${rows(s.residency)}
];

/** Type → the input paths naming its Cloud KMS key, comma-separated ("a[].b": every item of a). */
const KEYS: readonly (readonly [string, string])[] = [
${rows(s.cmek)}
];

/** Types that store data but whose key is checked elsewhere (dataset, bucket, image, template). */
const DATA_ELSEWHERE: readonly string[] = [
${s.dataElsewhere.map((t) => `  ${q(t)},`).join("\n")}
];

const split = (f: string): readonly string[] => (f === "" ? [] : f.split(","));

/** Types whose location data-residency checks → their location inputs, in the order they are read. */
export const GCP_LOCATION_FIELDS: ReadonlyMap<string, readonly string[]> = new Map(LOCATION.map(([t, f]) => [t, split(f)]));

/** Types cmek-required checks → the input paths that must name a customer-managed key. */
export const GCP_KEY_PATHS: ReadonlyMap<string, readonly string[]> = new Map(KEYS.map(([t, f]) => [t, split(f)]));

/**
 * GCP types that store data: every type cmek-required checks (a key field for data at rest), and
 * the data-storing types whose key is checked on another resource (a BigQuery table inherits its
 * dataset's key, a bucket object its bucket's, an instance made from a template or machine image
 * its source's). A data-bearing type no gate reads is worth a finding (resource-coverage).
 */
export const GCP_DATA_BEARING_TYPES: ReadonlySet<string> = new Set([...KEYS.map(([t]) => t), ...DATA_ELSEWHERE]);
`;
}

/** docs/gcp-scope.md */
export function renderDoc(s: Scope): string {
  const list = (ts: Iterable<string>): string => [...ts].map((t) => `\`${t}\``).join(", ");
  const reason = (id: string, all: readonly Exclusion[]): string => all.find((e) => e.id === id)?.reason ?? "every key field it has protects something other than its data at rest (see the dropped key fields)";
  const out: string[] = [
    "# GCP scope of data-residency and cmek-required",
    "",
    `Generated from @pulumi/gcp ${s.version} (${s.types} resource types) by \`${REGENERATE}\`; do not edit.`,
    "The reviewed exclusions, one reason each, are in test/support/gcp-scope/review.ts. A provider",
    "upgrade that adds, removes or changes a type makes test/policies/gcp-scope.spec.ts fail until this",
    "file and policypack/src/lib/gcp-scope.ts are regenerated and the diff is reviewed.",
    "",
    `## data-residency: ${s.residency.size} types in scope`,
    "",
    "Every type with a `location`, `region` or `zone` input, except the exclusions below, plus Pub/Sub",
    "topics and Secret Manager secrets (type-specific location rules).",
    "",
    ...[...s.residency].map(([t, f]) => `- \`${t}\`: ${f.length ? f.join(", ") : "type-specific"}`),
    "",
    "### Excluded from data-residency",
    "",
    ...[...s.residencyExcluded].flatMap(([id, ts]) => [`- **${id}** (${ts.length}): ${reason(id, RESIDENCY_EXCLUSIONS)}.`, `  ${list(ts)}`]),
    "",
    `## cmek-required: ${s.cmek.size} types in scope`,
    "",
    "Every type with a customer-managed key input (kmsKeyName, kmsKeySelfLink, kmsKey, cryptoKeyName, ...),",
    "at any depth, that stores data, except the exclusions below. Paths with `[]` apply to every item.",
    "",
    ...[...s.cmek].map(([t, p]) => `- \`${t}\`: ${p.map((x) => `\`${x}\``).join(", ")}`),
    "",
    "### Excluded from cmek-required",
    "",
    ...[...s.cmekExcluded].flatMap(([id, ts]) => [`- **${id}** (${ts.length}): ${reason(id, [...CMEK_NO_DATA, ...CMEK_DATA_ELSEWHERE])}.`, `  ${list(ts)}`]),
    "",
    "### Key fields not checked (they do not encrypt the resource's own data)",
    "",
    ...[...s.droppedPaths].map(([t, p]) => `- \`${t}\`: ${p.map((x) => `\`${x}\``).join(", ")}`),
    "",
  ];
  return out.join("\n");
}

if (require.main === module) {
  const s = scopeOf();
  if (s.unused.length > 0) console.warn(`review entries that match nothing in @pulumi/gcp ${s.version}:\n  ${s.unused.join("\n  ")}`);
  fs.writeFileSync(MODULE_FILE, renderModule(s));
  fs.writeFileSync(DOC_FILE, renderDoc(s));
  console.log(`@pulumi/gcp ${s.version}: ${s.types} types; data-residency ${s.residency.size}, cmek-required ${s.cmek.size}, data-bearing ${s.cmek.size + s.dataElsewhere.length}`);
  console.log(`wrote ${path.relative(REPO_ROOT, MODULE_FILE)} and ${path.relative(REPO_ROOT, DOC_FILE)}: review the diff`);
}
