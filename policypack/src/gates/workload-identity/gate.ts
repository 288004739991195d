/**
 * The `workload-identity` gate: its catalog record, settings and check. Workload Identity end to
 * end: GKE cluster and node pools (./clusters.ts), every service pod's Kubernetes ServiceAccount
 * bound to a Google service account, Cloud Run services and jobs and Cloud Functions running as their
 * own service account, Compute instances and templates with a dedicated service account (lib/compute.ts).
 */
import { z } from "zod";
import { asString, show, T, type ResourceView, type StackView } from "../../access";
import { GOOGLE_RUN_TYPES, K8S_WORKLOAD_TYPES, type Workload } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { stackGate, violation, type Reporter } from "../../engine/rule";
import { checkComputeIdentity, COMPUTE_TYPES, DEFAULT_SA } from "../../lib/compute";
import { reportUndecided } from "../../lib/undecided";
import { workloadOf } from "../../lib/workloads";
import { checkCluster, checkNodePool } from "./clusters";

export const meta = defineMeta({
  name: "workload-identity",
  title: "Workload Identity",
  area: "identity-gateway",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "GKE clusters have Workload Identity, node pools use the GKE metadata server, every service pod runs as a Kubernetes ServiceAccount bound to a Google service account; Cloud Run services and jobs and Cloud Functions of a service, and every Compute instance and instance template, run as a dedicated service account (not the default compute or App Engine one).",
  remediation:
    "Set workloadIdentityConfig.workloadPool on the cluster, nodeConfig.workloadMetadataConfig.mode: GKE_METADATA on node pools, and run pods as a ServiceAccount annotated iam.gke.io/gcp-service-account.",
  sources: [{ seed: "002", section: "6. Security", line: "Workload Identity used for all GCP API calls; no static SA keys" }],
});

export const settings = z.strictObject({});

const WI_ANNOTATION = "iam.gke.io/gcp-service-account";

/** The Kubernetes ServiceAccount a pod runs as: the one it names, or the one its spec depends on. */
function podServiceAccount(
  stack: StackView,
  w: Workload,
  accounts: ReadonlyMap<string, ResourceView>,
): { kind: "unknown" } | { kind: "default"; found: string } | { kind: "missing"; name: string } | { kind: "found"; sa: ResourceView; name: string } {
  const { lookup: l, path } = w.serviceAccount();
  if (l.kind === "unknown") {
    const dep = stack.dependsOnType(w.r, w.dependencyProp, T.k8sServiceAccount);
    return dep ? { kind: "found", sa: dep, name: dep.k8sName() } : { kind: "unknown" };
  }
  const name = l.kind === "known" ? asString(l.value) : undefined;
  if (name === undefined || name === "" || name === "default") return { kind: "default", found: `${path} ${name === undefined ? "not set (runs as 'default')" : show(name)}` };
  const sa = accounts.get(`${w.r.namespace()}/${name}`);
  return sa ? { kind: "found", sa, name } : { kind: "missing", name };
}

function checkPod(stack: StackView, w: Workload, service: string, accounts: ReadonlyMap<string, ResourceView>, report: Reporter): void {
  const r = w.r;
  if (w.podSpec().kind === "unknown") return reportUndecided(report, r, `'${w.podSpecPath}'`, service);
  const ns = r.namespace();
  const pod = podServiceAccount(stack, w, accounts);
  const fixSa = `create a ServiceAccount in namespace ${show(ns)} annotated ${WI_ANNOTATION}: <name>@<project>.iam.gserviceaccount.com (with a roles/iam.workloadIdentityUser binding) and set ${w.serviceAccount().path} to it`;
  if (pod.kind === "unknown") return reportUndecided(report, r, `'${w.serviceAccount().path}'`, service);
  if (pod.kind === "default") {
    report({ subject: r, service, message: violation(r.display(), `service '${service}' pods run as the namespace's default ServiceAccount, not one bound to a Google service account`, pod.found, fixSa) });
    return;
  }
  if (pod.kind === "missing") {
    report({
      subject: r,
      service,
      message: violation(
        r.display(),
        `service '${service}' pods run as ServiceAccount ${show(pod.name)}, which is not in the stack (namespace ${show(ns)}), so its Workload Identity binding cannot be proved`,
        `no kubernetes:core/v1:ServiceAccount ${ns}/${pod.name}`,
        fixSa,
      ),
    });
    return;
  }
  if (pod.sa.unknown("metadata.annotations")) return reportUndecided(report, r, `the annotations of ${pod.sa.display()}`, service);
  const ann = pod.sa.get(["metadata", "annotations", WI_ANNOTATION]);
  if (ann.kind === "unknown") return; // set, to a value computed at apply (a Google service account's email)
  const email = ann.kind === "known" ? asString(ann.value) : undefined;
  if (email === undefined || email.trim() === "" || DEFAULT_SA.test(email)) {
    report({
      subject: r,
      service,
      message: violation(
        r.display(),
        `service '${service}' pods run as ServiceAccount ${show(pod.name)}, which is not bound to a dedicated Google service account`,
        `${pod.sa.display()} annotation ${WI_ANNOTATION} ${show(email)}`,
        `annotate ${pod.sa.display()} with ${WI_ANNOTATION}: <name>@<project>.iam.gserviceaccount.com (not a default service account)`,
      ),
    });
  }
}

/** What a Google-run workload is called in messages, and the default account it runs as without one. */
function googleRunText(w: Workload): { what: string; default: string } {
  switch (w.kind) {
    case "CloudRunJob":
      return { what: "Cloud Run job", default: "the default compute service account" };
    case "FunctionV1":
      return { what: "Cloud Function", default: "the App Engine default service account" };
    case "FunctionV2":
      return { what: "Cloud Function", default: "the default compute service account" };
    default:
      return { what: "Cloud Run service", default: "the default compute service account" };
  }
}

/** Cloud Run (v2 and v1) and Cloud Functions (v1 and v2): a service account of their own, not a default one. */
function checkGoogleRun(stack: StackView, w: Workload, service: string, report: Reporter): void {
  const r = w.r;
  const { lookup: l, path } = w.serviceAccount();
  if (l.kind === "unknown") {
    if (stack.dependsOnType(r, w.serviceAccountDependencyProp, T.gcpServiceAccount)) return; // the email of a service account of this stack
    return reportUndecided(report, r, `'${path}'`, service);
  }
  const email = l.kind === "known" ? asString(l.value) : undefined;
  if (email !== undefined && email.trim() !== "" && !DEFAULT_SA.test(email)) return;
  const text = googleRunText(w);
  report({
    subject: r,
    service,
    message: violation(
      r.display(),
      `service '${service}' ${text.what} runs as ${w.platform === "functions" && email !== undefined ? "a default service account" : text.default}`,
      `${path} ${email === undefined ? `not set (${text.default})` : show(email)}`,
      `create a gcp.serviceaccount.Account for the service and set ${path} to its email`,
    ),
  });
}

export const workloadIdentity = stackGate({
  meta,
  settings,
  check(stack, _s, report) {
    for (const c of stack.ofType(T.gkeCluster)) checkCluster(c, report);
    for (const np of stack.ofType(T.gkeNodePool)) checkNodePool(stack, np, report);
    const accounts = new Map<string, ResourceView>();
    for (const sa of stack.ofType(T.k8sServiceAccount)) accounts.set(`${sa.namespace()}/${sa.k8sName()}`, sa);
    for (const r of stack.ofType(...K8S_WORKLOAD_TYPES, ...GOOGLE_RUN_TYPES)) {
      const service = stack.serviceOf(r);
      const w = workloadOf(r);
      if (!service || !w) continue;
      if (w.platform === "kubernetes") checkPod(stack, w, service, accounts, report);
      else checkGoogleRun(stack, w, service, report);
    }
    for (const r of stack.ofType(...COMPUTE_TYPES)) checkComputeIdentity(stack, r, report);
  },
});
