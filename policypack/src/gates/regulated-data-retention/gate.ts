/** The `regulated-data-retention` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { regulatedDataRetention as legacy } from "../../policies/observability";

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

export const regulatedDataRetention = withMeta(meta, legacy);
