/** The `regulated-data-retention` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asNumber, show, T } from "../../access";
import { defineMeta } from "../../engine/meta";
import { resourceGate, undecidedMessage, violation } from "../../engine/rule";
import { formatDuration } from "../../lib/durations";
import { undecidedField } from "../../lib/undecided";

export const meta = defineMeta({
  name: "regulated-data-retention",
  title: "Regulated data retained 7 years",
  area: "observability-retention",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves: "Buckets holding regulated data keep objects ≥ 7 years under a locked retention policy.",
  remediation: "Set retentionPolicy = { retentionPeriod: 220752000 (7 years, in seconds), isLocked: true }.",
  sources: [{ seed: "002", section: "12. Compliance", line: "Vendor invoice files retained 7 years (regulated)" }],
});

/** Seven years of 365 days, in seconds. */
export const SEVEN_YEARS = 7 * 365 * 86400;

export const settings = z.strictObject({
  regulatedBuckets: z.array(z.string().min(1)).default([]).describe("Bucket names (the `name` input, or the Pulumi name) that hold regulated data, labelled or not."),
  minRetentionSeconds: z.number().int().min(1).max(3_155_759_999).default(SEVEN_YEARS).describe("The shortest retention period, in seconds (7 × 365 days)."),
  requireLocked: z.boolean().default(true).describe("Whether the retention policy must be locked (irreversible; off in staging)."),
});

export const DATA_CLASS_LABEL = "data-class";

function years(seconds: number): string {
  const y = seconds / (365 * 86400);
  const n = Number(y.toFixed(2));
  return y >= 1 ? `${n} ${n === 1 ? "year" : "years"}` : formatDuration(seconds);
}

export const regulatedDataRetention = resourceGate({
  meta,
  types: [T.bucket],
  settings,
  check(r, s, report) {
    const named = s.regulatedBuckets.includes(r.str("name") ?? "") || s.regulatedBuckets.includes(r.name);
    const label = r.get(["labels", DATA_CLASS_LABEL]);
    if (!named && label.kind !== "known") {
      if (label.kind === "unknown") report({ undecided: true, message: undecidedMessage(r.display(), `whether it holds regulated data (label '${DATA_CLASS_LABEL}')`) });
      return;
    }
    if (!named && label.kind === "known" && label.value !== "regulated") return;
    const why = named ? "is configured as holding regulated data" : `holds regulated data (${DATA_CLASS_LABEL}: regulated)`;
    const fix = `set retentionPolicy = { retentionPeriod: "${s.minRetentionSeconds}" (${years(s.minRetentionSeconds)}, in seconds)${s.requireLocked ? ", isLocked: true" : ""} }`;
    const policy = r.get("retentionPolicy");
    if (undecidedField(r, "retentionPolicy", report)) return;
    if (policy.kind === "absent") {
      report({ message: violation(r.display(), `${why} but has no retention policy, so objects can be deleted at any time`, "retentionPolicy not set", fix) });
      return;
    }
    if (!undecidedField(r, "retentionPolicy.retentionPeriod", report)) {
      const raw = r.value("retentionPolicy.retentionPeriod");
      const secs = asNumber(raw);
      if (secs === undefined || secs < s.minRetentionSeconds) {
        report({
          message: violation(
            r.display(),
            `${why} but keeps objects for less than ${years(s.minRetentionSeconds)}`,
            `retentionPolicy.retentionPeriod ${show(raw)}${secs !== undefined ? ` (${years(secs)})` : ""}`,
            fix,
          ),
        });
      }
    }
    if (s.requireLocked && !undecidedField(r, "retentionPolicy.isLocked", report) && r.bool("retentionPolicy.isLocked") !== true) {
      report({
        message: violation(
          r.display(),
          `${why} but its retention policy is not locked, so it can be shortened or removed`,
          `retentionPolicy.isLocked ${show(r.value("retentionPolicy.isLocked"))}`,
          "set retentionPolicy.isLocked: true (irreversible: lock only once the period is right)",
        ),
      });
    }
  },
});
