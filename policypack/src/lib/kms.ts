/**
 * Where resources name their Cloud KMS key (`keyRefs`) and where a key name says the key lives
 * (`keyLocationFromName`), as cmek-required and kms-key-hygiene both read them.
 */
import { asArray, asString, lookup, T, valueAt, type MemoKey, type ResourceView } from "../access";
import { memoByString } from "../memo";
import { GCP_KEY_PATHS } from "./gcp-scope";

/**
 * Where each type names its KMS key: the paths derived from the provider (lib/gcp-scope.ts, arrays
 * as "a[].b"), compiled once per type. A path's segments up to the first encryption block
 * ("encryption", "diskEncryptionKey", ...) are data blocks: when one is absent there is no data
 * there to key (an instance without attached disks); an absent encryption block or key is a miss.
 */
interface Segment {
  readonly name: string;
  readonly array: boolean;
  /** An encryption block or the key itself: its absence means the data there has no customer-managed key. */
  readonly keyBlock: boolean;
}

interface KeyPath {
  readonly field: string;
  readonly dep: string;
  readonly segments: readonly Segment[];
}

const KEY_BLOCK = /encrypt|kms|cmek|key/i;

function compile(field: string): KeyPath {
  const segments = field.split(".").map((p, i, all) => {
    const array = p.endsWith("[]");
    const name = array ? p.slice(0, -2) : p;
    return { name, array: array && i < all.length - 1, keyBlock: i === all.length - 1 || KEY_BLOCK.test(name) };
  });
  return { field, dep: (segments[0] as Segment).name, segments };
}

const COMPILED = new Map<string, readonly KeyPath[]>();

function keyPathsOf(type: string): readonly KeyPath[] {
  let c = COMPILED.get(type);
  if (!c) COMPILED.set(type, (c = (GCP_KEY_PATHS.get(type) ?? []).map(compile)));
  return c;
}

/** The fix for a missing key at `field` (a path as in lib/gcp-scope.ts). */
export function keyFix(type: string, field: string): string {
  if (type === T.gkeCluster) return 'set databaseEncryption = { state: "ENCRYPTED", keyName: <CryptoKey id> }';
  return `set ${field} to a CryptoKey id`;
}

/** The types checked before the scope was derived from the provider, in their report order. */
const REVIEWED_BEFORE: readonly string[] = [T.sqlInstance, T.bucket, T.bqDataset, T.pubsubTopic, T.artifactRepo, T.gkeCluster, T.redis, T.disk, T.regionDisk, T.secret];

/**
 * Every type that names a KMS key and stores data (Secret Manager secrets: one key per replica):
 * those of lib/gcp-scope.ts, the previously reviewed ones first (findings keep their order).
 */
export const KEYED_TYPES: readonly string[] = [...new Set([...REVIEWED_BEFORE, ...GCP_KEY_PATHS.keys()])];

/** One key reference of a resource: a known key name, an unknown one, or none. */
export interface KeyRef {
  readonly path: string;
  readonly dep: string;
  readonly state: "known" | "unknown" | "absent";
  readonly value?: string;
  /** The path as in lib/gcp-scope.ts ("attachedDisks[].kmsKeySelfLink"), when it differs from `path`. */
  readonly field?: string;
  /** Region of the data this key encrypts, when the reference is per replica (Secret Manager). */
  readonly region?: string;
}

/** Every key reference a resource must have (Secret Manager: one per replica). */
export function keyRefs(r: ResourceView): readonly KeyRef[] {
  return r.memo(KEY_REFS, readKeyRefs);
}

/** keyRefs() memoised on the view: cmek-required and kms-key-hygiene both read them. */
const KEY_REFS: MemoKey<readonly KeyRef[]> = { name: "keyRefs" };

function readKeyRefs(r: ResourceView): readonly KeyRef[] {
  if (r.type === T.secret) {
    const auto = r.get("replication.auto");
    if (auto.kind !== "absent") {
      return [ref(r.props, "replication.auto.customerManagedEncryption.kmsKeyName", "replication")];
    }
    const replicas = r.get("replication.userManaged.replicas");
    if (replicas.kind === "unknown") return [{ path: "replication.userManaged.replicas", dep: "replication", state: "unknown" }];
    const list = asArray(replicas.kind === "known" ? replicas.value : undefined);
    return list.map((rep, i) => ({
      ...ref(rep, "customerManagedEncryption.kmsKeyName", "replication"),
      path: `replication.userManaged.replicas[${i}].customerManagedEncryption.kmsKeyName`,
      region: asString(valueAt(rep, "location")),
    }));
  }
  const paths = keyPathsOf(r.type);
  const out: KeyRef[] = [];
  for (const p of paths) walkKey(r.props, p, 0, "", out);
  // No data block present at all (a node pool without nodeConfig): the data has the default key.
  if (out.length === 0 && paths.length > 0) {
    const p = paths[0] as KeyPath;
    out.push({ path: p.field, dep: p.dep, state: "absent" });
  }
  return out;
}

/** The key references under `node` from segment `i` on; `prefix` is the concrete path so far. */
function walkKey(node: unknown, p: KeyPath, i: number, prefix: string, out: KeyRef[]): void {
  const seg = p.segments[i] as Segment;
  const here = prefix + seg.name;
  const last = i === p.segments.length - 1;
  if (last) {
    out.push(withField(ref(node, seg.name, p.dep), here, p.field));
    return;
  }
  const l = lookup(node, seg.name);
  if (l.kind === "unknown" || (l.kind === "absent" && seg.keyBlock)) {
    // The whole rest of the path is unknown (or missing): named in full, as the field to set.
    const full = `${here}.${p.segments.slice(i + 1).map((s) => s.name + (s.array ? "[]" : "")).join(".")}`;
    out.push(withField({ path: full, dep: p.dep, state: l.kind }, full, p.field));
    return;
  }
  if (l.kind === "absent") return;
  if (seg.array) {
    const items = asArray(l.value);
    for (let j = 0; j < items.length; j++) walkKey(items[j], p, i + 1, `${here}[${j}].`, out);
    return;
  }
  walkKey(l.value, p, i + 1, `${here}.`, out);
}

function withField(k: KeyRef, path: string, field: string): KeyRef {
  return path === field ? { ...k, path } : { ...k, path, field };
}

function ref(root: unknown, path: string, dep: string): KeyRef {
  const l = lookup(root, path);
  if (l.kind === "unknown") return { path, dep, state: "unknown" };
  const s = l.kind === "known" ? asString(l.value) : undefined;
  return s && s.trim() !== "" ? { path, dep, state: "known", value: s } : { path, dep, state: "absent" };
}

/** "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k" → "europe-west1". */
export const keyLocationFromName: (name: string) => string | undefined = memoByString(locationInKeyName);

function locationInKeyName(name: string): string | undefined {
  const m = /\/locations\/([^/]+)\//.exec(name);
  return m ? (m[1] as string).toLowerCase() : undefined;
}
