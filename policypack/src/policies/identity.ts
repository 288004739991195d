/**
 * Identity gates: no static service-account keys, and Workload Identity end to end (GKE cluster,
 * node pools, every service pod's Kubernetes ServiceAccount bound to a Google service account;
 * Cloud Run services and jobs running as their own service account).
 */
import { z } from "zod";
import { asString, isRecord, lookup, show, T, typeFromUrn, valueAt, type ResourceView, type StackView } from "../access";
import { K8S_WORKLOAD_TYPES, Workload } from "../access/k8s";
import { resourceRule, stackRule, violation, type Reporter } from "../engine/rule";
import { reportUndecided } from "../lib/undecided";

// -------------------------------------------------------------- no-static-service-account-keys

/** True when a text is (or contains) a Google service-account key file. Never logs it. */
export function looksLikeServiceAccountKey(text: string): boolean {
  return /"type"\s*:\s*"service_account"/.test(text) || (/"private_key"\s*:/.test(text) && /"client_email"\s*:/.test(text));
}

/** Base64 decoding that never throws; undefined when the text is not base64. */
function fromBase64(v: string): string | undefined {
  const t = v.replace(/\s+/g, "");
  if (t === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, "base64").toString("utf8");
}

/** The data keys of a Kubernetes Secret that hold a service-account key, and whether any value is unknown. */
function saKeyEntries(r: ResourceView): { keys: string[]; unknown: boolean } {
  const keys: string[] = [];
  let unknown = false;
  for (const [field, encoded] of [
    ["stringData", false],
    ["data", true],
  ] as const) {
    const l = r.get(field);
    if (l.kind === "unknown") {
      unknown = true;
      continue;
    }
    if (l.kind !== "known" || !isRecord(l.value)) continue;
    for (const key of Object.keys(l.value)) {
      const vl = lookup(l.value, [key]);
      if (vl.kind === "unknown") {
        unknown = true;
        continue;
      }
      const raw = vl.kind === "known" ? asString(vl.value) : undefined;
      if (raw === undefined) continue;
      const text = encoded ? (fromBase64(raw) ?? raw) : raw;
      if (looksLikeServiceAccountKey(text) || (key.toLowerCase().endsWith(".json") && /"private_key"\s*:/.test(text))) {
        keys.push(`${field}.${key}`);
      }
    }
  }
  return { keys, unknown };
}

export const noStaticServiceAccountKeys = resourceRule({
  gate: "no-static-service-account-keys",
  types: [T.serviceAccountKey, T.k8sSecret],
  settings: z.strictObject({}),
  check(r, _s, report) {
    if (r.type === T.serviceAccountKey) {
      const sa = r.get("serviceAccountId");
      report({
        message: violation(
          r.display(),
          "creates a static service-account key (a long-lived credential that can leak and is never rotated by Google)",
          `serviceAccountId ${sa.kind === "known" ? show(sa.value) : sa.kind === "unknown" ? "<unknown until apply>" : "not set"}`,
          "delete the key; let the workload authenticate through Workload Identity (a Kubernetes ServiceAccount annotated iam.gke.io/gcp-service-account, or the Cloud Run service account)",
        ),
      });
      return;
    }
    const found = saKeyEntries(r);
    if (found.keys.length > 0) {
      report({
        message: violation(
          r.display(),
          `Kubernetes Secret holds a Google service-account key in ${found.keys.join(", ")}`,
          "a service-account key file (not shown)",
          "delete the Secret and disable the key in IAM; use Workload Identity instead of a key file",
        ),
      });
      return;
    }
    // Data unknown at preview comes from another resource of this stack: when the dependencies are
    // known, a Key among them settles it; otherwise the Key resource itself is reported above.
    if (found.unknown && r.input.dependencies !== undefined) {
      const key = [...r.dependenciesOf("data"), ...r.dependenciesOf("stringData")].find((u) => typeFromUrn(u) === T.serviceAccountKey);
      if (key) {
        report({
          message: violation(
            r.display(),
            "Kubernetes Secret is filled from a static service-account key created in this stack",
            `data from ${show(key)}`,
            "delete the Secret and the key; use Workload Identity instead of a key file",
          ),
        });
      }
    }
  },
});

// ------------------------------------------------------------------------- workload-identity

const DEFAULT_SA = /(-compute@developer\.gserviceaccount\.com|@appspot\.gserviceaccount\.com)$/;
const WI_ANNOTATION = "iam.gke.io/gcp-service-account";

/** Checks one node config's metadata mode. Returns a problem, "unknown", or undefined when fine. */
function metadataMode(root: unknown, path: string): string | "unknown" | undefined {
  const l = lookup(root, `${path}.workloadMetadataConfig.mode`);
  if (l.kind === "unknown") return "unknown";
  const mode = l.kind === "known" ? asString(l.value) : undefined;
  if (mode === "GKE_METADATA") return undefined;
  return `${path}.workloadMetadataConfig.mode ${mode === undefined ? "not set" : show(mode)}`;
}

function checkCluster(c: ResourceView, report: Reporter): void {
  if (c.unknown("enableAutopilot")) return reportUndecided(report, c, "'enableAutopilot'");
  if (c.bool("enableAutopilot") === true) return; // Autopilot always runs Workload Identity and the GKE metadata server
  const pool = c.get("workloadIdentityConfig.workloadPool");
  if (pool.kind === "unknown") reportUndecided(report, c, "'workloadIdentityConfig.workloadPool'");
  else if (pool.kind === "absent" || asString(pool.value)?.trim() === "" || asString(pool.value) === undefined) {
    report({
      subject: c,
      message: violation(
        c.display(),
        "GKE cluster does not have Workload Identity enabled",
        `workloadIdentityConfig.workloadPool ${show(pool.kind === "known" ? pool.value : undefined)}`,
        'set workloadIdentityConfig.workloadPool: "<project>.svc.id.goog"',
      ),
    });
  }
  const problems: string[] = [];
  if (c.unknown("removeDefaultNodePool")) return reportUndecided(report, c, "'removeDefaultNodePool'");
  if (c.bool("removeDefaultNodePool") !== true) {
    const m = metadataMode(c.props, "nodeConfig");
    if (m === "unknown") reportUndecided(report, c, "'nodeConfig.workloadMetadataConfig.mode'");
    else if (m) problems.push(`default node pool: ${m}`);
  }
  const inline = c.get("nodePools");
  if (inline.kind === "unknown") reportUndecided(report, c, "'nodePools'");
  else if (inline.kind === "known" && Array.isArray(inline.value)) {
    inline.value.forEach((np, i) => {
      const m = metadataMode(np, "nodeConfig");
      if (m === "unknown") reportUndecided(report, c, `'nodePools[${i}].nodeConfig.workloadMetadataConfig.mode'`);
      else if (m) problems.push(`node pool ${show(asString(valueAt(np, "name")) ?? `#${i}`)}: ${m.replace("nodeConfig", `nodePools[${i}].nodeConfig`)}`);
    });
  }
  if (problems.length > 0) {
    report({
      subject: c,
      message: violation(
        c.display(),
        "GKE node pools do not use the GKE metadata server, so pods can read the node's credentials",
        problems.join("; "),
        'set nodeConfig.workloadMetadataConfig.mode: "GKE_METADATA" on every node pool (or removeDefaultNodePool: true and separate NodePools)',
      ),
    });
  }
}

function checkNodePool(np: ResourceView, report: Reporter): void {
  const m = metadataMode(np.props, "nodeConfig");
  if (m === "unknown") return reportUndecided(report, np, "'nodeConfig.workloadMetadataConfig.mode'");
  if (!m) return;
  report({
    subject: np,
    message: violation(
      np.display(),
      "GKE node pool does not use the GKE metadata server, so pods can read the node's credentials",
      m,
      'set nodeConfig.workloadMetadataConfig.mode: "GKE_METADATA"',
    ),
  });
}

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

function checkCloudRun(stack: StackView, w: Workload, service: string, report: Reporter): void {
  const r = w.r;
  const { lookup: l, path } = w.serviceAccount();
  if (l.kind === "unknown") {
    if (stack.dependsOnType(r, "template", T.gcpServiceAccount)) return; // the email of a service account of this stack
    return reportUndecided(report, r, `'${path}'`, service);
  }
  const email = l.kind === "known" ? asString(l.value) : undefined;
  if (email !== undefined && email.trim() !== "" && !DEFAULT_SA.test(email)) return;
  report({
    subject: r,
    service,
    message: violation(
      r.display(),
      `service '${service}' Cloud Run ${w.kind === "CloudRunJob" ? "job" : "service"} runs as the default compute service account`,
      `${path} ${email === undefined ? "not set (the default compute service account)" : show(email)}`,
      `create a gcp.serviceaccount.Account for the service and set ${path} to its email`,
    ),
  });
}

export const workloadIdentity = stackRule({
  gate: "workload-identity",
  settings: z.strictObject({}),
  check(stack, _s, report) {
    for (const c of stack.ofType(T.gkeCluster)) checkCluster(c, report);
    for (const np of stack.ofType(T.gkeNodePool)) checkNodePool(np, report);
    const accounts = new Map<string, ResourceView>();
    for (const sa of stack.ofType(T.k8sServiceAccount)) accounts.set(`${sa.namespace()}/${sa.k8sName()}`, sa);
    for (const r of stack.ofType(...K8S_WORKLOAD_TYPES, T.cloudRunService, T.cloudRunJob)) {
      const service = stack.serviceOf(r);
      const w = Workload.of(r);
      if (!service || !w || w.delegates()) continue;
      if (w.platform === "cloudrun") checkCloudRun(stack, w, service, report);
      else checkPod(stack, w, service, accounts, report);
    }
  },
});
