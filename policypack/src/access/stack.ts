/**
 * The whole stack, indexed once: by URN, by type token, by service. Stack policies read it
 * instead of scanning the resource list themselves, so each costs O(resources).
 */
import { SERVING_TYPES } from "./k8s";
import { projectFromUrn, ResourceView, type ResourceInput, type StackFacts } from "./resource";
import { T } from "./tokens";

const ROOT_STACK = "pulumi:pulumi:Stack";
const PROVIDER_PREFIX = "pulumi:providers:";
/** Resources that make a service exist (lib/services.ts reads the same list). */
const SERVICE_DECLARING_TYPES: readonly string[] = [...SERVING_TYPES, T.deployPipeline];

export class StackView {
  readonly resources: readonly ResourceView[];
  private readonly urnIndex = new Map<string, ResourceView>();
  private readonly typeIndex = new Map<string, ResourceView[]>();
  private readonly multiTypeIndex = new Map<string, readonly ResourceView[]>();
  private serviceIndex?: Map<string, ResourceView[]>;
  private readonly serviceCache = new Map<string, string | null>();
  private secretCache?: ReadonlySet<string>;
  /** implicitService(): null when computed and there is none. */
  private implicitCache?: string | null;

  constructor(
    inputs: readonly ResourceInput[],
    readonly facts: StackFacts = {},
  ) {
    this.resources = inputs.map((i) => new ResourceView(i, facts));
    for (const r of this.resources) {
      this.urnIndex.set(r.urn, r);
      let list = this.typeIndex.get(r.type);
      if (!list) this.typeIndex.set(r.type, (list = []));
      list.push(r);
    }
  }

  byUrn(urn: string): ResourceView | undefined {
    return this.urnIndex.get(urn);
  }

  /** All resources of any of the given type tokens, in stack order per type. */
  ofType(...types: readonly string[]): readonly ResourceView[] {
    if (types.length === 1) return this.typeIndex.get(types[0] as string) ?? [];
    // Rules ask for the same few type lists: each list is concatenated once per stack (do not mutate).
    const key = types.join("\n");
    let list = this.multiTypeIndex.get(key);
    if (!list) this.multiTypeIndex.set(key, (list = types.flatMap((t) => this.typeIndex.get(t) ?? [])));
    return list;
  }

  /**
   * The one service of a stack that labels none (docs/contract.md §1-2): the stack holds serving
   * workloads or delivery pipelines and none of them carries a service label (own or inherited),
   * so they form one service named after the Pulumi project (read from the URNs,
   * `urn:pulumi:<stack>::<project>::...`), and every resource without a label of its own joins
   * it. Undefined when a workload or pipeline is labelled, when nothing serves (a network or
   * platform stack holds no service), or when the URNs name no project.
   */
  implicitService(): string | undefined {
    if (this.implicitCache === undefined) {
      const declaring = this.ofType(...SERVICE_DECLARING_TYPES);
      const first = declaring[0];
      const labelled = declaring.some((r) => this.labelledServiceOf(r) !== undefined);
      this.implicitCache = (first && !labelled ? projectFromUrn(first.urn) : undefined) ?? null;
    }
    return this.implicitCache ?? undefined;
  }

  /**
   * The service a resource belongs to: its own service label, else the nearest ancestor's
   * (a Helm chart's or ConfigGroup's children inherit the component's service), else, in a stack
   * that labels none, the project-named service (implicitService()), for every resource but the
   * root stack and the providers.
   */
  serviceOf(r: ResourceView): string | undefined {
    const labelled = this.labelledServiceOf(r);
    if (labelled || r.type === ROOT_STACK || r.type.startsWith(PROVIDER_PREFIX)) return labelled;
    return this.implicitService();
  }

  /** Own label, else the nearest labelled ancestor's. */
  private labelledServiceOf(r: ResourceView): string | undefined {
    const own = r.ownService(); // memoised on the view: most resources carry their own label
    if (own) return own;
    const cached = this.serviceCache.get(r.urn);
    if (cached !== undefined) return cached ?? undefined;
    let found: string | undefined;
    let cur: ResourceView | undefined = r;
    for (let depth = 0; cur && depth < 64; depth++) {
      found = cur.ownService();
      if (found) break;
      const p = cur.parentUrn();
      cur = p ? this.urnIndex.get(p) : undefined;
    }
    this.serviceCache.set(r.urn, found ?? null);
    return found;
  }

  /** Service name → its resources. */
  services(): ReadonlyMap<string, readonly ResourceView[]> {
    if (!this.serviceIndex) {
      const idx = new Map<string, ResourceView[]>();
      for (const r of this.resources) {
        const s = this.serviceOf(r);
        if (!s) continue;
        let list = idx.get(s);
        if (!list) idx.set(s, (list = []));
        list.push(r);
      }
      this.serviceIndex = idx;
    }
    return this.serviceIndex;
  }

  /** Resources of a given service and type. */
  serviceResources(service: string, ...types: readonly string[]): readonly ResourceView[] {
    const all = this.services().get(service) ?? [];
    return types.length === 0 ? all : all.filter((r) => types.includes(r.type));
  }

  /** The plaintexts of every secret-wrapped value in the stack: what no message may contain (see redact()). */
  secretTexts(): ReadonlySet<string> {
    if (!this.secretCache) {
      const all = new Set<string>();
      for (const r of this.resources) for (const s of r.secretTexts()) all.add(s);
      this.secretCache = all;
    }
    return this.secretCache;
  }

  /** True when `prop` of `r` depends (directly) on a resource of type `type` in this stack. */
  dependsOnType(r: ResourceView, prop: string, type: string): ResourceView | undefined {
    for (const urn of r.dependenciesOf(prop)) {
      const dep = this.urnIndex.get(urn);
      if (dep && dep.type === type) return dep;
    }
    return undefined;
  }
}
