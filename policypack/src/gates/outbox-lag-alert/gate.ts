/** The `outbox-lag-alert` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { outboxLagAlert as legacy } from "../../policies/observability";

export const meta = defineMeta({
  name: "outbox-lag-alert",
  title: "Outbox lag alert",
  area: "observability-retention",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "A service with an outbox has an alert on outbox lag.",
  remediation: "Add an alert policy (userLabels service: <svc>) whose condition watches the service's outbox lag metric, e.g. outbox_lag_seconds.",
  sources: [{ seed: "001", section: "Observability", line: "Outbox lag alert firing + tested" }],
});

export const outboxLagAlert = withMeta(meta, legacy);
