/**
 * The three readiness checklists (seed documents 000 config, 001 registration, 002 maintenance) as
 * data, laid out like the documents: sections, lines, sub-items, sign-off roles.
 *
 * The text is copied from the seed documents once; the repository never reads them at run time.
 * Which lines are automated is not written here: it is derived from the gate catalog's `sources`
 * (policypack/src/catalog.ts), so a gate added to the catalog shows up on its lines by itself.
 * Every other line is manual and needs a person's sign-off.
 */
import { GATES, SEEDS, type SeedId, type SourceLine } from "../policypack/src/catalog";

export interface ChecklistLineData {
  /** The line, as written in the seed document. */
  readonly text: string;
  /** The document's own note on the line (001's Notes column). */
  readonly note?: string;
  /** Sub-items listed under the line. */
  readonly sub?: readonly string[];
}

export interface ChecklistSectionData {
  readonly title: string;
  readonly lines: readonly ChecklistLineData[];
  /** The roles that sign the section off. */
  readonly signOff?: readonly string[];
}

export interface ChecklistData {
  readonly seed: SeedId;
  readonly service: string;
  readonly title: string;
  /** The heading above the sections. */
  readonly heading: string;
  readonly intro: string;
  readonly sections: readonly ChecklistSectionData[];
  /** Who signs the whole checklist off. */
  readonly signOff: string;
}

export const CHECKLIST_DATA: readonly ChecklistData[] = [
  {
    seed: "000",
    service: SEEDS["000"].service,
    title: SEEDS["000"].title,
    heading: "1. Readiness Gate Checklist",
    intro: "A service is ready for production only when all items below are green.",
    signOff: "Sign-off: Tech Lead, SRE, Security (name and date each).",
    sections: [
      {
        title: "Documentation",
        lines: [
          { text: "All 17 docs complete (not stubs)" },
          { text: "SERVICE_OVERVIEW.md reviewed by tech lead" },
          { text: "API_CONTRACTS.md reviewed and OpenAPI generated" },
          { text: "SECURITY_MODEL.md reviewed by security team" },
          { text: "MIGRATION_PLAN.md approved by platform team" },
        ],
      },
      {
        title: "Code Quality",
        lines: [
          { text: "TypeScript strict mode, zero errors" },
          { text: "ESLint: domain layer import restrictions pass" },
          { text: "No synchronize: true in ORM config" },
          { text: "All env vars validated via Zod at startup" },
          { text: "No hardcoded secrets or credentials" },
        ],
      },
      {
        title: "Tests",
        lines: [
          { text: "Unit test coverage ≥ 80 % (statement + branch)" },
          { text: "test/integration/tenant-isolation.spec.ts — all scenarios pass" },
          { text: "test/integration/outbox.spec.ts — all scenarios pass" },
          { text: "test/integration/inbox.spec.ts — all scenarios pass" },
          { text: "Pact consumer contracts green against Pact broker" },
          { text: "Event schema conformance tests green for all 13 event types" },
          { text: "Performance test: resolution p95 < 100 ms at 50 rps" },
        ],
      },
      {
        title: "Security",
        lines: [
          { text: "Cross-tenant resolution test confirms zero data leakage" },
          { text: "RLS policies verified in integration tests" },
          { text: "Penetration test for ABAC bypass scenarios completed" },
          { text: "Secret rotation procedure documented" },
        ],
      },
      {
        title: "Observability",
        lines: [
          { text: "OpenTelemetry traces visible in Grafana/Tempo for staging" },
          { text: "All SLO alerts configured with runbooks linked" },
          { text: "Dashboard: Config Service Overview live in Grafana" },
          { text: "Dashboard: Resolution Pipeline Breakdown live in Grafana" },
        ],
      },
      {
        title: "Deployment",
        lines: [
          { text: "Docker image built and pushed to registry" },
          { text: "Helm chart / K8s manifests reviewed" },
          { text: "Health check endpoints (/health/live, /health/ready) verified" },
          { text: "Canary deploy completed (5 % / 30 min) in staging" },
          { text: "Rollback procedure verified in staging" },
          { text: "On-call rotation assigned" },
        ],
      },
      {
        title: "Migrations",
        lines: [
          { text: "Database migrations applied to staging without errors" },
          { text: "Seed data (GLOBAL node, system roles) verified in staging" },
          { text: "Rollback migration tested" },
        ],
      },
    ],
  },
  {
    seed: "001",
    service: SEEDS["001"].service,
    title: SEEDS["001"].title,
    heading: "Production Readiness Gate",
    intro: "All items below must be ✅ before the service is promoted to production.",
    signOff: "Sign-off: tech lead + SRE (the Operations line \"SERVICE_READINESS.md signed off by tech lead + SRE\").",
    sections: [
      {
        title: "Documentation",
        lines: [
          { text: "All 17 canonical docs populated (no stubs)", note: "In progress" },
          { text: "EPICS.md and USER_STORIES.md written", note: "In progress" },
          { text: "OpenAPI spec generated and published" },
          { text: "FHIR CapabilityStatement declared" },
        ],
      },
      {
        title: "Code Quality",
        lines: [
          { text: "TypeScript strict mode, zero errors" },
          { text: "ESLint domain import-restriction passes" },
          { text: "Line coverage ≥ 80% overall" },
          { text: "Critical-path coverage ≥ 90% (MPI, merge, vital status)" },
        ],
      },
      {
        title: "Tests",
        lines: [
          { text: "tenant-isolation.integration.spec.ts passes", note: "Mandatory" },
          { text: "outbox.integration.spec.ts passes", note: "Mandatory" },
          { text: "inbox.integration.spec.ts passes", note: "Mandatory" },
          { text: "Pact consumer tests green" },
          { text: "Event schema conformance tests green" },
        ],
      },
      {
        title: "Infrastructure",
        lines: [
          { text: "DB migrations idempotent and reversible" },
          { text: "RLS policies verified in integration tests" },
          { text: "pg_trgm extension enabled in target DB" },
          { text: "Readiness + liveness probes configured" },
          { text: "HPA configured with correct thresholds" },
        ],
      },
      {
        title: "Observability",
        lines: [
          { text: "OpenTelemetry traces visible in staging Grafana" },
          { text: "All SLO alerts configured with runbooks" },
          { text: "Outbox lag alert firing + tested" },
        ],
      },
      {
        title: "Security",
        lines: [
          { text: "No secrets in source code" },
          { text: "Portrait encryption key configured in secret manager" },
          { text: "ModuleEntitlementGuard tested (403 on missing license)" },
          { text: "Break-glass audit path verified end-to-end" },
        ],
      },
      {
        title: "Operations",
        lines: [
          { text: "Canary deploy (5% / 30 min) completed in staging" },
          { text: "Rollback verified" },
          { text: "On-call rotation assigned" },
          { text: "SERVICE_READINESS.md signed off by tech lead + SRE" },
        ],
      },
    ],
  },
  {
    seed: "002",
    service: SEEDS["002"].service,
    title: SEEDS["002"].title,
    heading: "Production cutover gate",
    intro:
      "Production cutover gate. Every box must be ticked and signed off by the named role before traffic is permitted on a fresh region or before declaring the service GA.",
    signOff:
      "Final cutover sign-off: Engineering lead + SRE + Security + Product + Domain owner (5 signatures). The signed checklist is committed at services/maintenance-service/READINESS_<YYYY-MM-DD>.md and referenced in the release tag annotation.",
    sections: [
      {
        title: "1. Documentation",
        signOff: ["Tech writer", "Domain owner"],
        lines: [
          { text: "docs/03-microservices/maintenance-service.md published and linked from index" },
          { text: "All 17 service-bundle files present, no TODO markers" },
          { text: "SYNC_CONTRACT.md cross-referenced from desktop's docs index" },
          { text: "Error codes registered in docs/standards/ERROR_CODES.md with HTTP, retriability, i18n, runbooks" },
          { text: "ULID prefixes registered in docs/standards/NAMING.md" },
          { text: "Topics + schemas registered in docs/04-event-driven-architecture.md topic registry" },
          { text: "OpenAPI v1 published to schema registry; consumers notified" },
          { text: "Runbooks linked from every alert in OBSERVABILITY.md §6 — links resolve" },
        ],
      },
      {
        title: "2. Code quality",
        signOff: ["Engineering lead"],
        lines: [
          { text: "No TODO/FIXME comments in domain/ or application/" },
          { text: "No any in domain/ or public DTOs" },
          { text: "All public functions JSDoc-documented at the use case level" },
          { text: "No dead code (verified by ts-prune)" },
          { text: "No console.log; structured logger only" },
          { text: "eslint, tsc --noEmit, prettier --check all green on main" },
          { text: "No circular dependencies (madge)" },
          { text: "No imports from infrastructure/ inside application/ or domain/" },
        ],
      },
      {
        title: "3. Test coverage and gates",
        signOff: ["Engineering lead", "QA"],
        lines: [
          { text: "Branch coverage: domain/ ≥ 95%, application/ ≥ 90%, infrastructure/ ≥ 70%, controllers/ ≥ 80%" },
          { text: "Mandatory specs present and green:", sub: ["integration/tenant-isolation.spec.ts", "integration/outbox.spec.ts", "integration/inbox.spec.ts"] },
          { text: "State machine: every transition (allowed and denied) covered" },
          { text: "Saga compensation: room-block rejection, vendor no-show, relocation no-inventory, OCC concurrent resolve" },
          { text: "Concurrency: at least one fast-check property test on cost rollup; explicit OCC race spec" },
          { text: "Sync push: OCC, idempotency, partial failure, clock skew specs" },
          { text: "AI: orchestrator timeout, invalid enum, budget exhaustion specs" },
          { text: "Performance: locust scripts pass NFR targets in OBSERVABILITY.md §3" },
          { text: "Pact contracts published and verified against all consumers (property, reservation, housekeeping, notification, billing, analytics, audit, bff-backoffice, sync)" },
          { text: "OpenAPI diff against previous version: no breaking changes" },
          { text: "Event schema golden tests: TS / JSON Schema / sample payload all in lock-step" },
        ],
      },
      {
        title: "4. API & event hygiene",
        signOff: ["API governance", "Eventing team"],
        lines: [
          { text: "OpenAPI spec auto-generated; CI fails on uncommitted diff" },
          { text: "All public endpoints documented with examples" },
          { text: "All error codes return RFC 7807 envelope" },
          { text: "Idempotency keys honoured on every state-changing endpoint" },
          { text: "Rate limits configured at Kong: 50 RPS per tenant for BFF" },
          { text: "Each event has TS interface + JSON Schema + golden sample + retention class set" },
          { text: "No event has \"raw PII\" — vendor identifiers used, no plaintext numbers" },
          { text: "Outbox + inbox correctness verified by chaos run" },
        ],
      },
      {
        title: "5. Storage & migrations",
        signOff: ["DBA", "SRE"],
        lines: [
          { text: "All tables have RLS enabled with tenant_id policy" },
          { text: "All money columns are bigint micro-units; never numeric decimal" },
          { text: "All CREATE INDEX statements use CONCURRENTLY in production migrations" },
          { text: "Expand-then-contract migrations only; no destructive ops in single step" },
          { text: "PgBouncer in transaction mode in front of Cloud SQL" },
          { text: "Backups: daily full + 7 d PITR; cross-region replica in europe-west4" },
          { text: "DR runbook exists and was last drilled in staging within the last 90 days" },
        ],
      },
      {
        title: "6. Security",
        signOff: ["Security"],
        lines: [
          { text: "All endpoints behind JWT + tenant header check at Kong" },
          { text: "RLS verified by tenant-isolation.spec.ts" },
          { text: "Workload Identity used for all GCP API calls; no static SA keys" },
          { text: "Secrets in Secret Manager, never in env vars" },
          { text: "CMEK enabled on Cloud SQL and melmastoon-vendor-invoices/ bucket" },
          { text: "AI calls go through orchestrator; no model SDK in service" },
          { text: "PII redaction verified before any orchestrator call" },
          { text: "Audit events emitted on every state mutation" },
          { text: "Threat model in SECURITY_MODEL.md §11 reviewed in last 12 months" },
          { text: "Penetration test report on file (last 12 months)" },
        ],
      },
      {
        title: "7. Observability",
        signOff: ["SRE"],
        lines: [
          { text: "OTel tracing enabled with required attributes (per OBSERVABILITY.md §1)" },
          { text: "All logs structured JSON; no PII in logs" },
          { text: "Dashboards published: Service health, Operations, AI, Sync" },
          { text: "Alerts configured per OBSERVABILITY.md §6 with runbook links" },
          { text: "SLOs published in error-budget tracking system" },
          { text: "Synthetic checks running every 60 s from 3 regions" },
          { text: "BigQuery archive sink connected and ingesting" },
        ],
      },
      {
        title: "8. Deployment",
        signOff: ["SRE", "Platform"],
        lines: [
          { text: "Two Cloud Run services (api + workers) deployed via CI from main only" },
          { text: "Canary release: 10% → 50% → 100% traffic shift with bake intervals" },
          { text: "Migration job runs pre-deploy; failure halts pipeline" },
          { text: "Rollback runbook tested (last quarter)" },
          { text: "Health and readiness probes configured" },
          { text: "Resource limits set (CPU, mem) per DEPLOYMENT_TOPOLOGY.md §2" },
          { text: "Cloud Scheduler entries deployed for all worker cron jobs" },
          { text: "Outbox relay configured for maintenance.outbox table" },
        ],
      },
      {
        title: "9. Desktop & sync integration",
        signOff: ["Desktop lead"],
        lines: [
          { text: "SYNC_CONTRACT.md accepted by Desktop team" },
          { text: "Pull payload size verified at < 200 KB compressed for typical property" },
          { text: "Push commands accept the canonical command set; rejected commands return clear error codes" },
          { text: "Conflict log entry surfaced in desktop \"Sync issues\" view" },
          { text: "Offline UX walkthrough recorded and approved" },
          { text: "Clock skew warning UX implemented" },
        ],
      },
      {
        title: "10. AI integration",
        signOff: ["AI/ML lead"],
        lines: [
          { text: "All capabilities registered with ai-orchestrator-service" },
          { text: "Provenance persisted on every AI-influenced field" },
          { text: "HITL flow implemented in BFF for severity and vendor-message-draft" },
          { text: "Per-tenant budget configured; soft-cap and hard-cap behaviour verified" },
          { text: "PII redaction verified in audit trail samples" },
          { text: "Model rollback procedure documented and tested" },
        ],
      },
      {
        title: "11. Operations",
        signOff: ["Support", "On-call"],
        lines: [
          { text: "On-call rotation defined; PagerDuty integration tested" },
          { text: "Runbooks linked from every alert" },
          { text: "Tenant onboarding runbook tested in staging" },
          { text: "Tenant offboarding (data export + erasure) runbook tested" },
          { text: "Customer-support runbooks for common issues drafted (vendor no-show, OOO not lifting, AI suggestion wrong)" },
          { text: "Dependency map up to date in service catalog" },
        ],
      },
      {
        title: "12. Compliance",
        signOff: ["Compliance", "Legal"],
        lines: [
          { text: "Data retention configured per DATA_MODEL.md §5" },
          { text: "Vendor invoice files retained 7 years (regulated)" },
          { text: "Audit events retained per platform policy" },
          { text: "GDPR: erasure flow tested for vendor records" },
          { text: "Data residency: confirmed all production storage in europe-west1" },
          { text: "DPIA on file (Data Protection Impact Assessment)" },
        ],
      },
      {
        title: "13. Capacity & cost",
        signOff: ["Finance ops", "SRE"],
        lines: [
          { text: "Capacity plan in DEPLOYMENT_TOPOLOGY.md §9 reviewed" },
          { text: "Cloud SQL sized for 2× expected peak" },
          { text: "Cloud Run min/max instances set per environment" },
          { text: "AI cost guardrails configured per tenant" },
          { text: "BigQuery storage cost projection within budget" },
        ],
      },
      {
        title: "14. Communication",
        signOff: ["Product", "Marketing ops"],
        lines: [
          { text: "Service announcement drafted for internal Slack" },
          { text: "Customer-facing changelog entry drafted" },
          { text: "Backoffice product team trained on the new operations" },
          { text: "Vendor outreach playbook updated (WhatsApp/SMS templates approved)" },
        ],
      },
    ],
  },
];

/** A checklist line with what decides it: the gates that automate it, or nobody (manual). */
export interface ChecklistItem extends ChecklistLineData {
  /** "000/Security/3": stable across runs, used in report anchors and SARIF. */
  readonly id: string;
  readonly seed: SeedId;
  readonly section: string;
  /** Gate names (catalog order) whose `sources` name this line; empty for a manual line. */
  readonly gates: readonly string[];
}

export interface ChecklistSection {
  readonly title: string;
  readonly items: readonly ChecklistItem[];
  readonly signOff?: readonly string[];
}

export interface Checklist extends Omit<ChecklistData, "sections"> {
  readonly sections: readonly ChecklistSection[];
}

function sourceKey(seed: string, section: string, line: string): string {
  return `${seed}\u0000${section}\u0000${line}`;
}

function build(): { checklists: readonly Checklist[]; unmatched: readonly (SourceLine & { gate: string })[] } {
  const bySource = new Map<string, string[]>();
  for (const g of GATES) {
    for (const s of g.sources) {
      const k = sourceKey(s.seed, s.section, s.line);
      const list = bySource.get(k) ?? [];
      if (!list.includes(g.name)) list.push(g.name);
      bySource.set(k, list);
    }
  }
  const matched = new Set<string>();
  const checklists = CHECKLIST_DATA.map((c) => ({
    ...c,
    sections: c.sections.map((s) => ({
      title: s.title,
      signOff: s.signOff,
      items: s.lines.map((l, i) => {
        const k = sourceKey(c.seed, s.title, l.text);
        if (bySource.has(k)) matched.add(k);
        return { ...l, id: `${c.seed}/${s.title}/${i + 1}`, seed: c.seed, section: s.title, gates: bySource.get(k) ?? [] };
      }),
    })),
  }));
  const unmatched = GATES.flatMap((g) =>
    g.sources.filter((s) => !matched.has(sourceKey(s.seed, s.section, s.line))).map((s) => ({ ...s, gate: g.name })),
  );
  return { checklists, unmatched };
}

const BUILT = build();

/** The three checklists, in seed order, with each line's automating gates. */
export const CHECKLISTS: readonly Checklist[] = BUILT.checklists;

/** Catalog sources that name no line of the checklists (a typo in the catalog; must stay empty). */
export const UNMATCHED_SOURCES = BUILT.unmatched;

/** Every line of every checklist, in document order. */
export function allItems(): readonly ChecklistItem[] {
  return CHECKLISTS.flatMap((c) => c.sections.flatMap((s) => s.items));
}

/** The checklist whose service is `service`. */
export function checklistOf(service: string): Checklist | undefined {
  return CHECKLISTS.find((c) => c.service === service);
}

/** The checklist lines a gate automates ("002 · 5. Storage & migrations · Backups: ..."). */
export interface GateLine {
  readonly checklist: SeedId;
  readonly service: string;
  readonly section: string;
  readonly line: string;
}

export function gateLines(gate: string): readonly GateLine[] {
  const g = GATES.find((x) => x.name === gate);
  if (!g) return [];
  return g.sources.map((s) => ({ checklist: s.seed, service: SEEDS[s.seed].service, section: s.section, line: s.line }));
}
