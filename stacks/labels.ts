/**
 * The labels every resource of the topology carries (docs/component.md, docs/contract.md).
 *
 * GCP resources: `service` (the service a resource belongs to), `env`, `component`, `managed-by`.
 * Kubernetes objects: `app.kubernetes.io/part-of` (the service), `app.kubernetes.io/name`,
 * `app.kubernetes.io/component`, `app.kubernetes.io/managed-by`. The policy pack reads the
 * service from `service` / `app.kubernetes.io/part-of` (policypack/src/access/tokens.ts SERVICE_LABELS).
 */
export const PART_OF = "app.kubernetes.io/part-of";
export const K8S_NAME = "app.kubernetes.io/name";
export const K8S_COMPONENT = "app.kubernetes.io/component";
export const K8S_MANAGED_BY = "app.kubernetes.io/managed-by";
/** GCP label keys. */
export const SERVICE = "service";
/** Marks a resource of a service that has a transactional outbox (outbox-lag-alert). */
export const OUTBOX = "outbox";
/** Marks a replica or backup that may live in the DR region (data-residency). */
export const DR_ROLE = "dr-role";
/** Marks regulated data (regulated-data-retention). */
export const DATA_CLASS = "data-class";
/** Marks a service's exposure (uptime-checks). */
export const EXPOSURE = "exposure";
/** The Workload Identity annotation of a Kubernetes ServiceAccount. */
export const WI_ANNOTATION = "iam.gke.io/gcp-service-account";
/** Kong plugins of an Ingress. */
export const KONG_PLUGINS = "konghq.com/plugins";
/** Extensions a service's migrations must create (postgres-required-extensions). */
export const REQUIRED_EXTENSIONS = "readiness.dev/required-extensions";

export type Labels = Record<string, string>;

/** GCP labels of a resource of a service (or of the platform when `service` is undefined). */
export function gcpLabels(env: string, service: string | undefined, component: string, extra: Labels = {}): Labels {
  return {
    ...(service ? { [SERVICE]: service } : {}),
    env,
    component,
    "managed-by": "pulumi",
    ...extra,
  };
}

/** Kubernetes labels of an object of a service. */
export function k8sLabels(service: string, name: string, component: string, extra: Labels = {}): Labels {
  return {
    [PART_OF]: service,
    [K8S_NAME]: name,
    [K8S_COMPONENT]: component,
    [K8S_MANAGED_BY]: "pulumi",
    ...extra,
  };
}

/** The labels a workload's selector matches (stable: never add to them after the first deploy). */
export function selectorLabels(service: string, name: string): Labels {
  return { [PART_OF]: service, [K8S_NAME]: name };
}
