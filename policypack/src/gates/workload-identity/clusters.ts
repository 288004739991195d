/**
 * Workload Identity on GKE: the cluster's workload pool and every node pool's metadata server.
 *
 * A node pool that does not set `nodeConfig.workloadMetadataConfig.mode` inherits the cluster's
 * default: GKE runs the GKE metadata server (GKE_METADATA) on node pools created in a cluster with
 * Workload Identity enabled ("When you enable Workload Identity Federation for GKE on a cluster,
 * new node pools use the GKE metadata server by default", GKE docs, "Use Workload Identity
 * Federation for GKE"; Autopilot always does). An explicit mode other than GKE_METADATA
 * (GCE_METADATA) opts out and stays a violation.
 */
import { asString, lookup, show, T, valueAt, type ResourceView, type StackView } from "../../access";
import { violation, type Reporter } from "../../engine/rule";
import { reportUndecided } from "../../lib/undecided";

/** Checks one node config's metadata mode. Returns a problem, "unknown", "inherits" when not set, or undefined when fine. */
function metadataMode(root: unknown, path: string): string | "unknown" | "inherits" | undefined {
  const l = lookup(root, `${path}.workloadMetadataConfig.mode`);
  if (l.kind === "unknown") return "unknown";
  if (l.kind === "absent") return "inherits";
  const mode = asString(l.value);
  if (mode === "GKE_METADATA") return undefined;
  return `${path}.workloadMetadataConfig.mode ${show(mode)}`;
}

/** What a cluster gives node pools that set no metadata mode: GKE_METADATA (Workload Identity or Autopilot), not, or unknown at preview. */
export function clusterDefault(c: ResourceView): "GKE_METADATA" | "none" | "unknown" {
  if (c.unknown("enableAutopilot")) return "unknown";
  if (c.bool("enableAutopilot") === true) return "GKE_METADATA";
  const pool = c.get("workloadIdentityConfig.workloadPool");
  if (pool.kind === "unknown") return "unknown";
  const v = pool.kind === "known" ? asString(pool.value)?.trim() : undefined;
  return v ? "GKE_METADATA" : "none";
}

const NOT_SET = "workloadMetadataConfig.mode not set";

export function checkCluster(c: ResourceView, report: Reporter): void {
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
  const inherited = clusterDefault(c);
  /** A pool without mode: fine in a Workload Identity cluster; unknown with the cluster's pool (already reported undecided). */
  const absent = (path: string): string | undefined => (inherited === "none" ? `${path}.${NOT_SET} (the cluster has no Workload Identity to inherit GKE_METADATA from)` : undefined);
  if (c.unknown("removeDefaultNodePool")) return reportUndecided(report, c, "'removeDefaultNodePool'");
  if (c.bool("removeDefaultNodePool") !== true) {
    const m = metadataMode(c.props, "nodeConfig");
    if (m === "unknown") reportUndecided(report, c, "'nodeConfig.workloadMetadataConfig.mode'");
    else if (m === "inherits") {
      const p = absent("nodeConfig");
      if (p) problems.push(`default node pool: ${p}`);
    } else if (m) problems.push(`default node pool: ${m}`);
  }
  const inline = c.get("nodePools");
  if (inline.kind === "unknown") reportUndecided(report, c, "'nodePools'");
  else if (inline.kind === "known" && Array.isArray(inline.value)) {
    inline.value.forEach((np, i) => {
      const m = metadataMode(np, "nodeConfig");
      const label = `node pool ${show(asString(valueAt(np, "name")) ?? `#${i}`)}`;
      if (m === "unknown") reportUndecided(report, c, `'nodePools[${i}].nodeConfig.workloadMetadataConfig.mode'`);
      else if (m === "inherits") {
        const p = absent(`nodePools[${i}].nodeConfig`);
        if (p) problems.push(`${label}: ${p}`);
      } else if (m) problems.push(`${label}: ${m.replace("nodeConfig", `nodePools[${i}].nodeConfig`)}`);
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

/** The last segment of a cluster reference: a name, an id or selfLink (".../clusters/<name>"). */
function clusterName(ref: string): string {
  const parts = ref.split("/");
  return parts[parts.length - 1] ?? ref;
}

/** A location the pool's and the cluster's references can be compared by (undefined: unknown or not set). */
function locationOf(r: ResourceView): string | undefined {
  return r.unknown("location") ? undefined : r.str("location");
}

/**
 * The cluster of the stack a NodePool belongs to: `cluster` names it (its name, id or selfLink, and
 * the same location when both are set); a reference unknown at preview is settled by the pool's
 * dependency on a cluster. "unknown": the reference is unknown and nothing settles it.
 */
export function clusterOf(stack: StackView, np: ResourceView): ResourceView | "unknown" | undefined {
  const ref = np.get("cluster");
  if (ref.kind === "unknown") return stack.dependsOnType(np, "cluster", T.gkeCluster) ?? "unknown";
  const name = ref.kind === "known" ? asString(ref.value) : undefined;
  if (!name) return undefined;
  const want = clusterName(name);
  const loc = locationOf(np) ?? /\/locations\/([^/]+)\//.exec(name)?.[1];
  return stack.ofType(T.gkeCluster).find((c) => {
    const cname = c.str("name") ?? c.name;
    if (cname !== want) return false;
    const cloc = locationOf(c);
    return loc === undefined || cloc === undefined || cloc === loc;
  });
}

export function checkNodePool(stack: StackView, np: ResourceView, report: Reporter): void {
  let m = metadataMode(np.props, "nodeConfig");
  if (m === "unknown") return reportUndecided(report, np, "'nodeConfig.workloadMetadataConfig.mode'");
  if (m === "inherits") {
    const c = clusterOf(stack, np);
    if (c === "unknown") return reportUndecided(report, np, "'cluster' (the cluster whose metadata server the pool inherits)");
    const inherited = c ? clusterDefault(c) : undefined;
    if (inherited === "GKE_METADATA") return;
    if (inherited === "unknown") return reportUndecided(report, np, `whether its cluster ${(c as ResourceView).display()} has Workload Identity`);
    m = c
      ? `nodeConfig.${NOT_SET} and its cluster '${c.name}' has no Workload Identity to inherit GKE_METADATA from`
      : `nodeConfig.${NOT_SET} and its cluster ${show(np.value("cluster"))} is not in the stack, so inheriting GKE_METADATA cannot be proved`;
  }
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
