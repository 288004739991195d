/** What every part of a service's topology needs: its options, the stack config, names and labels. */
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { gcpLabels, k8sLabels, type Labels } from "../labels";
import type { ServiceOptions } from "../options";
import type { ServiceDefinition } from "../services";

export interface ServiceContext {
  readonly parent: pulumi.ComponentResource;
  readonly def: ServiceDefinition;
  readonly o: ServiceOptions;
  readonly cfg: StackConfig;
  /** The service's name (also its Kubernetes namespace and database name). */
  readonly svc: string;
  readonly env: string;
  /** Public hostname: <service>.<domain>. */
  readonly host: string;
  gcp(component: string, extra?: Labels): Labels;
  k8s(name: string, component: string, extra?: Labels): Labels;
  /** A Google service account's email (known at preview: computed from the account id and project). */
  email(accountId: string): string;
  image(name: string): string;
}

export function serviceContext(parent: pulumi.ComponentResource, def: ServiceDefinition, o: ServiceOptions, cfg: StackConfig): ServiceContext {
  const svc = def.name;
  return {
    parent,
    def,
    o,
    cfg,
    svc,
    env: cfg.environment,
    host: `${svc}.${cfg.domain}`,
    gcp: (component, extra = {}) => gcpLabels(cfg.environment, svc, component, extra),
    k8s: (name, component, extra = {}) => k8sLabels(svc, name, component, extra),
    email: (accountId) => `${accountId}@${cfg.project}.iam.gserviceaccount.com`,
    image: (name) => cfg.images[name] as string,
  };
}

/** Google-managed service agents that use CMEK keys, from the project number. */
export function serviceAgents(projectNumber: string) {
  return {
    sql: `service-${projectNumber}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
    secretManager: `service-${projectNumber}@gcp-sa-secretmanager.iam.gserviceaccount.com`,
    storage: `service-${projectNumber}@gs-project-accounts.iam.gserviceaccount.com`,
    bigquery: `bq-${projectNumber}@bigquery-encryption.iam.gserviceaccount.com`,
    artifactRegistry: `service-${projectNumber}@gcp-sa-artifactregistry.iam.gserviceaccount.com`,
    gke: `service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
    compute: `service-${projectNumber}@compute-system.iam.gserviceaccount.com`,
    pubsub: `service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`,
  };
}

/** "30m" → 1800; "1h30m" → 5400; "1800s" → 1800. The option schema guarantees the format. */
export function durationSeconds(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(s|m|h)/g)) total += Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
  return Math.round(total);
}
