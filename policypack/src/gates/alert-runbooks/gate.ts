/** The `alert-runbooks` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { alertRunbooks as legacy } from "../../policies/observability";

export const meta = defineMeta({
  name: "alert-runbooks",
  title: "Alerts have runbooks and channels",
  area: "observability-retention",
  kind: "resource",
  severity: "medium",
  level: "mandatory",
  proves: "Every alert policy has an https runbook link in its documentation and at least one notification channel.",
  remediation: "Set documentation.content with an https runbook link (or documentation.links) and notificationChannels.",
  sources: [
    { seed: "000", section: "Observability", line: "All SLO alerts configured with runbooks linked" },
    { seed: "001", section: "Observability", line: "All SLO alerts configured with runbooks" },
    { seed: "002", section: "7. Observability", line: "Alerts configured per OBSERVABILITY.md §6 with runbook links" },
  ],
});

export const alertRunbooks = withMeta(meta, legacy);
