/** Examples of `log-archive-sink`, run by test/gates/examples.spec.ts. */
import type { ResourceInput } from "../../access/resource";
import { T } from "../../access/tokens";
import { regulatedBucket, replace, twoServices, without } from "../../../../test/fixtures/stack";
import { examples, type StackOf } from "../../../../test/support/examples";
import { res, UNKNOWN } from "../../../../test/support/fixtures";

/** The audit-archive sink with these props (and these resource fields). */
const sink =
  (props: Record<string, unknown>, extra: Partial<ResourceInput> = {}): StackOf =>
  (b) =>
    replace(b, "audit-archive", (r) => ({ ...r, ...extra, props: { ...r.props, ...props } }));
const dataset = res(T.bqDataset, "log_archive", { datasetId: "log_archive", location: "europe-west1" });

export default examples({
  // The two-service stack, whose sink audit-archive archives to BigQuery.
  baseline: () => twoServices(),
  compliant: [
    {
      title: "a destination unknown at preview, settled by its dependency on a BigQuery dataset",
      stack: (b) => [...sink({ destination: UNKNOWN }, { dependencies: [dataset.urn], propertyDependencies: { destination: [dataset.urn] } })(b), dataset],
    },
    { title: "a stack without services", stack: () => [regulatedBucket()] },
  ],
  violating: [
    { title: "a sink to Cloud Storage", stack: sink({ destination: "storage.googleapis.com/acme-logs" }), expect: [{ message: "the stack: archives no logs to BigQuery (found sinks 'audit-archive' → \"storage.googleapis.com/acme-logs\"). Fix: add a gcp.logging.ProjectSink with destination \"bigquery.googleapis.com/projects/<project>/datasets/<dataset>\" (a CMEK dataset in the allowed region) and uniqueWriterIdentity: true." }] },
    { title: "no sink", stack: (b) => without(b, "audit-archive"), expect: [{ message: "the stack: archives no logs to BigQuery (found no gcp.logging.ProjectSink). Fix: add a gcp.logging.ProjectSink with destination \"bigquery.googleapis.com/projects/<project>/datasets/<dataset>\" (a CMEK dataset in the allowed region) and uniqueWriterIdentity: true." }] },
    { title: "a disabled sink", stack: sink({ disabled: true }), expect: [{ message: "the stack: archives no logs to BigQuery (found sinks 'audit-archive' (disabled)). Fix: add a gcp.logging.ProjectSink with destination \"bigquery.googleapis.com/projects/<project>/datasets/<dataset>\" (a CMEK dataset in the allowed region) and uniqueWriterIdentity: true." }] },
    { title: "a sink without destination", stack: sink({ destination: undefined }), expect: [{ message: "the stack: archives no logs to BigQuery (found sinks 'audit-archive' → not set). Fix: add a gcp.logging.ProjectSink with destination \"bigquery.googleapis.com/projects/<project>/datasets/<dataset>\" (a CMEK dataset in the allowed region) and uniqueWriterIdentity: true." }] },
    { title: "a destination unknown at preview", stack: sink({ destination: UNKNOWN }), expect: [{ name: "audit-archive", kind: "undecided", message: "'audit-archive' (gcp:logging/projectSink:ProjectSink): the sink's destination is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "the disabled flag unknown at preview", stack: sink({ disabled: UNKNOWN }), expect: [{ name: "audit-archive", kind: "undecided", message: "'audit-archive' (gcp:logging/projectSink:ProjectSink): the sink's destination is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
