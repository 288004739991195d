/** cmek-required and kms-key-hygiene: customer-managed keys, rotated, protected, co-located. */
import { z } from "zod";
import { asArray, asString, lookup, show, T, valueAt, type MemoKey, type ResourceView, type StackView } from "../access";
import { stackRule, undecidedMessage, violation, type Reporter } from "../engine/rule";
import { memoByString } from "../memo";

/** Where each type names its KMS key. `dep` is the top-level input whose dependencies settle an unknown key. */
interface KeyField {
  readonly path: string;
  readonly dep: string;
  readonly fix: string;
}

export const CMEK_FIELDS: Readonly<Record<string, KeyField>> = {
  [T.sqlInstance]: { path: "encryptionKeyName", dep: "encryptionKeyName", fix: "set encryptionKeyName to a CryptoKey id" },
  [T.bucket]: { path: "encryption.defaultKmsKeyName", dep: "encryption", fix: "set encryption.defaultKmsKeyName to a CryptoKey id" },
  [T.bqDataset]: {
    path: "defaultEncryptionConfiguration.kmsKeyName",
    dep: "defaultEncryptionConfiguration",
    fix: "set defaultEncryptionConfiguration.kmsKeyName to a CryptoKey id",
  },
  [T.pubsubTopic]: { path: "kmsKeyName", dep: "kmsKeyName", fix: "set kmsKeyName to a CryptoKey id" },
  [T.artifactRepo]: { path: "kmsKeyName", dep: "kmsKeyName", fix: "set kmsKeyName to a CryptoKey id" },
  [T.gkeCluster]: {
    path: "databaseEncryption.keyName",
    dep: "databaseEncryption",
    fix: 'set databaseEncryption = { state: "ENCRYPTED", keyName: <CryptoKey id> }',
  },
  [T.redis]: { path: "customerManagedKey", dep: "customerManagedKey", fix: "set customerManagedKey to a CryptoKey id" },
  [T.disk]: { path: "diskEncryptionKey.kmsKeySelfLink", dep: "diskEncryptionKey", fix: "set diskEncryptionKey.kmsKeySelfLink to a CryptoKey id" },
  [T.regionDisk]: {
    path: "diskEncryptionKey.kmsKeySelfLink",
    dep: "diskEncryptionKey",
    fix: "set diskEncryptionKey.kmsKeySelfLink to a CryptoKey id",
  },
};

const SECRET_FIX = "give every user-managed replica customerManagedEncryption.kmsKeyName (a CryptoKey in the replica's region)";

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

export const cmekSettings = z.strictObject({
  /** Type tokens that must use CMEK (defaults to every type the pack knows a key field for). */
  types: z.array(z.string()).default([...Object.keys(CMEK_FIELDS), T.secret]),
});

function checkGkeState(r: ResourceView, report: Reporter): boolean {
  const st = r.get("databaseEncryption.state");
  if (st.kind === "known" && st.value !== "ENCRYPTED") {
    report({
      subject: r,
      message: violation(
        r.display(),
        "application-layer secrets encryption is not on",
        `databaseEncryption.state ${show(st.value)}`,
        'set databaseEncryption = { state: "ENCRYPTED", keyName: <CryptoKey id> }',
      ),
    });
    return false;
  }
  return true;
}

export const cmekRequired = stackRule({
  gate: "cmek-required",
  settings: cmekSettings,
  check(stack, s, report) {
    for (const r of stack.ofType(...s.types)) {
      if (r.type === T.gkeCluster && !checkGkeState(r, report)) continue;
      const refs = keyRefs(r);
      if (refs.length === 0 && r.type === T.secret) {
        report({ subject: r, message: violation(r.display(), "has no replication with a customer-managed key", undefined, SECRET_FIX) });
      }
      for (const k of refs) {
        if (k.state === "known") {
          if (!k.value?.includes("/cryptoKeys/")) {
            report({
              subject: r,
              message: violation(r.display(), `'${k.path}' is not a Cloud KMS CryptoKey name`, show(k.value), "use a CryptoKey id: projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>"),
            });
          }
          continue;
        }
        if (k.state === "unknown") {
          if (stack.dependsOnType(r, k.dep, T.kmsCryptoKey)) continue;
          report({ subject: r, undecided: true, message: undecidedMessage(r.display(), `the key '${k.path}'`) });
          continue;
        }
        report({
          subject: r,
          message: violation(
            r.display(),
            "stores data without a customer-managed encryption key",
            `'${k.path}' not set`,
            r.type === T.secret ? SECRET_FIX : (CMEK_FIELDS[r.type]?.fix ?? "set its KMS key field"),
          ),
        });
      }
    }
  },
});

// ---------------------------------------------------------------------------------- key hygiene

export const keyHygieneSettings = z.strictObject({
  maxRotationDays: z.number().int().positive().max(3650).default(90),
  requireProtect: z.boolean().default(true),
});

/** "7776000s" → 7776000; "7776000.5s" → 7776000.5; anything else undefined. */
export function durationSeconds(v: unknown): number | undefined {
  const s = asString(v);
  if (!s) return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}

/** Location of a CryptoKey: from its keyRing id, else from the KeyRing resource it depends on. */
function keyLocation(stack: StackView, key: ResourceView): { kind: "known"; region: string } | { kind: "unknown" | "absent" } {
  const ring = key.get("keyRing");
  if (ring.kind === "known") {
    const loc = keyLocationFromName(asString(ring.value) ?? "");
    return loc ? { kind: "known", region: loc } : { kind: "absent" };
  }
  if (ring.kind === "absent") return { kind: "absent" };
  const dep = stack.dependsOnType(key, "keyRing", T.kmsKeyRing);
  if (dep) {
    const l = dep.location();
    if (l.kind === "known" && l.regions.length === 1) return { kind: "known", region: l.regions[0] as string };
  }
  return { kind: "unknown" };
}

/** The stack's CryptoKeys by their known name (the first in stack order wins), built once per check. */
function keysByName(stack: StackView): ReadonlyMap<string, ResourceView> {
  const out = new Map<string, ResourceView>();
  for (const key of stack.ofType(T.kmsCryptoKey)) {
    const n = key.str("name");
    if (n !== undefined && !out.has(n)) out.set(n, key);
  }
  return out;
}

/** The CryptoKey resource a key reference points at: by dependency, or by a known name ending in the key's name. */
function keyResourceOf(stack: StackView, byName: ReadonlyMap<string, ResourceView>, r: ResourceView, k: KeyRef): ResourceView | undefined {
  const dep = stack.dependsOnType(r, k.dep, T.kmsCryptoKey);
  if (dep) return dep;
  if (k.state !== "known" || !k.value) return undefined;
  const at = k.value.lastIndexOf("/cryptoKeys/");
  return at < 0 ? undefined : byName.get(k.value.slice(at + "/cryptoKeys/".length));
}

export const kmsKeyHygiene = stackRule({
  gate: "kms-key-hygiene",
  settings: keyHygieneSettings,
  check(stack, s, report) {
    const maxSeconds = s.maxRotationDays * 86_400;
    for (const key of stack.ofType(T.kmsCryptoKey)) {
      const rot = key.get("rotationPeriod");
      if (rot.kind === "unknown") {
        report({ subject: key, undecided: true, message: undecidedMessage(key.display(), "'rotationPeriod'") });
      } else {
        const secs = durationSeconds(rot.kind === "known" ? rot.value : undefined);
        if (secs === undefined || secs > maxSeconds) {
          report({
            subject: key,
            message: violation(
              key.display(),
              secs === undefined ? "does not rotate automatically" : `rotates every ${Math.round(secs / 86_400)} days, more than ${s.maxRotationDays}`,
              rot.kind === "known" ? `rotationPeriod ${show(rot.value)}` : "rotationPeriod not set",
              `set rotationPeriod to "${maxSeconds}s" (${s.maxRotationDays} days) or less`,
            ),
          });
        }
      }
      if (s.requireProtect && !key.protected()) {
        report({
          subject: key,
          message: violation(
            key.display(),
            "is not protected from destroy; destroying it makes all data it encrypts unreadable",
            "protect: false",
            "create the key with the resource option { protect: true }",
          ),
        });
      }
    }
    // Co-location: each encrypted resource's region must equal its key's location.
    const byName = keysByName(stack);
    for (const r of stack.ofType(...Object.keys(CMEK_FIELDS), T.secret)) {
      const loc = r.location();
      for (const k of keyRefs(r)) {
        if (k.state === "absent") continue;
        let region: string | undefined;
        const keyRes = keyResourceOf(stack, byName, r, k);
        if (k.state === "known" && k.value) region = keyLocationFromName(k.value);
        if (!region && keyRes) {
          const kl = keyLocation(stack, keyRes);
          if (kl.kind === "known") region = kl.region;
        }
        if (!region) continue; // key location not decidable here: data-residency and cmek-required cover the rest
        const dataRegions = k.region ? [k.region.toLowerCase()] : loc.kind === "known" && !loc.multiRegion ? loc.regions : [];
        const off = dataRegions.filter((d) => d !== region);
        if (off.length === 0) continue;
        report({
          subject: r,
          message: violation(
            r.display(),
            `is encrypted by a key in ${region} but its data is in ${off.join(", ")}; a key must live in the same location as the data it encrypts`,
            keyRes ? `key ${keyRes.display()}` : `'${k.path}' ${show(k.value)}`,
            `use a CryptoKey from a key ring in ${off[0]}`,
          ),
        });
      }
    }
  },
});
