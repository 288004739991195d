/**
 * Which services the stack holds (`stackServices`), as every per-service stack gate reads them.
 * See docs/contract.md for the labels that make a resource part of a service.
 */
import { T, type ResourceView, type StackView } from "../access";
import { SERVING_TYPES } from "../access/k8s";
import { memoByObject } from "../memo";

/** Resources whose service label makes a service exist (they serve traffic or deliver it). */
const SERVICE_DECLARING_TYPES: readonly string[] = [...SERVING_TYPES, T.deployPipeline];

export interface ServiceEntry {
  readonly name: string;
  /**
   * The resource findings about the service name: the component that declares the service (the
   * topmost labelled ancestor of its first workload), else its "api" workload, else its first
   * workload, else its first pipeline.
   */
  readonly anchor: ResourceView;
  /** Serving workloads (Deployments, StatefulSets, Argo Rollouts, Cloud Run services). */
  readonly workloads: readonly ResourceView[];
  readonly pipelines: readonly ResourceView[];
}

/**
 * The services of the stack: every service name carried (own label or inherited from a parent)
 * by a serving workload or a Cloud Deploy pipeline. One pass over those types, cached per stack.
 */
export const stackServices: (stack: StackView) => ReadonlyMap<string, ServiceEntry> = memoByObject(buildStackServices);

function buildStackServices(stack: StackView): ReadonlyMap<string, ServiceEntry> {
  const building = new Map<string, { workloads: ResourceView[]; pipelines: ResourceView[] }>();
  for (const r of stack.ofType(...SERVICE_DECLARING_TYPES)) {
    const s = stack.serviceOf(r);
    if (!s) continue;
    let e = building.get(s);
    if (!e) building.set(s, (e = { workloads: [], pipelines: [] }));
    (r.type === T.deployPipeline ? e.pipelines : e.workloads).push(r);
  }
  const out = new Map<string, ServiceEntry>();
  for (const name of [...building.keys()].sort()) {
    const e = building.get(name) as { workloads: ResourceView[]; pipelines: ResourceView[] };
    out.set(name, { name, anchor: anchorOf(stack, name, e.workloads, e.pipelines), ...e });
  }
  return out;
}

const API_COMPONENT = new Set(["api", "server", "web"]);

function anchorOf(stack: StackView, service: string, workloads: readonly ResourceView[], pipelines: readonly ResourceView[]): ResourceView {
  const first = workloads[0];
  if (!first) return pipelines[0] as ResourceView;
  let root: ResourceView | undefined;
  let cur = stack.byUrn(first.parentUrn() ?? "");
  for (let depth = 0; cur && depth < 64; depth++) {
    if (cur.ownService() === service) root = cur;
    cur = stack.byUrn(cur.parentUrn() ?? "");
  }
  if (root) return root;
  const api = workloads.find((w) => {
    return API_COMPONENT.has(w.label("app.kubernetes.io/component") ?? w.label("component") ?? "");
  });
  return api ?? first;
}

/** "'a', 'b' and 2 more" for messages. */
export function names(rs: readonly ResourceView[], max = 4): string {
  const shown = rs.slice(0, max).map((r) => `'${r.name}'`);
  return rs.length > max ? `${shown.join(", ")} and ${rs.length - max} more` : shown.join(", ");
}
