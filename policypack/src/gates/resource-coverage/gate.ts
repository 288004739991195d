/** The `resource-coverage` gate: its catalog record, settings and check. */
import { z } from "zod";
import { T, type ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, violation, type Rule, type StackRule } from "../../engine/rule";
import { CHILD_RENDERING_COMPONENTS, unknownDataBearingTypes, type ChildRendering } from "../../lib/coverage";

export const meta = defineMeta({
  name: "resource-coverage",
  title: "Nothing escapes the gates unseen",
  area: "pack",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "No resource of the stack hides what it deploys from the gates: no Helm v3 Release (its objects are never shown to a policy pack), no Helm chart, YAML group or kustomize directory whose children are not in the stack, and no data-bearing GCP or Kubernetes resource of a type no gate knows, unless the team accepts it with a reason. A stack is never ready by omission.",
  remediation:
    "Deploy charts with kubernetes.helm.v4.Chart rather than a helm.v3.Release; offline, pass the chart's `helm template` output with `readiness check --rendered <chart>=<file>`; accept what stays opaque in the gate's acceptOpaque setting with a reason, or waive one resource with a justification.",
  sources: [],
});

const Accepted = z
  .strictObject({
    /** A type token every resource of which is accepted, e.g. "kubernetes:core/v1:PersistentVolumeClaim". */
    type: z.string().min(1).optional(),
    /** A resource's Pulumi name (exact). */
    name: z.string().min(1).optional(),
    /** Why the team accepts that the gates do not see into it (shown in the config, required). */
    reason: z.string().trim().min(10, { message: "must say why (at least 10 characters)" }),
  })
  .refine((a) => (a.type === undefined) !== (a.name === undefined), { message: 'give exactly one of "type" or "name". Fix: one entry per type or per resource' });

export const settings = z.strictObject({
  /** What the team accepts as opaque: by type token or by resource name, each with its reason. */
  acceptOpaque: z.array(Accepted).default([]),
});

type Settings = z.infer<typeof settings>;

/** The last part of a fix: accept the resource by name, or waive it. */
function acceptFix(name: string): string {
  return `or accept it in resource-coverage's acceptOpaque ({"name": "${name}", "reason": <why>}), or waive it with a justification (README "Waivers")`;
}

function accepted(r: ResourceView, s: Settings): boolean {
  return s.acceptOpaque.some((a) => a.type === r.type || a.name === r.name);
}

/**
 * The gate over the other rules of the pack: a data-bearing type is known when one of `rules`
 * declares it (built once, when the pack's rule list is built).
 */
/** The components whose objects are registered as their children. */
const COMPONENT_TYPES: readonly string[] = Object.keys(CHILD_RENDERING_COMPONENTS);

export function resourceCoverage(rules: readonly Rule[]): StackRule<Settings> {
  const unknownData: readonly string[] = [...unknownDataBearingTypes(rules)];
  return stackGate({
    meta,
    settings,
    check(stack, s, report) {
      // Looked up through the view's type index, not by a walk over every resource: most stacks
      // hold none of these, and a 50,000-resource AnalyzeStack pays for every full pass.
      for (const r of stack.ofType(T.helmReleaseV3)) {
        if (accepted(r, s)) continue;
        report({
          subject: r,
          message: violation(
            r.display(),
            "is a Helm v3 Release: Helm creates the chart's objects inside the Kubernetes provider, so they are never resources of the stack, not even in `pulumi preview`, and no gate checks them",
            undefined,
            `deploy the chart with kubernetes.helm.v4.Chart, whose objects are resources the gates check; or check its objects offline with \`readiness check --rendered ${r.name}=<file>\` (its \`helm template\` output) and then accept the Release in resource-coverage's acceptOpaque ({"name": "${r.name}", "reason": <why>}), or waive it with a justification (README "Waivers")`,
          ),
        });
      }
      const components = stack.ofType(...COMPONENT_TYPES);
      if (components.length > 0) {
        const parents = new Set<string>();
        for (const r of stack.resources) {
          const p = r.parentUrn();
          if (p !== undefined) parents.add(p);
        }
        for (const r of components) {
          const c = CHILD_RENDERING_COMPONENTS[r.type] as ChildRendering;
          if (parents.has(r.urn) || accepted(r, s)) continue;
          report({
            subject: r,
            message: violation(
              r.display(),
              `is a ${c.what} with no children in the stack, so no gate sees the objects it deploys`,
              "0 child resources",
              `in \`pulumi preview\` its children are resources when ${c.inPreview}; offline, pass ${c.rendered} with \`readiness check --rendered ${r.name}=<file|dir>\`; ${acceptFix(r.name)}`,
            ),
          });
        }
      }
      for (const r of stack.ofType(...unknownData)) {
        if (accepted(r, s)) continue;
        report({
          subject: r,
          message: violation(
            r.display(),
            "holds data, but no gate of the pack knows its type, so nothing checks its location, encryption or retention",
            undefined,
            `accept the type in resource-coverage's acceptOpaque with the reason it is safe ({"type": "${r.type}", "reason": <why>}), or waive this resource with a justification (README "Waivers")`,
          ),
        });
      }
    },
  });
}
