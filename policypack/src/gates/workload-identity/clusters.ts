/** Workload Identity on GKE: the cluster's workload pool and every node pool's metadata server. */
import { asString, lookup, show, valueAt, type ResourceView } from "../../access";
import { violation, type Reporter } from "../../engine/rule";
import { reportUndecided } from "../../lib/undecided";

/** Checks one node config's metadata mode. Returns a problem, "unknown", or undefined when fine. */
function metadataMode(root: unknown, path: string): string | "unknown" | undefined {
  const l = lookup(root, `${path}.workloadMetadataConfig.mode`);
  if (l.kind === "unknown") return "unknown";
  const mode = l.kind === "known" ? asString(l.value) : undefined;
  if (mode === "GKE_METADATA") return undefined;
  return `${path}.workloadMetadataConfig.mode ${mode === undefined ? "not set" : show(mode)}`;
}

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

export function checkNodePool(np: ResourceView, report: Reporter): void {
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
