/** The `kms-key-hygiene` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asString, show, T, type ResourceView, type StackView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { secondsDuration } from "../../lib/durations";
import { KEYED_TYPES, keyLocationFromName, keyRefs, type KeyRef } from "../../lib/kms";

export const meta = defineMeta({
  name: "kms-key-hygiene",
  title: "KMS keys rotate, are protected and are co-located",
  area: "residency-encryption",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "CryptoKeys rotate at most every 90 days, are protected from destroy, and live in the same location as the resources they encrypt.",
  remediation:
    "Set rotationPeriod to at most 7776000s, create the key with the `protect: true` resource option, and create it in a key ring in the same region as the data it encrypts.",
  sources: [
    { seed: "002", section: "6. Security", line: "CMEK enabled on Cloud SQL and melmastoon-vendor-invoices/ bucket" },
    { seed: "000", section: "Security", line: "Secret rotation procedure documented" },
  ],
});

export const settings = z.strictObject({
  maxRotationDays: z.number().int().positive().max(3650).default(90),
  requireProtect: z.boolean().default(true),
});

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

export const kmsKeyHygiene = stackGate({
  meta,
  settings,
  check(stack, s, report) {
    const maxSeconds = s.maxRotationDays * 86_400;
    for (const key of stack.ofType(T.kmsCryptoKey)) {
      const rot = key.get("rotationPeriod");
      if (rot.kind === "unknown") {
        report({ subject: key, undecided: true, message: undecidedMessage(key.display(), "'rotationPeriod'") });
      } else {
        const secs = secondsDuration(rot.kind === "known" ? rot.value : undefined);
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
    for (const r of stack.ofType(...KEYED_TYPES)) {
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
