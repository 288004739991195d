/** Examples of `regulated-data-retention`, run by test/gates/examples.spec.ts. */
import { regulatedBucket } from "../../../../test/fixtures/stack";
import { at, examples } from "../../../../test/support/examples";
import { UNKNOWN } from "../../../../test/support/fixtures";

export default examples({
  // A bucket labelled data-class: regulated, locked for 7 years (220752000 s).
  baseline: () => [regulatedBucket()],
  compliant: [
    { title: "a bucket without the data-class label", stack: at(0, "labels", { service: "maintenance" }) },
    { title: "a bucket of another data class", stack: at(0, "labels.data-class", "internal") },
    { title: "a retention period given as a number", stack: at(0, "retentionPolicy.retentionPeriod", 220752000) },
    { title: "an unlocked policy where requireLocked is off", stack: at(0, "retentionPolicy.isLocked", false), config: { requireLocked: false } },
  ],
  violating: [
    { title: "one year of retention", stack: at(0, "retentionPolicy.retentionPeriod", "31536000"), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): holds regulated data (data-class: regulated) but keeps objects for less than 7 years (found retentionPolicy.retentionPeriod \"31536000\" (1 year)). Fix: set retentionPolicy = { retentionPeriod: \"220752000\" (7 years, in seconds), isLocked: true }." }] },
    { title: "one day of retention", stack: at(0, "retentionPolicy.retentionPeriod", "86400"), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): holds regulated data (data-class: regulated) but keeps objects for less than 7 years (found retentionPolicy.retentionPeriod \"86400\" (1d)). Fix: set retentionPolicy = { retentionPeriod: \"220752000\" (7 years, in seconds), isLocked: true }." }] },
    { title: "a retention period that is not a number", stack: at(0, "retentionPolicy.retentionPeriod", "seven years"), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): holds regulated data (data-class: regulated) but keeps objects for less than 7 years (found retentionPolicy.retentionPeriod \"seven years\"). Fix: set retentionPolicy = { retentionPeriod: \"220752000\" (7 years, in seconds), isLocked: true }." }] },
    { title: "an unlocked policy", stack: at(0, "retentionPolicy.isLocked", false), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): holds regulated data (data-class: regulated) but its retention policy is not locked, so it can be shortened or removed (found retentionPolicy.isLocked false). Fix: set retentionPolicy.isLocked: true (irreversible: lock only once the period is right)." }] },
    { title: "no retention policy", stack: at(0, "retentionPolicy", undefined), expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): holds regulated data (data-class: regulated) but has no retention policy, so objects can be deleted at any time (found retentionPolicy not set). Fix: set retentionPolicy = { retentionPeriod: \"220752000\" (7 years, in seconds), isLocked: true }." }] },
    {
      title: "an unlabelled bucket named in regulatedBuckets, without retention policy",
      stack: (b) => at(0, "retentionPolicy", undefined)(at(0, "labels", {})(b)),
      config: { regulatedBuckets: ["maintenance-invoices"] },
      expect: [{ name: "maintenance-invoices", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): is configured as holding regulated data but has no retention policy, so objects can be deleted at any time (found retentionPolicy not set). Fix: set retentionPolicy = { retentionPeriod: \"220752000\" (7 years, in seconds), isLocked: true }." }],
    },
    { title: "labels unknown at preview", stack: at(0, "labels", UNKNOWN), expect: [{ name: "maintenance-invoices", kind: "undecided", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): whether it holds regulated data (label 'data-class') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "retention policy unknown at preview", stack: at(0, "retentionPolicy", UNKNOWN), expect: [{ name: "maintenance-invoices", kind: "undecided", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): 'retentionPolicy' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "retention period unknown at preview", stack: at(0, "retentionPolicy.retentionPeriod", UNKNOWN), expect: [{ name: "maintenance-invoices", kind: "undecided", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): 'retentionPolicy.retentionPeriod' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "lock unknown at preview", stack: at(0, "retentionPolicy.isLocked", UNKNOWN), expect: [{ name: "maintenance-invoices", kind: "undecided", message: "'maintenance-invoices' (gcp:storage/bucket:Bucket): 'retentionPolicy.isLocked' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a minRetentionSeconds above the provider's maximum is rejected", stack: (b) => b, config: { minRetentionSeconds: 4_000_000_000 }, expect: [{ kind: "config", message: "invalid pack config at regulated-data-retention.minRetentionSeconds: Too big: expected number to be <=3155759999" }] },
  ],
});
