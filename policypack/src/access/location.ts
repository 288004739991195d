/**
 * Effective location of a GCP resource: its own location field, else the provider's region/zone,
 * else the stack's `gcp:region` config. Multi-regions and `global` are reported as such.
 */
import { asArray, asString, lookup, type Lookup } from "./values";
import { T } from "./tokens";
import { GCP_LOCATION_FIELDS } from "../lib/gcp-scope";

export type LocationSource = "resource" | "provider" | "stack-config";

export type Location =
  | {
      readonly kind: "known";
      /** Regions the data may live in (a Pub/Sub storage policy or Secret Manager replicas give several). */
      readonly regions: readonly string[];
      /** The raw values found, for messages. */
      readonly raw: readonly string[];
      /** Where the value came from, for messages: "field 'region'", "provider 'eu' region", ... */
      readonly source: LocationSource;
      readonly field: string;
      /** Multi-region, dual-region, global or automatic replication: never a single allowed region. */
      readonly multiRegion: boolean;
      /**
       * Set when the field holds no region name (an object, an array, a number, a boolean, ""):
       * what was expected and what was found. `regions` and `raw` then hold one text saying so,
       * which is in no allowed region, so a gate that compares regions reports a violation.
       */
      readonly invalid?: { readonly expected: string; readonly found: string };
    }
  | { readonly kind: "unknown"; readonly field: string }
  | { readonly kind: "absent" };

const MULTI_REGIONS = new Set(["eu", "us", "asia", "global", "eur4", "eur5", "eur7", "eur8", "nam4", "asia1"]);

/** "europe-west1-b" → "europe-west1"; "EUROPE-WEST1" → "europe-west1"; "EU" stays "eu". */
export function regionOf(location: string): string {
  const l = location.trim().toLowerCase();
  const zone = /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(l);
  return zone ? (zone[1] as string) : l;
}

export function isMultiRegion(location: string): boolean {
  return MULTI_REGIONS.has(location.trim().toLowerCase());
}

/**
 * Own-field rules per type: which property holds the location. Types not listed here read the
 * location inputs the provider gives them (lib/gcp-scope.ts), else location, region, zone.
 */
const OWN_FIELD: Readonly<Record<string, readonly string[]>> = {
  [T.sqlInstance]: ["region"],
  [T.bucket]: ["location"],
  [T.bqDataset]: ["location"],
  [T.artifactRepo]: ["location"],
  [T.gkeCluster]: ["location", "region", "zone"],
  [T.gkeNodePool]: ["location"],
  [T.redis]: ["region", "locationId"],
  [T.disk]: ["zone"],
  [T.regionDisk]: ["region"],
  [T.kmsKeyRing]: ["location"],
  [T.cloudRunService]: ["location"],
  [T.cloudRunJob]: ["location"],
  [T.logSink]: [],
  [T.deployPipeline]: ["location"],
};

function known(field: string, values: readonly string[], source: LocationSource, multi = false): Location {
  const regions = values.map(regionOf);
  return {
    kind: "known",
    regions,
    raw: values,
    source,
    field,
    multiRegion: multi || values.some(isMultiRegion),
  };
}

const EXPECTED_REGION = "a region or zone name (a string such as 'europe-west1')";

/** What a value is, for messages: "an object", "the number 42", "an empty string", ... (never the value of a secret). */
export function describeType(v: unknown, secret = false): string {
  if (typeof v === "string") return v.trim() === "" ? "an empty string" : secret ? "a secret string" : "a string";
  if (Array.isArray(v)) return `an array (${v.length} item${v.length === 1 ? "" : "s"})`;
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  if (secret) return `a ${typeof v}`;
  if (typeof v === "number") return `the number ${String(v)}`;
  if (typeof v === "boolean") return `the boolean ${String(v)}`;
  return `a ${typeof v}`;
}

/** A location field of the wrong type: a known location in no region, saying what was expected and found. */
export function invalidLocation(field: string, source: LocationSource, value: unknown, secret = false, expected = EXPECTED_REGION): Location {
  const found = describeType(value, secret);
  const text = `not a region: expected ${expected}, found ${found}`;
  return { kind: "known", regions: [text], raw: [text], source, field, multiRegion: false, invalid: { expected, found } };
}

/** A single-string location field: a region, unknown, of the wrong type, or absent (undefined). */
function fromLookup(l: Lookup, field: string, source: LocationSource): Location | undefined {
  if (l.kind === "unknown") return { kind: "unknown", field };
  if (l.kind === "known") {
    const s = asString(l.value);
    if (s && s.trim() !== "") return known(field, [s], source);
    // A field that is set but holds no region name is never a pass (nor a fall back to the provider).
    return invalidLocation(field, source, l.value, l.secret);
  }
  return undefined;
}

/** Location fields specific to a type that are not a single string. */
function special(type: string, props: unknown): Location | undefined {
  if (type === T.pubsubTopic) {
    const l = lookup(props, "messageStoragePolicy.allowedPersistenceRegions");
    if (l.kind === "unknown") return { kind: "unknown", field: "messageStoragePolicy" };
    const field = "messageStoragePolicy.allowedPersistenceRegions";
    if (l.kind === "known") {
      if (!Array.isArray(l.value)) return invalidLocation(field, "resource", l.value, l.secret, "a list of region names");
      const bad = l.value.find((x) => typeof x !== "string" || x.trim() === "");
      if (bad !== undefined) return invalidLocation(field, "resource", bad, l.secret);
    }
    const regions = asArray(l.kind === "known" ? l.value : undefined).map(asString).filter((s): s is string => !!s);
    if (regions.length > 0) return known("messageStoragePolicy.allowedPersistenceRegions", regions, "resource");
    // No storage policy: Pub/Sub may store messages in any region.
    return known("messageStoragePolicy", ["global"], "resource", true);
  }
  if (type === T.secret) {
    const rep = lookup(props, "replication");
    if (rep.kind === "unknown") return { kind: "unknown", field: "replication" };
    const auto = lookup(props, "replication.auto");
    if (auto.kind === "unknown") return { kind: "unknown", field: "replication.auto" };
    if (auto.kind === "known") return known("replication.auto", ["automatic"], "resource", true);
    const replicas = lookup(props, "replication.userManaged.replicas");
    if (replicas.kind === "unknown") return { kind: "unknown", field: "replication.userManaged.replicas" };
    if (replicas.kind === "known" && !Array.isArray(replicas.value)) {
      return invalidLocation("replication.userManaged.replicas", "resource", replicas.value, replicas.secret, "a list of replicas, each with a location");
    }
    const locs: string[] = [];
    for (const [i, r] of asArray(replicas.kind === "known" ? replicas.value : undefined).entries()) {
      const loc = lookup(r, "location");
      if (loc.kind === "unknown") return { kind: "unknown", field: `replication.userManaged.replicas[${i}].location` };
      const s = loc.kind === "known" ? asString(loc.value) : undefined;
      if (loc.kind === "known" && (!s || s.trim() === "")) return invalidLocation(`replication.userManaged.replicas[${i}].location`, "resource", loc.value, loc.secret);
      if (s) locs.push(s);
    }
    if (locs.length > 0) return known("replication.userManaged.replicas", locs, "resource");
    return known("replication", ["automatic"], "resource", true);
  }
  return undefined;
}

const DEFAULT_FIELDS: readonly string[] = ["location", "region", "zone"];

/**
 * The effective location of a resource.
 * @param providerProps the props of the resource's provider (explicit or default), if known
 * @param stackRegion the stack's `gcp:region` config, if any
 */
export function effectiveLocation(
  type: string,
  props: unknown,
  providerProps: unknown,
  stackRegion: string | undefined,
): Location {
  const sp = special(type, props);
  if (sp) return sp;
  for (const field of OWN_FIELD[type] ?? GCP_LOCATION_FIELDS.get(type) ?? DEFAULT_FIELDS) {
    const r = fromLookup(lookup(props, field), field, "resource");
    if (r) return r;
  }
  for (const field of ["region", "zone"]) {
    const r = fromLookup(lookup(providerProps, field), field, "provider");
    if (r) return r;
  }
  if (stackRegion && stackRegion.trim() !== "") return known("gcp:region", [stackRegion], "stack-config");
  return { kind: "absent" };
}

/** Human-readable origin of a location, for messages. */
export function describeSource(loc: Location): string {
  if (loc.kind !== "known") return "";
  switch (loc.source) {
    case "resource":
      return `field '${loc.field}'`;
    case "provider":
      return `the provider's '${loc.field}'`;
    case "stack-config":
      return "the stack config 'gcp:region'";
  }
}
