/**
 * Cloud KMS: a key ring per service and region, keys that rotate (≤ 90 days) and are protected,
 * and the encrypter/decrypter grants of the Google service agents that use them (cmek-required,
 * kms-key-hygiene). Key rings cannot be deleted: their names are stable per service/env/region.
 */
import type * as pulumi from "@pulumi/pulumi";
import { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { CryptoKeyIAMMember } from "@pulumi/gcp/kms/cryptoKeyIAMMember";
import { KeyRing } from "@pulumi/gcp/kms/keyRing";
import type { Labels } from "../labels";
import type { EncryptionOptions } from "../options";

export interface KeySpec {
  readonly name: string;
  /** Service-agent emails granted roles/cloudkms.cryptoKeyEncrypterDecrypter. */
  readonly agents: readonly string[];
}

export interface Keys {
  readonly ring: KeyRing;
  readonly keys: Readonly<Record<string, CryptoKey>>;
  /** The grants: resources that encrypt with a key must depend on them. */
  readonly grants: readonly pulumi.Resource[];
}

export function rotationPeriod(days: number): string {
  return `${days * 86_400}s`;
}

/**
 * A key ring and its keys. `prefix` keeps Pulumi names unique in the stack; `ringName` is the
 * KMS name of the ring (immutable, never reused).
 */
export function createKeys(
  parent: pulumi.Resource,
  prefix: string,
  ringName: string,
  location: string,
  enc: EncryptionOptions,
  labels: Labels,
  specs: readonly KeySpec[],
): Keys {
  const ring = new KeyRing(`${prefix}-ring`, { name: ringName, location }, { parent });
  const keys: Record<string, CryptoKey> = {};
  const grants: pulumi.Resource[] = [];
  for (const spec of specs) {
    const key = new CryptoKey(
      `${prefix}-${spec.name}-key`,
      {
        name: spec.name,
        keyRing: ring.id,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: rotationPeriod(enc.rotationDays),
        labels: { ...labels, key: spec.name },
      },
      { parent, protect: enc.protectKeys },
    );
    keys[spec.name] = key;
    spec.agents.forEach((agent, i) => {
      grants.push(
        new CryptoKeyIAMMember(
          `${prefix}-${spec.name}-key-agent-${i}`,
          { cryptoKeyId: key.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: `serviceAccount:${agent}` },
          { parent },
        ),
      );
    });
  }
  return { ring, keys, grants };
}
