/** The `log-archive-sink` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { logArchiveSink as legacy } from "../../policies/observability";

export const meta = defineMeta({
  name: "log-archive-sink",
  title: "Logs archived to BigQuery",
  area: "observability-retention",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "A log sink archives to BigQuery.",
  remediation: "Add a gcp.logging.ProjectSink whose destination is bigquery.googleapis.com/projects/<p>/datasets/<d>.",
  sources: [{ seed: "002", section: "7. Observability", line: "BigQuery archive sink connected and ingesting" }],
});

export const logArchiveSink = withMeta(meta, legacy);
