/** The `log-archive-sink` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asString, show, T, type ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { stackServices } from "../../lib/services";

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

export const settings = z.strictObject({});

const BIGQUERY_DESTINATION = "bigquery.googleapis.com/";

export const logArchiveSink = stackGate({
  meta,
  settings,
  check(stack, _s, report) {
    // Stacks that hold no service (network, platform) are out of scope.
    if (stackServices(stack).size === 0) return;
    const sinks = stack.ofType(T.logSink);
    const seen: string[] = [];
    let unknown: ResourceView | undefined;
    for (const sink of sinks) {
      const disabled = sink.get("disabled");
      if (disabled.kind === "unknown") {
        unknown ??= sink;
        continue;
      }
      if (disabled.kind === "known" && disabled.value === true) {
        seen.push(`'${sink.name}' (disabled)`);
        continue;
      }
      const dest = sink.get("destination");
      if (dest.kind === "unknown") {
        // The destination is interpolated from a dataset created in the stack: that settles it.
        if (stack.dependsOnType(sink, "destination", T.bqDataset)) return;
        unknown ??= sink;
        continue;
      }
      const d = dest.kind === "known" ? (asString(dest.value) ?? "") : "";
      if (d.startsWith(BIGQUERY_DESTINATION)) return;
      seen.push(`'${sink.name}' → ${show(d || undefined)}`);
    }
    if (unknown) {
      report({ subject: unknown, undecided: true, message: undecidedMessage(unknown.display(), "the sink's destination") });
      return;
    }
    report({
      message: violation(
        "the stack",
        "archives no logs to BigQuery",
        seen.length > 0 ? `sinks ${seen.join(", ")}` : "no gcp.logging.ProjectSink",
        'add a gcp.logging.ProjectSink with destination "bigquery.googleapis.com/projects/<project>/datasets/<dataset>" (a CMEK dataset in the allowed region) and uniqueWriterIdentity: true',
      ),
    });
  },
});
