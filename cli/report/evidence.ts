/**
 * Which of the resources a stack gate looked at count as evidence for its checklist lines.
 *
 * A stack gate reads more than it proves: `migration-job-before-deploy` looks at the databases to
 * find the services that need a migration Job, `kms-key-hygiene` at the resources a key encrypts.
 * Only the resources the gate is defined over are evidence; a gate that looked at none of them
 * checked nothing (no evidence). The list is data, `checklists/gate-evidence.json` (gate name →
 * resource kinds: a type token, optionally with labels), kept beside the checklists because the
 * gate records themselves are not edited from here. A gate without an entry keeps everything it
 * looked at.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { ResourceView } from "../../policypack/src/access/resource";
import { checklistsDir } from "../checklists";
import { InputError } from "../state";

const Kind = z.strictObject({
  type: z.string().min(1),
  labels: z.record(z.string(), z.string()).optional(),
});

const EvidenceFile = z.strictObject({
  $comment: z.string().optional(),
  kinds: z.record(z.string().min(1), z.array(Kind).min(1)),
  /** Gates that prove an absence (no static key anywhere): with nothing of their kind, the stack itself is the evidence. */
  proveAbsence: z.array(z.string().min(1)),
});

export type EvidenceKinds = z.infer<typeof EvidenceFile>;

let cache: EvidenceKinds | undefined;

export function loadEvidenceKinds(file = path.join(checklistsDir(), "gate-evidence.json")): EvidenceKinds {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`${path.basename(file)}: cannot read the gate evidence kinds (${(e as Error).message}).`);
  }
  const parsed = EvidenceFile.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new InputError(`${path.basename(file)}: ${i ? `${i.path.join(".") || "(top)"}: ${i.message}` : "invalid"}.`);
  }
  return parsed.data;
}

/** The predicate keeping a gate's evidence resources. */
export function evidenceFilter(gate: string): (r: ResourceView) => boolean {
  cache ??= loadEvidenceKinds();
  const kinds = cache.kinds[gate];
  if (!kinds) return () => true;
  return (r) => kinds.some((k) => k.type === r.type && Object.entries(k.labels ?? {}).every(([l, v]) => r.label(l) === v));
}

/** True when the gate proves that no resource of its kind exists: the stack is then the evidence. */
export function provesAbsence(gate: string): boolean {
  cache ??= loadEvidenceKinds();
  return cache.proveAbsence.includes(gate);
}
