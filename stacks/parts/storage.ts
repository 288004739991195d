/**
 * Data a service keeps outside Postgres: its domain-events topic (the outbox relay publishes
 * there; messages stored in the service's region, CMEK) and, for maintenance, the vendor-invoice
 * bucket (002 §12: regulated, retained 7 years under a locked retention policy, CMEK, no public
 * access).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { Topic } from "@pulumi/gcp/pubsub/topic";
import { Bucket } from "@pulumi/gcp/storage/bucket";
import { BucketIAMMember } from "@pulumi/gcp/storage/bucketIAMMember";
import { DATA_CLASS, OUTBOX } from "../labels";
import type { ServiceContext } from "./context";
import type { Identity } from "./identity";

/** Years → seconds, counting 365.25 days a year (so 7 years cover the leap days). */
export function retentionSeconds(years: number): number {
  return Math.round(years * 365.25 * 86_400);
}

export function createEventsTopic(ctx: ServiceContext, key: CryptoKey | undefined, keyGrants: readonly pulumi.Resource[]): Topic {
  return new Topic(
    `${ctx.svc}-events`,
    {
      name: `${ctx.svc}-events`,
      kmsKeyName: key?.id,
      messageStoragePolicy: { allowedPersistenceRegions: [ctx.o.region], enforceInTransit: true },
      messageRetentionDuration: "604800s",
      labels: ctx.gcp("events", ctx.def.outbox ? { [OUTBOX]: "true" } : {}),
    },
    { parent: ctx.parent, dependsOn: [...keyGrants] },
  );
}

/** The bucket name the checklist names (002 §6: melmastoon-vendor-invoices/), per environment. */
export function invoiceBucketName(env: string): string {
  return env === "production" ? "melmastoon-vendor-invoices" : `melmastoon-vendor-invoices-${env}`;
}

export function createInvoiceBucket(ctx: ServiceContext, key: CryptoKey | undefined, keyGrants: readonly pulumi.Resource[], writers: readonly Identity[]): Bucket {
  const b = ctx.o.invoiceBucket;
  const bucket = new Bucket(
    `${ctx.svc}-vendor-invoices`,
    {
      name: invoiceBucketName(ctx.env),
      location: ctx.o.region.toUpperCase(),
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      forceDestroy: false,
      ...(key ? { encryption: { defaultKmsKeyName: key.id } } : {}),
      retentionPolicy: { retentionPeriod: String(retentionSeconds(b.retentionYears)), isLocked: b.lockRetention },
      labels: ctx.gcp("vendor-invoices", { [DATA_CLASS]: "regulated" }),
    },
    { parent: ctx.parent, dependsOn: [...keyGrants] },
  );
  writers.forEach((w) => {
    new BucketIAMMember(`${ctx.svc}-vendor-invoices-${w.role}`, { bucket: bucket.name, role: "roles/storage.objectUser", member: `serviceAccount:${w.email}` }, { parent: ctx.parent, dependsOn: [w.account] });
  });
  return bucket;
}
