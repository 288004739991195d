/**
 * The three services of the readiness checklists (/work/shared/seeds, docs/gates.md), and what
 * each checklist fixes about its topology. Options a team may change live in options.ts; these
 * are facts about the services themselves.
 */
export type ServiceName = "config" | "registration" | "maintenance";
export type Runtime = "gke" | "cloudrun";

export interface ServiceDefinition {
  readonly name: ServiceName;
  readonly title: string;
  /** Where the api and workers run (002 §8: two Cloud Run services for maintenance). */
  readonly runtime: Runtime;
  /** Postgres extensions the service needs (001: pg_trgm). */
  readonly extensions: readonly string[];
  /** Secret Manager secrets the service reads (mounted as files, never env). */
  readonly secrets: readonly string[];
  /** Dashboards the checklist names. */
  readonly dashboards: readonly string[];
  /** Canary progression the checklist names: traffic steps below 100 % and the bake of each. */
  readonly canary: { readonly steps: readonly number[]; readonly bake: string };
  /** Every service relays domain events through a transactional outbox (outbox.spec.ts in all three). */
  readonly outbox: boolean;
  /** 002 §12: vendor invoice files retained 7 years (regulated). */
  readonly invoiceBucket: boolean;
}

export const SERVICES: readonly ServiceDefinition[] = [
  {
    name: "config",
    title: "Config Service",
    runtime: "gke",
    extensions: [],
    secrets: ["config-signing-key"],
    dashboards: ["Config Service Overview", "Resolution Pipeline Breakdown"],
    canary: { steps: [5], bake: "30m" },
    outbox: true,
    invoiceBucket: false,
  },
  {
    name: "registration",
    title: "Registration Service",
    runtime: "gke",
    extensions: ["pg_trgm"],
    secrets: ["portrait-encryption-key"],
    dashboards: ["Registration Service Overview"],
    canary: { steps: [5], bake: "30m" },
    outbox: true,
    invoiceBucket: false,
  },
  {
    name: "maintenance",
    title: "Maintenance Service",
    runtime: "cloudrun",
    extensions: [],
    secrets: ["vendor-messaging-token"],
    dashboards: ["Maintenance Service health", "Maintenance Operations", "Maintenance AI", "Maintenance Sync"],
    canary: { steps: [10, 50], bake: "30m" },
    outbox: true,
    invoiceBucket: true,
  },
];

export const SERVICE_NAMES: readonly ServiceName[] = SERVICES.map((s) => s.name);

export function serviceDefinition(name: ServiceName): ServiceDefinition {
  return SERVICES.find((s) => s.name === name) as ServiceDefinition;
}
