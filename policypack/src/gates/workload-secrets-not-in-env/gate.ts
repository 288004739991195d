/** The `workload-secrets-not-in-env` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { workloadSecretsNotInEnv as legacy } from "../../policies/workloads";

export const meta = defineMeta({
  name: "workload-secrets-not-in-env",
  title: "No secrets in environment variables",
  area: "workloads",
  kind: "resource",
  severity: "critical",
  level: "mandatory",
  proves:
    "No literal secret-looking value in container env (by name and by value shape); in strict mode no secret delivered through env at all: secrets are mounted from Secret Manager.",
  remediation:
    "Remove the literal value; mount the secret from Secret Manager (Secrets Store CSI driver volume on GKE, secret volume on Cloud Run).",
  sources: [
    { seed: "000", section: "Code Quality", line: "No hardcoded secrets or credentials" },
    { seed: "002", section: "6. Security", line: "Secrets in Secret Manager, never in env vars" },
  ],
});

export const workloadSecretsNotInEnv = withMeta(meta, legacy);
