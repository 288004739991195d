/**
 * Where resources name their Cloud KMS key (`keyRefs`) and where a key name says the key lives
 * (`keyLocationFromName`), as cmek-required and kms-key-hygiene both read them.
 */
import { asArray, asString, lookup, T, valueAt, type MemoKey, type ResourceView } from "../access";
import { memoByString } from "../memo";

/** Where each type names its KMS key. `dep` is the top-level input whose dependencies settle an unknown key. */
interface KeyField {
  readonly path: string;
  readonly dep: string;
  readonly fix: string;
}

/** A key field whose fix is to set it (`dep` defaults to the path's top-level input). */
function field(path: string, dep = path.split(".")[0] as string, fix = `set ${path} to a CryptoKey id`): KeyField {
  return { path, dep, fix };
}

export const CMEK_FIELDS: Readonly<Record<string, KeyField>> = {
  [T.sqlInstance]: field("encryptionKeyName"),
  [T.bucket]: field("encryption.defaultKmsKeyName"),
  [T.bqDataset]: field("defaultEncryptionConfiguration.kmsKeyName"),
  [T.pubsubTopic]: field("kmsKeyName"),
  [T.artifactRepo]: field("kmsKeyName"),
  [T.gkeCluster]: field("databaseEncryption.keyName", "databaseEncryption", 'set databaseEncryption = { state: "ENCRYPTED", keyName: <CryptoKey id> }'),
  [T.redis]: field("customerManagedKey"),
  [T.disk]: field("diskEncryptionKey.kmsKeySelfLink"),
  [T.regionDisk]: field("diskEncryptionKey.kmsKeySelfLink"),
};

/** Every type that names a KMS key: the CMEK_FIELDS types, then Secret Manager secrets (one key per replica). */
export const KEYED_TYPES: readonly string[] = [...Object.keys(CMEK_FIELDS), T.secret];

/** One key reference of a resource: a known key name, an unknown one, or none. */
export interface KeyRef {
  readonly path: string;
  readonly dep: string;
  readonly state: "known" | "unknown" | "absent";
  readonly value?: string;
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
  const f = CMEK_FIELDS[r.type];
  return f ? [ref(r.props, f.path, f.dep)] : [];
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
