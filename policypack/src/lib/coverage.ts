/**
 * What the pack can see into, and what it cannot (the `resource-coverage` gate):
 * - a Helm v3 Release: Helm creates the chart's objects inside the provider; they are never
 *   resources of the stack, not even in a real `pulumi preview`;
 * - a chart or YAML group component: the provider (or the SDK) registers its objects as children
 *   of the component; when none are in the stack (the chart could not be rendered, offline or
 *   because helm could not fetch it), no gate saw them;
 * - a resource of a data-bearing type that no gate is defined over.
 */
import { T } from "../access/tokens";
import type { Rule } from "../engine/rule";
import { COMPUTE_TYPES } from "./compute";
import { GCP_DATA_BEARING_TYPES as DERIVED_DATA_BEARING, GCP_KEY_PATHS, GCP_LOCATION_FIELDS } from "./gcp-scope";

/** A component whose objects are registered as its children: how a message names it and renders it. */
export interface ChildRendering {
  /** "Helm v4 chart". */
  readonly what: string;
  /** What to pass to `--rendered` offline. */
  readonly rendered: string;
  /** Why its children may be missing from a real preview. */
  readonly inPreview: string;
}

const HELM = { rendered: "its `helm template` output", inPreview: "the chart can be fetched and rendered (its repository, version and values)" };
const YAML = { rendered: "its manifests", inPreview: "its files exist and its manifests are known at preview" };
const KUSTOMIZE = { rendered: "its `kustomize build` output", inPreview: "the directory exists and builds" };

/** Components whose objects are registered as their children (by the provider, or by the SDK for v1 types). */
export const CHILD_RENDERING_COMPONENTS: Readonly<Record<string, ChildRendering>> = {
  [T.helmChartV3]: { what: "Helm v3 chart", ...HELM },
  [T.helmChartV4]: { what: "Helm v4 chart", ...HELM },
  [T.configGroupV2]: { what: "yaml/v2 ConfigGroup", ...YAML },
  [T.configFileV2]: { what: "yaml/v2 ConfigFile", ...YAML },
  [T.configGroupV1]: { what: "yaml ConfigGroup", ...YAML },
  [T.configFileV1]: { what: "yaml ConfigFile", ...YAML },
  [T.kustomizeV1]: { what: "kustomize Directory", ...KUSTOMIZE },
  [T.kustomizeV2]: { what: "kustomize/v2 Directory", ...KUSTOMIZE },
};

/**
 * Google Cloud types that hold data: the set derived from the installed provider and reviewed
 * (policypack/src/lib/gcp-scope.ts, docs/gcp-scope.md): every type with a customer-managed-key
 * field that stores data, and the data types whose key is checked on their parent.
 */
export const GCP_DATA_BEARING_TYPES: readonly string[] = [...DERIVED_DATA_BEARING];

/**
 * Types whose data a stack gate checks although no resource rule declares them: cmek-required's
 * and data-residency's provider-derived scope, the Compute instances and templates whose disks
 * cmek-required checks (lib/compute.ts), and the data types stored in a parent those gates check
 * (a BigQuery table in its dataset, an object in its bucket).
 */
const STACK_GATE_SCOPE: readonly string[] = [
  ...GCP_KEY_PATHS.keys(),
  ...GCP_LOCATION_FIELDS.keys(),
  ...COMPUTE_TYPES,
  "gcp:bigquery/table:Table",
  "gcp:storage/bucketObject:BucketObject",
];

/**
 * Kubernetes types that hold data: volumes and their snapshots. Decided:
 * - a StatefulSet's volumeClaimTemplates are part of the StatefulSet, a type the workload gates
 *   know, so they are not reported apart (no gate checks the claims' storage class either);
 * - a StorageClass holds no data (it says how volumes are provisioned), so it is not listed;
 * - a Secret is known (the identity gates read it); a ConfigMap is configuration, not data.
 */
export const K8S_DATA_BEARING_TYPES: readonly string[] = [T.pvc, T.pv, T.volumeSnapshot];

export const DATA_BEARING_TYPES: readonly string[] = [...GCP_DATA_BEARING_TYPES, ...K8S_DATA_BEARING_TYPES];

/** The type tokens some gate is defined over: the resource rules' declared types, and the stack gates' scope. */
export function knownTypes(rules: readonly Rule[]): ReadonlySet<string> {
  const known = new Set<string>(STACK_GATE_SCOPE);
  for (const r of rules) if (r.kind === "resource") for (const t of r.types) known.add(t);
  return known;
}

/** The data-bearing types no rule of `rules` knows, in the order of DATA_BEARING_TYPES. */
export function unknownDataBearingTypes(rules: readonly Rule[]): ReadonlySet<string> {
  const known = knownTypes(rules);
  return new Set(DATA_BEARING_TYPES.filter((t) => !known.has(t)));
}
