/** The `workload-image-provenance` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asString, show } from "../../access";
import { containerGet, WORKLOAD_TYPES, type Workload } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { violation, type Reporter } from "../../engine/rule";
import { reportUndecided } from "../../lib/undecided";
import { containersOf, workloadGate } from "../../lib/workloads";

export const meta = defineMeta({
  name: "workload-image-provenance",
  title: "Images from Artifact Registry, pinned by digest",
  area: "workloads",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves:
    "Images come from the approved Artifact Registry and are pinned by digest; Cloud Functions store the image built from their source in an approved Artifact Registry repository (dockerRepository).",
  remediation: "Use europe-west1-docker.pkg.dev/<project>/<repo>/<image>@sha256:<digest>.",
  sources: [{ seed: "000", section: "Deployment", line: "Docker image built and pushed to registry" }],
});

export const settings = z.strictObject({
  approvedRegistries: z
    .array(
      z.string().regex(/^[a-z0-9-]+-docker\.pkg\.dev\/([a-z0-9._-]+\/)*$/, {
        message: 'must be an Artifact Registry prefix ending in "/", such as "europe-west1-docker.pkg.dev/acme-prod/services/". Fix: use <region>-docker.pkg.dev/<project>/<repository>/.',
      }),
    )
    .min(1)
    .default(["europe-west1-docker.pkg.dev/"]),
});

type ProvenanceSettings = z.infer<typeof settings>;

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** What is wrong with an image reference, if anything. */
export function imageProblems(image: string, approved: readonly string[]): string[] {
  const problems: string[] = [];
  const host = image.split("/")[0] ?? "";
  if (!/^[a-z0-9-]+-docker\.pkg\.dev$/.test(host)) {
    problems.push(`it does not come from Artifact Registry (registry ${show(image.includes("/") && /[.:]/.test(host) ? host : "docker.io (implicit)")})`);
  } else if (!approved.some((p) => image.startsWith(p))) {
    problems.push(`its repository is not an approved one (${approved.map((p) => show(p)).join(", ")})`);
  }
  if (!DIGEST.test(image)) problems.push("it is not pinned by digest (@sha256:<64 hex>)");
  return problems;
}

/** "projects/p/locations/europe-west1/repositories/r" → "europe-west1-docker.pkg.dev/p/r/" (undefined when not that form). */
export function repositoryPrefix(repo: string): string | undefined {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/repositories\/([^/]+)$/.exec(repo.trim());
  return m ? `${(m[2] as string).toLowerCase()}-docker.pkg.dev/${m[1] as string}/${m[3] as string}/` : undefined;
}

/**
 * A function's image is built by Cloud Build from its source and pushed to dockerRepository (v1)
 * or buildConfig.dockerRepository (v2); unset, Google uses its own gcf-artifacts repository.
 * The repository must be under an approved prefix. Digest pinning does not apply: the pack
 * cannot see the image built at deploy.
 */
function checkFunction(w: Workload, s: ProvenanceSettings, report: Reporter): void {
  const r = w.r;
  const field = w.kind === "FunctionV1" ? "dockerRepository" : "buildConfig.dockerRepository";
  const l = r.get(field);
  if (l.kind === "unknown") return reportUndecided(report, r, `'${field}'`);
  const repo = l.kind === "known" ? asString(l.value) : undefined;
  const prefix = repo === undefined ? undefined : repositoryPrefix(repo);
  if (prefix !== undefined && s.approvedRegistries.some((p) => prefix.startsWith(p))) return;
  report({
    message: violation(
      r.display(),
      `function's image is not stored in an approved Artifact Registry repository: ${
        repo === undefined
          ? "no dockerRepository, so Google's default gcf-artifacts repository is used"
          : prefix === undefined
            ? "it is not a repository name (projects/<project>/locations/<region>/repositories/<repository>)"
            : `${show(prefix)} is not under an approved prefix (${s.approvedRegistries.map((p) => show(p)).join(", ")})`
      }`,
      `${field} ${show(repo)}`,
      `set ${field} to projects/<project>/locations/<region>/repositories/<repository> of a repository under ${s.approvedRegistries[0]}`,
    ),
  });
}

export const workloadImageProvenance = workloadGate({
  meta,
  types: WORKLOAD_TYPES,
  settings,
  check(w, s: ProvenanceSettings, report) {
    if (w.platform === "functions") return checkFunction(w, s, report);
    const r = w.r;
    for (const c of containersOf(w, report)) {
      const l = containerGet(c, "image");
      if (l.kind === "unknown") {
        reportUndecided(report, r, `the image of ${c.label} ('${c.path}.image')`);
        continue;
      }
      const image = l.kind === "known" ? asString(l.value) : undefined;
      const problems = image === undefined ? ["it names no image"] : imageProblems(image, s.approvedRegistries);
      if (problems.length === 0) continue;
      report({
        message: violation(
          r.display(),
          `${c.label}: its image is not from the approved registry pinned by digest: ${problems.join("; ")}`,
          `${c.path}.image ${show(image)}`,
          `push the image to ${s.approvedRegistries[0]}<project>/<repository>/ and reference it as <image>@sha256:<digest>`,
        ),
      });
    }
  },
});
