/**
 * Stack config, validated with zod when the program starts. Every error names the config key
 * and how to fix it (`pulumi config set ...`). Pure: the program passes the raw values in.
 */
import { z } from "zod";
import { formatPath, suggest } from "../policypack/src/engine/config";
import {
  defaultPlatformOptions,
  defaultServiceOptions,
  merge,
  platformOverrideSchema,
  serviceOverrideSchema,
  type Environment,
  type PlatformOptions,
  type ServiceOptions,
} from "./options";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "./services";

export interface StackConfig {
  project: string;
  projectNumber: string;
  region: string;
  environment: Environment;
  /** Public hostnames are <service>.<domain>. */
  domain: string;
  alertEmail: string;
  /** Image references by name: "<service>-api", "<service>-workers", "pgbouncer", "cloud-sql-proxy". */
  images: Record<string, string>;
  platform: PlatformOptions;
  services: Record<ServiceName, ServiceOptions>;
  /** Optional bearer token the uptime checks send through Kong (a Kong consumer for synthetic probes). */
  syntheticProbeJwt?: string;
}

/** Raw config values as Pulumi gives them: strings, objects as JSON text. */
export type RawConfig = Readonly<Record<string, string | undefined>>;

export class StackConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack config:\n  ${problems.join("\n  ")}`);
    this.name = "StackConfigError";
  }
}

/** Image names the program needs. */
export function requiredImages(): string[] {
  return [...SERVICES.flatMap((s) => [`${s.name}-api`, `${s.name}-workers`]), "pgbouncer", "cloud-sql-proxy"];
}

const KEYS = [
  "gcp:project",
  "gcp:region",
  "readiness:environment",
  "readiness:projectNumber",
  "readiness:domain",
  "readiness:alertEmail",
  "readiness:images",
  "readiness:platform",
  "readiness:services",
  "readiness:syntheticProbeJwt",
  "readiness:runbookBaseUrl",
];

function setHint(key: string, example: string): string {
  return `Fix: pulumi config set ${key} ${example}`;
}

const scalar = {
  "gcp:project": { schema: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: "must be a GCP project id" }), example: "acme-readiness-prod" },
  "gcp:region": { schema: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { message: "must be a GCP region" }), example: "europe-west1" },
  "readiness:environment": { schema: z.enum(["staging", "production"], { message: "must be staging or production" }), example: "production" },
  "readiness:projectNumber": { schema: z.string().regex(/^\d{6,20}$/, { message: "must be the project's number (digits)" }), example: '"123456789012"' },
  "readiness:domain": { schema: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, { message: "must be a DNS domain" }), example: "api.acme.example" },
  "readiness:alertEmail": { schema: z.string().email({ message: "must be an email address" }), example: "sre-oncall@acme.example" },
} as const;

/** A structured config value; INVALID (already reported) when it is not JSON. */
const INVALID = Symbol("invalid");

function parseJson(key: string, raw: string | undefined, problems: string[]): unknown {
  if (raw === undefined || raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    problems.push(`${key}: is not a YAML/JSON object. Fix: write it as a map under config: in Pulumi.<stack>.yaml (see Pulumi.prod.yaml).`);
    return INVALID;
  }
}

function zodIssues(prefix: string, err: z.ZodError, known: readonly string[], fix: string): string[] {
  return err.issues.map((issue) => {
    const where = formatPath(prefix, issue.path);
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => {
        const s = suggest(k, known);
        return s ? `'${k}' (did you mean '${s}'?)` : `'${k}'`;
      });
      return `${where}: unknown option ${keys.join(", ")}. Fix: remove it; see docs/component.md for the options.`;
    }
    return `${where}: ${issue.message}. ${fix}`;
  });
}

/** All option names at any depth, for typo suggestions. */
function optionNames(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      optionNames(x, out);
    }
  }
  return out;
}

/** Validates raw stack config into the typed config; throws StackConfigError listing every problem. */
export function parseStackConfig(raw: RawConfig): StackConfig {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  for (const [key, { schema, example }] of Object.entries(scalar)) {
    const v = raw[key];
    if (v === undefined || v === "") {
      problems.push(`${key}: is required. ${setHint(key, example)}`);
      continue;
    }
    const r = schema.safeParse(v);
    if (!r.success) problems.push(`${key}: ${r.error.issues[0]?.message ?? "is invalid"} (found ${JSON.stringify(v)}). ${setHint(key, example)}`);
    else values[key] = r.data;
  }
  for (const key of Object.keys(raw)) {
    if (!key.startsWith("readiness:") || KEYS.includes(key)) continue;
    const s = suggest(key, KEYS);
    problems.push(`${key}: unknown config key${s ? ` (did you mean '${s}'?)` : ""}. Fix: pulumi config rm ${key}.`);
  }
  const environment = (values["readiness:environment"] ?? "production") as Environment;
  const region = values["gcp:region"] ?? "europe-west1";

  // images
  const imagesRaw = parseJson("readiness:images", raw["readiness:images"], problems);
  const images: Record<string, string> = {};
  if (imagesRaw === INVALID) {
    // reported
  } else if (imagesRaw === undefined) {
    problems.push(`readiness:images: is required (a map of image name → reference by digest). Fix: add readiness:images with ${requiredImages().join(", ")} (see Pulumi.prod.yaml).`);
  } else {
    const r = z.record(z.string(), z.string().min(1)).safeParse(imagesRaw);
    if (!r.success) problems.push(...zodIssues("readiness:images", r.error, [], "Fix: give each image as a string, e.g. europe-west1-docker.pkg.dev/<project>/services/<name>@sha256:<digest>."));
    else {
      Object.assign(images, r.data);
      for (const name of requiredImages()) {
        if (!(name in images)) problems.push(`readiness:images.${name}: is required. Fix: add ${name}: europe-west1-docker.pkg.dev/<project>/services/${name}@sha256:<digest>.`);
      }
    }
  }

  // platform overrides
  const platformDefaults = defaultPlatformOptions(environment);
  let platform = merge(platformDefaults, { region });
  const platformRaw = parseJson("readiness:platform", raw["readiness:platform"], problems);
  if (platformRaw !== undefined && platformRaw !== INVALID) {
    const r = platformOverrideSchema.safeParse(platformRaw);
    if (!r.success) problems.push(...zodIssues("readiness:platform", r.error, [...optionNames(platformDefaults)], "Fix: see docs/component.md (platform options)."));
    else platform = merge(platform, r.data);
  }

  // service overrides
  const overridesRaw = parseJson("readiness:services", raw["readiness:services"], problems);
  const overrides: Record<string, unknown> = {};
  if (overridesRaw !== undefined && overridesRaw !== INVALID) {
    if (typeof overridesRaw !== "object" || overridesRaw === null || Array.isArray(overridesRaw)) {
      problems.push("readiness:services: must be a map of service name → options. Fix: see docs/component.md.");
    } else {
      for (const [name, o] of Object.entries(overridesRaw)) {
        if (!SERVICE_NAMES.includes(name as ServiceName)) {
          const s = suggest(name, SERVICE_NAMES);
          problems.push(`readiness:services.${name}: unknown service${s ? ` (did you mean '${s}'?)` : ""}. Fix: use one of ${SERVICE_NAMES.join(", ")}.`);
          continue;
        }
        const r = serviceOverrideSchema.safeParse(o);
        if (!r.success) {
          const known = [...optionNames(defaultServiceOptions(SERVICES[0] as (typeof SERVICES)[number], environment))];
          problems.push(...zodIssues(`readiness:services.${name}`, r.error, known, "Fix: see docs/component.md (service options)."));
        } else overrides[name] = r.data;
      }
    }
  }
  const runbooks = raw["readiness:runbookBaseUrl"];
  if (runbooks !== undefined && !z.string().url().safeParse(runbooks).success) {
    problems.push(`readiness:runbookBaseUrl: must be a URL (found ${JSON.stringify(runbooks)}). ${setHint("readiness:runbookBaseUrl", "https://runbooks.acme.example")}`);
  }
  const common = { region, ...(runbooks ? { monitoring: { runbookBaseUrl: runbooks } } : {}) };
  const services = {} as Record<ServiceName, ServiceOptions>;
  for (const def of SERVICES) {
    services[def.name] = merge(merge(defaultServiceOptions(def, environment), common), overrides[def.name]);
  }

  const jwt = raw["readiness:syntheticProbeJwt"];
  if (problems.length > 0) throw new StackConfigError(problems);
  return {
    project: values["gcp:project"] as string,
    projectNumber: values["readiness:projectNumber"] as string,
    region,
    environment,
    domain: values["readiness:domain"] as string,
    alertEmail: values["readiness:alertEmail"] as string,
    images,
    platform,
    services,
    ...(jwt ? { syntheticProbeJwt: jwt } : {}),
  };
}
