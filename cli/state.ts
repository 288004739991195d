/**
 * Reads a `pulumi stack export` file (deployment version 3 or 4) into the shapes the pack's rules
 * see at preview: resource rules get a resource's inputs and its provider's inputs (Analyze), stack
 * rules get every resource's outputs with parent and dependencies (AnalyzeStack).
 *
 * What the engine sends, and so what this reader gives the rules (pulumi/pulumi v3.248.0; see
 * docs/engine-contract.md and test/engine/engine-contract.spec.ts):
 * - Analyze runs for every registered resource: the root Stack, components, providers and custom
 *   resources (pkg/resource/deploy/step_generator.go, generateSteps → analyzeAll, L1353/L3181).
 * - Resources read with `.get` (`external: true`) are never analyzed: GenerateReadSteps
 *   (step_generator.go L271) never calls analyzeAll, and the step executor keeps read states apart
 *   from `news` (step_executor.go L573), so AnalyzeStack (AnalyzeResources, step_generator.go L3227)
 *   does not get them either.
 * - Views (`viewOf`, deployment v4) are registered through the resource status service, not
 *   generateSteps, so Analyze never sees them; they are in `news`, so AnalyzeStack does.
 * - Top-level property keys starting with `__` (`__meta`, `__defaults`, ...) are dropped from the
 *   props of Analyze, AnalyzeStack and the provider (sdk/go/common/resource/plugin/analyzer_plugin.go
 *   MarshalProperties(..., SkipInternalKeys: true), L307/L351/L772; rpc.go L88 skips only top-level
 *   keys; resource/properties.go L730 IsInternalPropertyKey).
 * - Versions 3 and 4 have the same shape (pkg/resource/stack/deployment.go L428 "case 3, 4");
 *   version 4 adds a top-level `features` list which the CLI refuses when it names a feature it
 *   does not know (deployment.go L121-L143).
 *
 * Secrets: an export holds `{"4dabf…": "1b47…", "ciphertext": …}` (or `"plaintext": "<json>"` with
 * --show-secrets). Both become the wire form `{"4dabf…": "1b47…", value}` that the access layer
 * understands: the value counts as set, lookups know it is secret, and show() never prints it.
 * Without plaintext the value is the placeholder SECRET_PLACEHOLDER.
 */
import { z } from "zod";
import type { ResourceInput, StackFacts } from "../policypack/src/access/resource";
import { isRecord, SECRET_SIG } from "../policypack/src/access/values";
import { declarationSites, parseExportedPosition, type SourcePosition } from "./source-positions";

/** Bad input (unreadable file, invalid export, bad config): the command exits 2 with this one line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** What an encrypted secret of an export reads as: set, of unknown content, never shown. */
export const SECRET_PLACEHOLDER = "[secret]";

const URN_RE = /^urn:pulumi:[^:]+::[^:]+::.+::.*$/;

const urn = z.string().regex(URN_RE, { message: "must be a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)" });

const resourceSchema = z.looseObject({
  urn,
  type: z.string().min(1, { message: "must be a type token such as gcp:storage/bucket:Bucket" }),
  custom: z.boolean(),
  id: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  parent: urn.optional(),
  provider: z.string().optional(),
  dependencies: z.array(urn).optional(),
  propertyDependencies: z.record(z.string(), z.array(urn)).optional(),
  protect: z.boolean().optional(),
  delete: z.boolean().optional(),
  external: z.boolean().optional(),
  viewOf: z.string().optional(),
  /** "project:///index.ts#17,12" (see cli/source-positions.ts). */
  sourcePosition: z.string().optional(),
});

/** Deployment v4 features known to the Pulumi CLI 3.248 (pkg/resource/stack/deployment.go supportedFeatures). */
export const KNOWN_FEATURES: readonly string[] = ["refreshBeforeUpdate", "views", "hooks", "taint", "replaceWith", "snippets-prototype"];

export const stackExportSchema = z.looseObject({
  version: z.union([z.literal(3), z.literal(4)], { message: "must be 3 or 4 (this reads `pulumi stack export` deployment versions 3 and 4)" }),
  features: z
    .array(z.string())
    .optional()
    .refine((fs) => (fs ?? []).every((f) => KNOWN_FEATURES.includes(f)), {
      message: `names a feature the Pulumi CLI does not support (known: ${KNOWN_FEATURES.join(", ")}); the CLI refuses such a deployment`,
    }),
  deployment: z.looseObject({
    resources: z.array(resourceSchema).optional(),
  }),
});

export type ExportedResource = z.infer<typeof resourceSchema>;

/** "deployment.resources[3].urn" from a zod issue path. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out || "(top level)";
}

/** The first zod issue as one line: "<file>: <path>: <message>" (+ how many more). */
export function firstIssue(file: string, err: z.ZodError): string {
  const issue = err.issues[0];
  /* c8 ignore next */
  if (!issue) return `${file}: invalid`;
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problem${err.issues.length > 2 ? "s" : ""})` : "";
  return `${file}: ${issuePath(issue.path)}: ${issue.message}${more}`;
}

/** Converts export secrets to the wire form, recursively. */
export function normaliseSecrets(v: unknown, depth = 0): unknown {
  if (depth > 64) return v;
  if (Array.isArray(v)) return v.map((x) => normaliseSecrets(x, depth + 1));
  if (!isRecord(v)) return v;
  if (v[SECRET_SIG] === SECRET_VALUE) {
    let value: unknown = SECRET_PLACEHOLDER;
    if ("value" in v) value = v["value"];
    else if (typeof v["plaintext"] === "string") {
      try {
        value = JSON.parse(v["plaintext"]);
      } catch {
        value = v["plaintext"];
      }
    }
    return { [SECRET_SIG]: SECRET_VALUE, value: normaliseSecrets(value, depth + 1) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = normaliseSecrets(x, depth + 1);
  return out;
}

/**
 * Drops the top-level keys the engine treats as internal (`__` prefix) from a property map, as the
 * engine does before Analyze/AnalyzeStack (nested keys are kept, as the engine keeps them).
 */
export function stripInternalKeys(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!k.startsWith("__")) out[k] = v;
  return out;
}

/** What a policy receives for an export's property map: internal keys dropped, secrets in wire form. */
function wireProps(props: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  return normaliseSecrets(stripInternalKeys(props ?? {})) as Record<string, unknown>;
}

/** `<provider-urn>::<id>` → the URN part. */
export function providerUrnOf(ref: string): string | undefined {
  const idx = ref.lastIndexOf("::");
  if (idx <= 0) return undefined;
  const u = ref.slice(0, idx);
  return URN_RE.test(u) ? u : undefined;
}

function nameOf(u: string): string {
  return u.slice(u.lastIndexOf("::") + 2);
}

export interface StackState {
  /** Custom resources as Analyze sees them: inputs, provider inputs, options. */
  readonly analyze: readonly ResourceInput[];
  /** URNs left out because the engine never analyzes them (resources read with `.get`). */
  readonly external: readonly string[];
  /** Every resource as AnalyzeStack sees it: outputs, parent, dependencies. */
  readonly stack: readonly ResourceInput[];
  readonly facts: StackFacts;
  /** URN → where the program declared the resource (relative to the project root), from `sourcePosition`. */
  readonly sources: ReadonlyMap<string, SourcePosition>;
  /** Stack and project names from the URNs (for the report header). */
  readonly stackName?: string;
  readonly project?: string;
}

/** Parses and validates the text of a stack export. Throws InputError with one line on bad input. */
export function parseStackExport(text: string, file = "stack export"): StackState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message}). Fix: pass the output of \`pulumi stack export --file <file>\`.`);
  }
  const parsed = stackExportSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(firstIssue(file, parsed.error));
  const all = (parsed.data.deployment.resources ?? []).filter((r) => r.delete !== true);
  const byUrn = new Map<string, ExportedResource>();
  all.forEach((r) => byUrn.set(r.urn, r));
  const external = all.filter((r) => r.external === true).map((r) => r.urn);
  const rawIndex = new Map<ExportedResource, number>();
  (parsed.data.deployment.resources ?? []).forEach((r, i) => rawIndex.set(r, i));
  const resources = all.filter((r) => r.external !== true);

  const providerOf = (r: ExportedResource, i: number): ResourceInput["provider"] => {
    if (r.provider === undefined || r.provider === "") return undefined;
    const pu = providerUrnOf(r.provider);
    const p = pu ? byUrn.get(pu) : undefined;
    if (!pu || !p) {
      throw new InputError(
        `${file}: deployment.resources[${i}].provider: '${r.provider}' ${pu ? "names a provider that is not in the export" : "is not a provider reference <provider-urn>::<id>"}. Fix: export the whole stack with \`pulumi stack export\`.`,
      );
    }
    return { type: p.type, urn: p.urn, name: nameOf(p.urn), props: wireProps(p.inputs) };
  };

  const analyze: ResourceInput[] = [];
  const stack: ResourceInput[] = [];
  let gcpRegion: string | undefined;
  resources.forEach((r) => {
    const provider = providerOf(r, rawIndex.get(r) ?? 0);
    const common = {
      type: r.type,
      urn: r.urn,
      name: nameOf(r.urn),
      provider,
      opts: { protect: r.protect === true, parent: r.parent },
      parent: r.parent,
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
    };
    if (r.viewOf === undefined || r.viewOf === "") analyze.push({ ...common, props: wireProps(r.inputs) });
    stack.push({ ...common, props: wireProps(r.outputs ?? r.inputs) });
    if (r.type === "pulumi:providers:gcp" && nameOf(r.urn).startsWith("default")) {
      const region = r.inputs?.["region"];
      if (typeof region === "string" && region !== "") gcpRegion = region;
    }
  });
  const first = resources[0]?.urn.split("::");
  const sources = declarationSites(
    resources.map((r) => {
      const at = parseExportedPosition(r.sourcePosition);
      return { urn: r.urn, ...(r.parent ? { parent: r.parent } : {}), ...(at ? { sourcePosition: at } : {}) };
    }),
  );
  return {
    analyze,
    external,
    stack,
    sources,
    facts: gcpRegion ? { gcpRegion } : {},
    stackName: first?.[0]?.slice("urn:pulumi:".length),
    project: first?.[1],
  };
}
