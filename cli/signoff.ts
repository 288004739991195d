/**
 * Sign-off files (YAML, one per service): who signed which manual line, and which lines are
 * declared not applicable (with a justification, an approver and an expiry, like a waiver).
 *
 *   service: billing
 *   signoffs:
 *     - line: On-call rotation assigned      # the line as written; omit to sign a checklist role
 *       role: SRE
 *       name: Jane Doe
 *       email: jane@acme.example
 *       date: 2026-11-20
 *       note: PagerDuty schedule billing-primary
 *   notApplicable:
 *     - line: Backups and PITR enabled
 *       justification: The service keeps no data of its own; the ledger lives in payments.
 *       approver: cto@acme.example
 *       expires: 2027-06-30
 */
import * as yaml from "js-yaml";
import { z } from "zod";
import { readInput } from "./audit";
import { InputError } from "./state";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD").refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "not a calendar date");

const SignOff = z.strictObject({
  line: z.string().min(1).optional(),
  role: z.string().min(1),
  name: z.string().min(1),
  email: z.string().email(),
  date: isoDate,
  note: z.string().optional(),
});

const NotApplicable = z.strictObject({
  line: z.string().min(1),
  justification: z.string().min(20, "a justification of at least 20 characters"),
  approver: z.string().min(1),
  expires: isoDate,
});

const SignOffFile = z.strictObject({
  service: z.string().min(1),
  signoffs: z.array(SignOff).default([]),
  notApplicable: z.array(NotApplicable).default([]),
});

export type SignOffEntry = z.infer<typeof SignOff>;
export type NotApplicableEntry = z.infer<typeof NotApplicable>;
export interface SignOffs {
  readonly service: string;
  readonly file: string;
  readonly signoffs: readonly SignOffEntry[];
  readonly notApplicable: readonly NotApplicableEntry[];
}

/** Reads and validates a sign-off file (InputError naming the file and the field). */
export function readSignOffFile(file: string, shown = file): SignOffs {
  const text = readInput(file, "sign-off file", shown);
  let raw: unknown;
  try {
    raw = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (e) {
    throw new InputError(`${shown}: not valid YAML (${((e as Error).message.split("\n")[0] ?? "").trim()}).`);
  }
  const parsed = SignOffFile.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new InputError(`${shown}: ${i ? `${i.path.join(".") || "(top)"}: ${i.message}` : "invalid"}. Fix: see the README, "For auditors".`);
  }
  return { ...parsed.data, file: shown };
}
