/** The `workload-health-probes` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asString, show, T, type StackView } from "../../access";
import { containerGet, K8S_SERVING_TYPES, type ContainerView, type Workload } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { stackGate, violation, type Reporter } from "../../engine/rule";
import { memoByObject, memoByString } from "../../memo";
import { declaredPorts, firstProbe, selectingServices, targetsDeclared, type ServiceEntry } from "../../lib/serving";
import { reportUndecided } from "../../lib/undecided";
import { containersOf, imageMatches, imageOf, workloadOf } from "../../lib/workloads";

export const meta = defineMeta({
  name: "workload-health-probes",
  title: "Health probes on the configured paths",
  area: "workloads",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "Liveness and readiness probes on every serving container (it declares a port, has a probe, or its pod is selected by a Service), on the configured paths (default /health/live, /health/ready) or of the kind its image expects (probesByImage); Cloud Run: liveness and startup probes.",
  remediation: "Add livenessProbe.httpGet.path: /health/live and readinessProbe.httpGet.path: /health/ready to each serving container.",
  sources: [
    { seed: "000", section: "Deployment", line: "Health check endpoints (/health/live, /health/ready) verified" },
    { seed: "001", section: "Infrastructure", line: "Readiness + liveness probes configured" },
    { seed: "002", section: "8. Deployment", line: "Health and readiness probes configured" },
  ],
});

const pathSchema = z.string().regex(/^\/\S*$/, { message: 'must be an HTTP path such as "/health/live". Fix: start it with "/".' });

/** A probe handler kind: httpGet, tcpSocket, exec, grpc. */
const handlerSchema = z.enum(["http", "tcp", "exec", "grpc"]);
export type ProbeHandler = z.infer<typeof handlerSchema>;

/** What the probes of one image's containers must be. */
const imageProbeSchema = z
  .strictObject({
    /**
     * The image's repository name, last path component, without registry, tag or digest
     * (`redis` matches `docker.io/bitnami/redis:7` and `redis@sha256:...`, not `myredis-exporter`);
     * `*` matches any run of characters (`redis*`). Case-insensitive.
     */
    image: z.string().regex(/^[a-z0-9*][a-z0-9._*-]*$/i, {
      message: 'must be an image repository name without registry, path, tag or digest, such as "redis" (* matches any characters). Fix: keep only the last path component of the image.',
    }),
    /** Accepted probe handlers. */
    handlers: z.array(handlerSchema).min(1, { message: 'must name at least one handler. Fix: list one or more of "http", "tcp", "exec", "grpc".' }),
    /** With "http": the liveness path the probe must check (omitted: any path). */
    livenessPath: pathSchema.optional(),
    /** With "http": the readiness path the probe must check (omitted: any path). */
    readinessPath: pathSchema.optional(),
    /** The fix a finding gives (omitted: built from the handlers). */
    fix: z.string().min(1).optional(),
  })
  .refine((e) => e.handlers.includes("http") || (e.livenessPath === undefined && e.readinessPath === undefined), {
    message: 'livenessPath/readinessPath apply only to HTTP probes. Fix: add "http" to handlers, or remove the paths.',
  });
export type ImageProbes = z.infer<typeof imageProbeSchema>;

/** Shipped expectations for common software that serves no HTTP health endpoint. */
export const DEFAULT_PROBES_BY_IMAGE: readonly ImageProbes[] = [
  { image: "redis", handlers: ["tcp", "exec"], fix: 'a tcpSocket probe on port 6379, or exec ["redis-cli", "ping"]' },
  { image: "postgres", handlers: ["exec", "tcp"], fix: 'exec ["pg_isready", "-U", "postgres"], or a tcpSocket probe on port 5432' },
  { image: "postgresql", handlers: ["exec", "tcp"], fix: 'exec ["pg_isready", "-U", "postgres"], or a tcpSocket probe on port 5432' },
  { image: "mysql", handlers: ["exec", "tcp"], fix: 'exec ["mysqladmin", "ping"], or a tcpSocket probe on port 3306' },
  { image: "mariadb", handlers: ["exec", "tcp"], fix: 'exec ["healthcheck.sh", "--connect"], or a tcpSocket probe on port 3306' },
  { image: "mongo", handlers: ["exec", "tcp"], fix: 'exec ["mongosh", "--quiet", "--eval", "db.adminCommand(\'ping\')"], or a tcpSocket probe on port 27017' },
  { image: "mongodb", handlers: ["exec", "tcp"], fix: 'exec ["mongosh", "--quiet", "--eval", "db.adminCommand(\'ping\')"], or a tcpSocket probe on port 27017' },
  { image: "rabbitmq", handlers: ["exec", "tcp"], fix: 'exec ["rabbitmq-diagnostics", "-q", "ping"], or a tcpSocket probe on port 5672' },
  { image: "memcached", handlers: ["tcp", "exec"], fix: "a tcpSocket probe on port 11211" },
  { image: "pgbouncer", handlers: ["tcp", "exec"], fix: "a tcpSocket probe on the listen port (6432 or 5432)" },
  { image: "cloud-sql-proxy", handlers: ["http", "tcp", "exec"], fix: "httpGet /liveness and /readiness on the proxy's --http-port (9090) with --health-check, or a tcpSocket probe on its listen port" },
  { image: "gce-proxy", handlers: ["tcp", "exec"], fix: "a tcpSocket probe on the proxy's listen port" },
];

export const settings = z.strictObject({
  livenessPath: pathSchema.default("/health/live"),
  readinessPath: pathSchema.default("/health/ready"),
  /**
   * Probe expectations per image (first match wins), checked before nonHttpImages: the accepted
   * handlers, the HTTP paths of a third-party image (Jenkins /login, kuard /healthy), the fix.
   */
  probesByImage: z.array(imageProbeSchema).default([...DEFAULT_PROBES_BY_IMAGE]),
  /**
   * Images (substring match) that serve no HTTP (connection poolers, proxies): their probes must
   * exist, but may be tcpSocket/exec/grpc checks on any path. Kept for existing configs;
   * probesByImage says more.
   */
  nonHttpImages: z.array(z.string().min(1)).default(["pgbouncer", "cloud-sql-proxy", "cloudsql-proxy"]),
});

type ProbeSettings = z.infer<typeof settings>;

function stripQuery(p: string): string {
  const i = p.search(/[?#]/);
  return i >= 0 ? p.slice(0, i) : p;
}

type Probe = "livenessProbe" | "readinessProbe" | "startupProbe";

const HANDLER_FIELD: Readonly<Record<ProbeHandler, string>> = { http: "httpGet", tcp: "tcpSocket", exec: "exec", grpc: "grpc" };
const HANDLERS: readonly ProbeHandler[] = ["http", "tcp", "exec", "grpc"];

interface ProbePaths {
  readonly httpGet: string;
  readonly path: string;
  /** The other handlers, with their paths. */
  readonly others: readonly { readonly handler: string; readonly path: string }[];
  /** Every handler with its path. */
  readonly all: readonly { readonly handler: ProbeHandler; readonly path: string }[];
}

function probePaths(p: Probe): ProbePaths {
  return {
    httpGet: `${p}.httpGet`,
    path: `${p}.httpGet.path`,
    others: ["exec", "tcpSocket", "grpc"].map((handler) => ({ handler, path: `${p}.${handler}` })),
    all: HANDLERS.map((handler) => ({ handler, path: `${p}.${HANDLER_FIELD[handler]}` })),
  };
}

/** "livenessProbe.httpGet.path", ...: built once, not per container. */
const PROBE_PATHS: Readonly<Record<Probe, ProbePaths>> = {
  livenessProbe: probePaths("livenessProbe"),
  readinessProbe: probePaths("readinessProbe"),
  startupProbe: probePaths("startupProbe"),
};

/** What a container's probes must be. */
type Expectation =
  /** HTTP on the configured paths (the default). */
  | { readonly kind: "http" }
  /** Any handler (nonHttpImages). */
  | { readonly kind: "any" }
  /** The handlers of a probesByImage entry. */
  | { readonly kind: "image"; readonly entry: ImageProbes; readonly name: string };

/** The last path component of an image's repository name, lower case: "docker.io/bitnami/redis:7" → "redis". */
export const imageRepositoryName: (image: string) => string = memoByString((image) => {
  const noDigest = image.split("@")[0] ?? "";
  const slash = noDigest.lastIndexOf("/");
  const last = noDigest.slice(slash + 1);
  const colon = last.indexOf(":");
  return (colon >= 0 ? last.slice(0, colon) : last).toLowerCase();
});

/** The probesByImage entries with their patterns compiled, once per settings object. */
const compiled = memoByObject((entries: readonly ImageProbes[]) =>
  entries.map((entry) => {
    const pattern = entry.image.toLowerCase();
    const re = pattern.includes("*") ? new RegExp(`^${pattern.split("*").map((x) => x.replace(/[.]/g, "\\.")).join(".*")}$`) : undefined;
    return { entry, test: re ? (n: string) => re.test(n) : (n: string) => n === pattern };
  }),
);

/** The first probesByImage entry that matches the image's repository name. */
export function imageEntry(image: string | undefined, entries: readonly ImageProbes[]): ImageProbes | undefined {
  if (image === undefined || entries.length === 0) return undefined;
  const name = imageRepositoryName(image);
  return compiled(entries).find((e) => e.test(name))?.entry;
}

function expectationOf(c: ContainerView, s: ProbeSettings): Expectation {
  const image = imageOf(c);
  const entry = imageEntry(image, s.probesByImage);
  if (entry && image !== undefined) return { kind: "image", entry, name: imageRepositoryName(image) };
  return imageMatches(c, s.nonHttpImages) ? { kind: "any" } : { kind: "http" };
}

/** "tcpSocket or exec" from handler kinds. */
function handlerList(hs: readonly ProbeHandler[]): string {
  const names = hs.map((h) => HANDLER_FIELD[h]);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/** The paths an image entry accepts for a probe (undefined: any path). */
function entryPaths(e: ImageProbes, probe: Probe): readonly string[] | undefined {
  if (probe === "livenessProbe") return e.livenessPath === undefined ? undefined : [e.livenessPath];
  if (probe === "readinessProbe") return e.readinessPath === undefined ? undefined : [e.readinessPath];
  const both = [e.readinessPath, e.livenessPath].filter((p): p is string => p !== undefined);
  return both.length > 0 ? both : undefined;
}

/** The fix for an image entry's probe ("add" a missing one, "use" instead of a wrong one). */
function entryFix(e: ImageProbes, name: string, probe: Probe, verb: "add" | "use"): string {
  if (e.fix) return `${verb} a ${probe} fit for ${name}: ${e.fix}`;
  const paths = entryPaths(e, probe);
  const http = e.handlers.includes("http") ? (paths ? `httpGet.path: ${show(paths[0])}` : "an httpGet check") : undefined;
  const rest = e.handlers.filter((h) => h !== "http");
  const others = rest.length > 0 ? `a ${handlerList(rest)} check` : undefined;
  return `${verb} a ${probe} fit for ${name}: ${[http, others].filter((x) => x).join(", or ")} on the container's port`;
}

/** Checks one probe of one container against an image's expectation. */
function checkImageProbe(w: Workload, c: ContainerView, probe: Probe, e: ImageProbes, name: string, why: string, report: Reporter): void {
  const r = w.r;
  const l = containerGet(c, probe);
  if (l.kind === "unknown") return reportUndecided(report, r, `'${c.path}.${probe}'`);
  if (l.kind === "absent") {
    report({ message: violation(r.display(), `${c.label}${why} has no ${probe}`, `${c.path}.${probe} not set`, entryFix(e, name, probe, "add")) });
    return;
  }
  const at = PROBE_PATHS[probe];
  const used = at.all.find((h) => containerGet(c, h.path).kind !== "absent");
  if (used === undefined || !e.handlers.includes(used.handler)) {
    report({
      message: violation(
        r.display(),
        `${c.label}: its ${probe} is not a ${handlerList(e.handlers)} check, as ${name} needs`,
        `${c.path}.${probe} ${used ? `uses ${HANDLER_FIELD[used.handler]}` : "has no handler"}`,
        entryFix(e, name, probe, "use"),
      ),
    });
    return;
  }
  if (used.handler !== "http") return;
  const paths = entryPaths(e, probe);
  if (!paths) return;
  const pathL = containerGet(c, at.path);
  if (pathL.kind === "unknown") return reportUndecided(report, r, `'${c.path}.${probe}.httpGet.path'`);
  const got = pathL.kind === "known" ? asString(pathL.value) : undefined;
  if (got === undefined || !paths.includes(stripQuery(got))) {
    report({
      message: violation(
        r.display(),
        `${c.label}: its ${probe} does not check ${paths.join(" or ")}, as ${name} needs`,
        `${c.path}.${probe}.httpGet.path ${show(got)}`,
        `set ${probe}.httpGet.path: ${show(paths[0])}`,
      ),
    });
  }
}

/** Checks one probe of one container against the accepted paths (message parts are built only on a finding). */
function checkProbe(w: Workload, c: ContainerView, probe: Probe, paths: readonly string[], report: Reporter, expect: Expectation, why = ""): void {
  if (expect.kind === "image") return checkImageProbe(w, c, probe, expect.entry, expect.name, why, report);
  const anyHandler = expect.kind === "any";
  const r = w.r;
  const l = containerGet(c, probe);
  if (l.kind === "unknown") return reportUndecided(report, r, `'${c.path}.${probe}'`);
  if (l.kind === "absent") {
    report({
      message: violation(
        r.display(),
        `${c.label}${why} has no ${probe}`,
        `${c.path}.${probe} not set`,
        anyHandler ? `add a ${probe} (tcpSocket on the container's port, or exec)` : `add ${probe}.httpGet.path: ${show(paths[0])} (port: the container's port)`,
      ),
    });
    return;
  }
  if (anyHandler) return;
  const at = PROBE_PATHS[probe];
  const pathL = containerGet(c, at.path);
  if (pathL.kind === "unknown") return reportUndecided(report, r, `'${c.path}.${probe}.httpGet.path'`);
  if (containerGet(c, at.httpGet).kind === "absent") {
    const other = at.others.find((o) => containerGet(c, o.path).kind !== "absent")?.handler;
    report({
      message: violation(
        r.display(),
        `${c.label}: its ${probe} is not an HTTP check on ${paths.join(" or ")}`,
        `${c.path}.${probe} ${other ? `uses ${other}` : "has no handler"}`,
        `use ${probe}.httpGet.path: ${show(paths[0])}`,
      ),
    });
    return;
  }
  const got = pathL.kind === "known" ? asString(pathL.value) : undefined;
  if (got === undefined || !paths.includes(stripQuery(got))) {
    report({
      message: violation(
        r.display(),
        `${c.label}: its ${probe} does not check ${paths.join(" or ")}`,
        `${c.path}.${probe}.httpGet.path ${show(got)}`,
        `set ${probe}.httpGet.path: ${show(paths[0])}`,
      ),
    });
  }
}

/** Kubernetes workloads whose containers are probe-checked (DaemonSets too: their pods serve node-local traffic). */
export const PROBED_K8S_TYPES: readonly string[] = [...K8S_SERVING_TYPES, T.daemonSet];
// Cloud Run v1 services have liveness and startup probes as v2 does; Cloud Functions have no probes.
const TYPES: readonly string[] = [...PROBED_K8S_TYPES, T.cloudRunService, T.cloudRunV1Service];
const TYPE_SET: ReadonlySet<string> = new Set(TYPES);

/** ", which serves Service 'web' (backend of Ingress 'web')": why a container without a port is checked. */
function serviceReason(s: ServiceEntry): string {
  const route = s.route ? ` (backend of ${s.route.type.endsWith(":Ingress") ? "Ingress" : "HTTPRoute"} ${show(s.route.k8sName())})` : "";
  return `, the main container of pods selected by Service ${show(s.r.k8sName())}${route},`;
}

/**
 * Why each container of a Kubernetes workload serves ("" for a declared port), or undefined for a
 * sidecar that serves nothing. Reports undecided when a Service that may select the pod cannot be
 * read at preview.
 */
function servingKubernetes(stack: StackView, w: Workload, cs: readonly ContainerView[], report: Reporter): (string | undefined)[] {
  const out = cs.map((c): string | undefined => {
    if (c.serving) return "";
    const p = firstProbe(c);
    return p ? `, which has a ${p},` : undefined;
  });
  const main = cs[0];
  if (!main || out[0] !== undefined || main.keys[main.keys.length - 1] !== 0) return out;
  const sel = selectingServices(stack, w, PROBED_K8S_TYPES);
  const ports = cs.map(declaredPorts);
  const anyDeclared = ports.some((p) => p.unknown || p.numbers.size > 0 || p.names.size > 0);
  for (const s of sel.services) {
    if (!anyDeclared || (s.targets && !targetsDeclared(s, ports))) {
      out[0] = serviceReason(s);
      return out;
    }
  }
  const pending = sel.unknown ?? sel.services.find((s) => !s.targets)?.r.display();
  if (pending !== undefined) reportUndecided(report, w.r, sel.unknown ?? `'spec.ports' of ${pending}`);
  return out;
}

export const workloadHealthProbes = stackGate({
  meta,
  settings,
  check(stack, s: ProbeSettings, report) {
    // Asked of the view by type, so the workloads are what this gate is recorded to have checked
    // (the evidence behind its checklist lines: cli/report/evaluation.ts traces these queries).
    if (stack.ofType(...TYPES).length === 0) return;
    // In stack order, as the resource gate it was reported them; each finding is about its workload.
    for (const r of stack.resources) {
      if (!TYPE_SET.has(r.type)) continue;
      const w = workloadOf(r);
      if (!w) continue;
      const rep: Reporter = (x) => report(x.subject ? x : { ...x, subject: r });
      const cs = containersOf(w, rep, { init: false });
      if (w.platform === "kubernetes") {
        const why = servingKubernetes(stack, w, cs, rep);
        cs.forEach((c, i) => {
          const reason = why[i];
          if (reason === undefined) return; // a sidecar: no port, no probe, not the main container of a Service's pods
          const expect = expectationOf(c, s);
          checkProbe(w, c, "livenessProbe", [s.livenessPath], rep, expect, reason);
          checkProbe(w, c, "readinessProbe", [s.readinessPath], rep, expect, reason);
        });
      } else {
        for (const c of cs) {
          if (!c.serving) continue; // sidecars and workers without ports serve no traffic
          const expect = expectationOf(c, s);
          checkProbe(w, c, "livenessProbe", [s.livenessPath], rep, expect);
          checkProbe(w, c, "startupProbe", [s.readinessPath, s.livenessPath], rep, expect);
        }
      }
    }
  },
});
