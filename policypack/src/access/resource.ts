/**
 * The typed access layer every policy reads resources through.
 *
 * A `ResourceView` wraps one resource as the engine (or a state export) presents it: type token,
 * URN, name, raw props (unknowns and secrets kept), provider props, parent and dependencies.
 * It owns preview semantics: reading never throws, unknown is a state of its own.
 */
import { memoByString } from "../memo";
import { effectiveLocation, type Location } from "./location";
import { SERVICE_LABELS } from "./tokens";
import {
  asBoolean,
  asNumber,
  asRecord,
  asString,
  isRecord,
  lookup,
  secretTexts,
  type Lookup,
  type Path,
  isUnknownAt,
  valueAt,
} from "./values";

/** The plain-data shape of a resource, independent of the policy SDK (also what audit builds). */
export interface ResourceInput {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly provider?: {
    readonly type: string;
    readonly urn?: string;
    readonly name?: string;
    readonly props: Readonly<Record<string, unknown>>;
  };
  /** Resource options the engine reports (protect, ...). */
  readonly opts?: { readonly protect?: boolean; readonly parent?: string };
  /** Parent URN (stack analysis and state exports). */
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** Facts about the stack being checked, injected by the composition root. */
export interface StackFacts {
  /** The stack's `gcp:region` config (the default provider's region). */
  readonly gcpRegion?: string;
}

/** Identifies a value another access module derives from a resource view and memoises on it (see ResourceView.memo). */
export interface MemoKey<T> {
  readonly name: string;
  /** Never set: carries the value's type. */
  readonly value?: T;
}

/** Where labels live, in order of precedence (pre-split: read for every resource). */
const LABEL_PATHS: readonly (readonly string[])[] = [["labels"], ["userLabels"], ["settings", "userLabels"], ["metadata", "labels"], ["template", "labels"]];

const NO_LABELS: readonly Readonly<Record<string, unknown>>[] = [];

export class ResourceView {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
  private labelCache?: Readonly<Record<string, string>>;
  private labelSources?: readonly Readonly<Record<string, unknown>>[];
  private annotationCache?: Readonly<Record<string, string>>;
  /** null: computed, no service. */
  private serviceCache?: string | null;
  private secretCache?: ReadonlySet<string>;
  private locationCache?: Location;
  /** ResourceView.memo(): the first key's value in a field, any others in a map. */
  private memoKey?: MemoKey<unknown>;
  private memoValue?: unknown;
  private memoMore?: Map<MemoKey<unknown>, unknown>;

  constructor(
    readonly input: ResourceInput,
    readonly facts: StackFacts = {},
  ) {
    this.type = input.type;
    this.urn = input.urn;
    this.name = input.name;
    this.props = isRecord(input.props) ? input.props : {};
  }

  is(...types: readonly string[]): boolean {
    return types.includes(this.type);
  }

  /**
   * A value derived from this view (the workload view of k8s.ts), built once and kept on the view:
   * a field rather than a WeakMap entry per resource, which every garbage collection would walk.
   * `build` receives the view, so that callers pass a function, not a new closure per read.
   */
  memo<T>(key: MemoKey<T>, build: (view: ResourceView) => T): T {
    if (this.memoKey === key) return this.memoValue as T;
    if (this.memoMore?.has(key)) return this.memoMore.get(key) as T;
    const v = build(this);
    // Slot taken after the build, which may itself memoise another value on this view.
    if (this.memoKey === undefined) {
      this.memoKey = key;
      this.memoValue = v;
    } else {
      (this.memoMore ??= new Map()).set(key, v);
    }
    return v;
  }

  /** Three-state read of a property path. */
  get(path: Path): Lookup {
    return lookup(this.props, path);
  }

  /** True when the value at `path` (or one of its parents) is unknown until apply. */
  unknown(path: Path): boolean {
    return isUnknownAt(this.props, path);
  }

  /** The known value at `path`, else undefined (absent or unknown). */
  value(path: Path): unknown {
    return valueAt(this.props, path);
  }

  str(path: Path): string | undefined {
    return asString(this.value(path));
  }

  num(path: Path): number | undefined {
    return asNumber(this.value(path));
  }

  bool(path: Path): boolean | undefined {
    return asBoolean(this.value(path));
  }

  /** The label maps present on the resource, in order of precedence (read once). */
  private labelRecords(): readonly Readonly<Record<string, unknown>>[] {
    if (this.labelSources) return this.labelSources;
    // Most resources have one label map: a one-element array, not a grown one.
    let first: Readonly<Record<string, unknown>> | undefined;
    let more: Readonly<Record<string, unknown>>[] | undefined;
    for (const path of LABEL_PATHS) {
      const rec = this.value(path);
      if (!isRecord(rec)) continue;
      if (first === undefined) first = rec;
      else (more ??= [first]).push(rec);
    }
    return (this.labelSources = more ?? (first ? [first] : NO_LABELS));
  }

  /** One label's value (the first label map, in order of precedence, holding it as a known string): labels()[key] without building the map. */
  label(key: string): string | undefined {
    for (const rec of this.labelRecords()) {
      if (!Object.prototype.hasOwnProperty.call(rec, key)) continue;
      const s = asString(rec[key]);
      if (s !== undefined) return s;
    }
    return undefined;
  }

  /** Resource labels: GCP `labels`/`userLabels`/`settings.userLabels`, Kubernetes `metadata.labels`. */
  labels(): Readonly<Record<string, string>> {
    if (this.labelCache) return this.labelCache;
    const out: Record<string, string> = {};
    for (const rec of this.labelRecords()) {
      for (const k in rec) {
        if (!Object.prototype.hasOwnProperty.call(rec, k) || k in out) continue;
        const s = asString(rec[k]);
        if (s !== undefined) out[k] = s;
      }
    }
    this.labelCache = out;
    return out;
  }

  /** The plaintexts of this resource's secret-wrapped values: what a message must never contain (see redact()). */
  secretTexts(): ReadonlySet<string> {
    // Every length: redact() replaces a short secret only where it is quoted or the whole text.
    if (!this.secretCache) this.secretCache = secretTexts(this.props, new Set(), 1);
    return this.secretCache;
  }

  /** Kubernetes annotations (metadata.annotations). */
  annotations(): Readonly<Record<string, string>> {
    if (this.annotationCache) return this.annotationCache;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(asRecord(this.value("metadata.annotations")))) {
      const s = asString(v);
      if (s !== undefined) out[k] = s;
    }
    return (this.annotationCache = out);
  }

  /** The service this resource declares membership of by its own labels (see docs/contract.md). */
  ownService(): string | undefined {
    if (this.serviceCache === undefined) {
      this.serviceCache = null;
      for (const key of SERVICE_LABELS) {
        const v = this.label(key);
        if (v) {
          this.serviceCache = v;
          break;
        }
      }
    }
    return this.serviceCache ?? undefined;
  }

  /** Kubernetes namespace (metadata.namespace, default "default"). */
  namespace(): string {
    return this.str("metadata.namespace") ?? "default";
  }

  /** Kubernetes object name (metadata.name), else the Pulumi name. */
  k8sName(): string {
    return this.str("metadata.name") ?? this.name;
  }

  providerProps(): Readonly<Record<string, unknown>> {
    return isRecord(this.input.provider?.props) ? this.input.provider.props : {};
  }

  /** Effective location: own field, else provider region/zone, else the stack's gcp:region (read once; do not mutate). */
  location(): Location {
    return (this.locationCache ??= effectiveLocation(this.type, this.props, this.providerProps(), this.facts.gcpRegion));
  }

  protected(): boolean {
    return this.input.opts?.protect === true;
  }

  /** URNs this resource's `prop` depends on (property dependencies, else all dependencies). */
  dependenciesOf(prop: string): readonly string[] {
    const pd = this.input.propertyDependencies;
    if (pd && Object.prototype.hasOwnProperty.call(pd, prop)) return pd[prop] ?? [];
    return this.input.dependencies ?? [];
  }

  parentUrn(): string | undefined {
    return this.input.parent ?? this.input.opts?.parent;
  }

  /** A short "name (type)" label for messages. */
  display(): string {
    return `'${this.name}' (${this.type})`;
  }
}

/** The type token encoded in a URN: urn:pulumi:stack::project::parentType$type::name (memoised: rules ask it of the same dependencies). */
export const typeFromUrn: (urn: string) => string | undefined = memoByString(parseUrnType, 50_000);

function parseUrnType(urn: string): string | undefined {
  const parts = urn.split("::");
  if (parts.length < 4) return undefined;
  const qualified = parts[2] as string;
  const segs = qualified.split("$");
  return segs[segs.length - 1];
}

/** The Pulumi project encoded in a URN (urn:pulumi:<stack>::<project>::...), if it names one. */
export function projectFromUrn(urn: string): string | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.split("::");
  const project = parts.length >= 4 ? parts[1] : undefined;
  return project && project.length > 0 ? project : undefined;
}

/** The name encoded in a URN. */
export function nameFromUrn(urn: string): string {
  const idx = urn.lastIndexOf("::");
  return idx >= 0 ? urn.slice(idx + 2) : urn;
}
