/**
 * The workload view as the workload gates read it: the workload of a resource (unless it delegates
 * its pod template), a resource gate over those workloads, their containers with undecided
 * reporting, and a container's image matched against a settings list of image substrings.
 */
import { asString, valueAt, type ResourceView } from "../access";
import { Workload, type ContainerView } from "../access/k8s";
import { resourceGate, type Reporter, type ResourceRule } from "../engine/rule";
import { reportUndecided } from "./undecided";

/** The workload view, unless the resource has no pod template of its own. */
export function workloadOf(r: ResourceView): Workload | undefined {
  const w = Workload.of(r);
  return w && !w.delegates() ? w : undefined;
}

/** A workload gate's declaration: a resource gate's, with a check of the workload view. */
export type WorkloadGate<S> = Omit<ResourceRule<S>, "kind" | "gate" | "check"> & {
  check(w: Workload, settings: S, report: Reporter): void;
};

/** A resource gate whose check sees the workload view of each resource that has a pod template of its own (see workloadOf). */
export function workloadGate<S>({ check, ...gate }: WorkloadGate<S>): ResourceRule<S> {
  return resourceGate({
    ...gate,
    check(r, s, report) {
      const w = workloadOf(r);
      if (w) check(w, s, report);
    },
  });
}

/** Containers of a workload; reports undecided (and returns the known part) when the list is unknown. */
export function containersOf(w: Workload, report: Reporter, opts: { init?: boolean } = {}): readonly ContainerView[] {
  const cs = w.containers(opts);
  if (cs.unknown) reportUndecided(report, w.r, `'${cs.unknown}'`);
  return cs.list;
}

/** The container's image, when it is a known string. */
export function imageOf(c: ContainerView): string | undefined {
  return asString(valueAt(c.raw, "image"));
}

/** True when the container's image contains one of the patterns (substring match). */
export function imageMatches(c: ContainerView, patterns: readonly string[]): boolean {
  const image = imageOf(c);
  return image !== undefined && patterns.some((p) => image.includes(p));
}
