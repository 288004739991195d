/**
 * Public endpoints that are not Kubernetes Ingresses / HTTPRoutes: what in the stack answers anyone
 * on the internet, found once per stack. Read by uptime-checks (a public service needs an uptime
 * check) and gateway-jwt-auth (an endpoint outside Kong bypasses its JWT and tenant checks).
 *
 * - **invoker**: an IAM member / binding / policy that grants an invoker role (`roles/run.invoker`,
 *   `roles/run.servicesInvoker`, `roles/cloudfunctions.invoker`) to `allUsers` or
 *   `allAuthenticatedUsers` (any Google account: public too) on a Cloud Run service (v1
 *   `gcp:cloudrun/iam*`, v2 `gcp:cloudrunv2/serviceIam*`) or a function (v1
 *   `gcp:cloudfunctions/functionIam*`, v2 `gcp:cloudfunctionsv2/functionIam*`); and a Cloud Run v2
 *   service with `invokerIamDisabled: true` (no invoker check at all). Not public when the service
 *   or function it names is in the stack with internal-only ingress.
 * - **loadBalancer**: a `kubernetes:core/v1:Service` of type LoadBalancer that is not an internal
 *   load balancer (`networking.gke.io/load-balancer-type` / `cloud.google.com/load-balancer-type:
 *   Internal`) and whose `loadBalancerSourceRanges`, when set, include a `/0` range. Kong's own
 *   proxy Service is marked `gateway` (public by design).
 * - **sqlOpen**: a Cloud SQL instance with a public IPv4 (`ipv4Enabled` not false) whose
 *   `authorizedNetworks` hold a `/0` range (`0.0.0.0/0`, `::/0`).
 *
 * A value unknown at preview that the decision needs makes the endpoint `unknown` (undecided). An
 * IAM member computed at apply that depends on another resource (a service account's email) is an
 * identity, not `allUsers`, and is not public.
 */
import { asArray, asString, isRecord, isUnknown, show, T, valueAt, type Lookup, type ResourceView, type StackView } from "../access";
import { memoByObject } from "../memo";

export type EndpointKind = "invoker" | "loadBalancer" | "sqlOpen";

export interface PublicEndpoint {
  readonly kind: EndpointKind;
  /** The resource that opens the endpoint: the IAM resource, the Cloud Run service, the Kubernetes Service, the SQL instance. */
  readonly subject: ResourceView;
  /** The service it belongs to (for an IAM resource: the service of the Cloud Run service / function it names, else its own). */
  readonly service?: string;
  /** What opens it, a clause after the subject ("grants roles/run.invoker to allUsers on Cloud Run service \"billing\""). */
  readonly what: string;
  /** The values that show it. */
  readonly found: string;
  /** How to close it (as a gateway bypass). */
  readonly fix: string;
  /** What is unknown at preview, when the endpoint may be public but cannot be told yet. */
  readonly unknown?: string;
  /** Kong's own proxy Service: the gateway itself, public by design. */
  readonly gateway?: boolean;
}

export const INVOKER_ROLES: ReadonlySet<string> = new Set(["roles/run.invoker", "roles/run.servicesInvoker", "roles/cloudfunctions.invoker"]);
export const PUBLIC_MEMBERS: ReadonlySet<string> = new Set(["allUsers", "allAuthenticatedUsers"]);
/** The `app.kubernetes.io/name` of Kong's proxy Service, as Kong's Helm charts label it. */
export const KONG_PROXY_NAMES: ReadonlySet<string> = new Set(["kong"]);

type Shape = "member" | "binding" | "policy";

interface IamForm {
  readonly shape: Shape;
  /** The type tokens of what it grants on. */
  readonly target: string;
  /** The prop naming the target, and the one with its location. */
  readonly ref: string;
  readonly loc: string;
}

const RUN_V1 = { target: T.cloudRunV1Service, ref: "service", loc: "location" };
const RUN_V2 = { target: T.cloudRunService, ref: "name", loc: "location" };
const FN_V1 = { target: T.functionV1, ref: "cloudFunction", loc: "region" };
const FN_V2 = { target: T.functionV2, ref: "cloudFunction", loc: "location" };

const IAM_FORMS: ReadonlyMap<string, IamForm> = new Map<string, IamForm>([
  [T.runV1IamMember, { shape: "member", ...RUN_V1 }],
  [T.runV1IamBinding, { shape: "binding", ...RUN_V1 }],
  [T.runV1IamPolicy, { shape: "policy", ...RUN_V1 }],
  [T.runIamMember, { shape: "member", ...RUN_V2 }],
  [T.runIamBinding, { shape: "binding", ...RUN_V2 }],
  [T.runIamPolicy, { shape: "policy", ...RUN_V2 }],
  [T.fnV1IamMember, { shape: "member", ...FN_V1 }],
  [T.fnV1IamBinding, { shape: "binding", ...FN_V1 }],
  [T.fnV1IamPolicy, { shape: "policy", ...FN_V1 }],
  [T.fnV2IamMember, { shape: "member", ...FN_V2 }],
  [T.fnV2IamBinding, { shape: "binding", ...FN_V2 }],
  [T.fnV2IamPolicy, { shape: "policy", ...FN_V2 }],
]);

const TARGET_KIND: Readonly<Record<string, string>> = {
  [T.cloudRunV1Service]: "Cloud Run service",
  [T.cloudRunService]: "Cloud Run service",
  [T.functionV1]: "Cloud Function",
  [T.functionV2]: "Cloud Function",
};

/** Every public endpoint of the stack (Ingresses and HTTPRoutes aside), in stack order; built once per stack (do not mutate). */
export const publicEndpoints: (stack: StackView) => readonly PublicEndpoint[] = memoByObject(buildEndpoints);

function buildEndpoints(stack: StackView): PublicEndpoint[] {
  const out: PublicEndpoint[] = [];
  for (const r of stack.ofType(...IAM_FORMS.keys())) invokerGrant(stack, r, IAM_FORMS.get(r.type) as IamForm, out);
  for (const r of stack.ofType(T.cloudRunService)) invokerCheckOff(stack, r, out);
  for (const r of stack.ofType(T.k8sService)) loadBalancer(stack, r, out);
  for (const r of stack.ofType(T.sqlInstance)) sqlOpen(stack, r, out);
  return out;
}

// ------------------------------------------------------------------------------------ invoker

/** "internal" when the target accepts only internal traffic; "open" otherwise; "unknown" at preview. */
function targetIngress(t: ResourceView): { kind: "internal" | "open" | "unknown"; path: string } {
  const read = (path: string, internal: string): { kind: "internal" | "open" | "unknown"; path: string } => {
    if (t.unknown(path)) return { kind: "unknown", path };
    return { kind: t.str(path) === internal ? "internal" : "open", path };
  };
  if (t.type === T.cloudRunService) return read("ingress", "INGRESS_TRAFFIC_INTERNAL_ONLY");
  if (t.type === T.cloudRunV1Service) return read("metadata.annotations.run.googleapis.com/ingress", "internal");
  if (t.type === T.functionV1) return read("ingressSettings", "ALLOW_INTERNAL_ONLY");
  return read("serviceConfig.ingressSettings", "ALLOW_INTERNAL_ONLY");
}

/** The Cloud Run service / function an IAM resource names: by name (or id), same location; by dependency when unknown. */
function targetOf(stack: StackView, r: ResourceView, form: IamForm): ResourceView | "unknown" | undefined {
  const ref = r.get(form.ref);
  if (ref.kind === "unknown") return stack.dependsOnType(r, form.ref, form.target) ?? "unknown";
  const full = ref.kind === "known" ? asString(ref.value) : undefined;
  if (!full) return undefined;
  const name = full.split("/").pop();
  const loc = r.unknown(form.loc) ? undefined : (r.str(form.loc) ?? /\/locations\/([^/]+)\//.exec(full)?.[1]);
  return stack.ofType(form.target).find((t) => {
    const tname = t.unknown("name") ? undefined : (t.str("name") ?? t.name);
    if (tname !== name) return false;
    const tloc = t.unknown("location") || t.unknown("region") ? undefined : (t.str("location") ?? t.str("region"));
    return loc === undefined || tloc === undefined || loc === tloc;
  });
}

interface Grant {
  readonly role: string;
  readonly member: string;
  /** Where it was read ("member", "members", "policyData bindings[0]"). */
  readonly at: string;
}

/** Members that may be public, and what is unknown. A computed member that depends on a resource is an identity of the stack. */
function grantsOf(r: ResourceView, shape: Shape): { grants: Grant[]; unknown?: string } {
  const grants: Grant[] = [];
  const computedIdentity = (prop: string) => r.dependenciesOf(prop).length > 0;
  if (shape === "policy") {
    const pd = r.get("policyData");
    if (pd.kind === "unknown") return { grants, unknown: "'policyData'" };
    let doc: unknown;
    try {
      doc = JSON.parse(asString(pd.kind === "known" ? pd.value : undefined) ?? "{}");
    } catch {
      return { grants };
    }
    asArray(valueAt(doc, "bindings")).forEach((b, i) => {
      const role = asString(valueAt(b, "role"));
      for (const m of asArray(valueAt(b, "members"))) {
        const member = asString(m);
        if (role && member && PUBLIC_MEMBERS.has(member)) grants.push({ role, member, at: `policyData bindings[${i}]` });
      }
    });
    return { grants };
  }
  const role: Lookup = r.get("role");
  const prop = shape === "member" ? "member" : "members";
  const m = r.get(prop);
  if (m.kind === "unknown") return computedIdentity(prop) ? { grants } : { grants, unknown: `'${prop}'` };
  const members = shape === "member" ? [m.kind === "known" ? m.value : undefined] : asArray(m.kind === "known" ? m.value : undefined);
  let unknown: string | undefined;
  for (const v of members) {
    if (isUnknown(v)) {
      if (!computedIdentity(prop)) unknown ??= `'${prop}'`;
      continue;
    }
    const member = asString(v);
    if (!member || !PUBLIC_MEMBERS.has(member)) continue;
    if (role.kind === "unknown") unknown ??= "'role'";
    else if (role.kind === "known" && typeof role.value === "string") grants.push({ role: role.value, member, at: prop });
  }
  return { grants, unknown };
}

function invokerGrant(stack: StackView, r: ResourceView, form: IamForm, out: PublicEndpoint[]): void {
  const { grants, unknown } = grantsOf(r, form.shape);
  const open = grants.filter((g) => INVOKER_ROLES.has(g.role));
  if (open.length === 0 && !unknown) return;
  const target = targetOf(stack, r, form);
  const t = typeof target === "object" ? target : undefined;
  const kind = TARGET_KIND[form.target] as string;
  const ingress = t ? targetIngress(t) : undefined;
  if (ingress?.kind === "internal") return; // reachable from the VPC only
  const ref = r.get(form.ref);
  const targetName = t ? show(t.str("name") ?? t.name) : ref.kind === "known" ? show(ref.value) : "(unknown until apply)";
  const service = (t && stack.serviceOf(t)) ?? stack.serviceOf(r);
  const first = open[0];
  const what = first
    ? `grants ${first.role} to ${first.member} on ${kind} ${targetName}, so anyone can call it`
    : `may grant an invoker role to allUsers on ${kind} ${targetName}`;
  const found = open.map((g) => `${g.at} ${show(g.member)} with ${g.role}`).join("; ") || (unknown ?? "");
  const fix = `grant ${first?.role ?? "the invoker role"} only to the Kong gateway's service account (not allUsers / allAuthenticatedUsers), set the ${kind}'s ingress to internal, and route clients through a Kong Ingress`;
  // A public grant is the fact, whatever it names (a target outside the stack, or one unknown until
  // apply, counts); only a target of the stack whose ingress is unknown may still turn out internal.
  const undecided = !first ? unknown : ingress?.kind === "unknown" ? `'${ingress.path}' of ${t?.display()}` : undefined;
  out.push({ kind: "invoker", subject: r, service, what, found, fix, ...(undecided ? { unknown: undecided } : {}) });
}

/** A Cloud Run v2 service with the invoker IAM check disabled answers anyone its ingress lets in. */
function invokerCheckOff(stack: StackView, r: ResourceView, out: PublicEndpoint[]): void {
  const off = r.get("invokerIamDisabled");
  if (off.kind === "absent" || (off.kind === "known" && off.value !== true)) return;
  const ingress = targetIngress(r);
  if (ingress.kind === "internal") return;
  const service = stack.serviceOf(r);
  const found = `invokerIamDisabled ${show(off.kind === "known" ? off.value : "(unknown until apply)")}, ingress ${show(r.str("ingress") ?? "INGRESS_TRAFFIC_ALL (default)")}`;
  const unknown = off.kind === "unknown" ? "'invokerIamDisabled'" : ingress.kind === "unknown" ? "'ingress'" : undefined;
  out.push({
    kind: "invoker",
    subject: r,
    service,
    what: "disables the invoker IAM check and accepts traffic from the internet, so anyone can call it",
    found,
    fix: 'set invokerIamDisabled: false and ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", grant roles/run.invoker to the Kong gateway\'s service account, and route clients through a Kong Ingress',
    ...(unknown ? { unknown } : {}),
  });
}

// ------------------------------------------------------------------------------ load balancer

const INTERNAL_LB_ANNOTATIONS = ["networking.gke.io/load-balancer-type", "cloud.google.com/load-balancer-type"] as const;
const ANY_ADDRESS = /\/0$/;

/** Kong's own proxy: labelled (or selecting pods) `app.kubernetes.io/name: kong`, or rendered by a Kong Helm chart. */
export function isKongProxy(stack: StackView, svc: ResourceView): boolean {
  const names = [svc.label("app.kubernetes.io/name"), asString(svc.value(["spec", "selector", "app.kubernetes.io/name"]))];
  if (names.some((n) => n !== undefined && KONG_PROXY_NAMES.has(n))) return true;
  let cur = stack.byUrn(svc.parentUrn() ?? "");
  for (let depth = 0; cur && depth < 64; depth++) {
    if (cur.type === T.helmChartV4) {
      const chart = cur.str("chart") ?? "";
      if (/(^|\/)kong$/.test(chart) || chart === "kong/ingress" || (cur.str("repositoryOpts.repo") ?? "").includes("charts.konghq.com")) return true;
    }
    cur = stack.byUrn(cur.parentUrn() ?? "");
  }
  return false;
}

function loadBalancer(stack: StackView, r: ResourceView, out: PublicEndpoint[]): void {
  const type = r.get("spec.type");
  if (type.kind === "absent" || (type.kind === "known" && type.value !== "LoadBalancer")) return;
  const base = {
    kind: "loadBalancer" as const,
    subject: r,
    service: stack.serviceOf(r),
    what: `exposes Service ${show(`${r.namespace()}/${r.k8sName()}`)} on an external load balancer, reachable from the internet`,
    fix: 'make it a ClusterIP Service routed by a Kong Ingress, or an internal load balancer (annotation networking.gke.io/load-balancer-type: "Internal") for clients in the VPC',
  };
  if (type.kind === "unknown") return void out.push({ ...base, found: "spec.type unknown", unknown: "'spec.type'" });
  if (r.unknown("metadata.annotations")) return void out.push({ ...base, found: 'spec.type "LoadBalancer"', unknown: "'metadata.annotations'" });
  const ann = r.annotations();
  if (INTERNAL_LB_ANNOTATIONS.some((k) => ann[k]?.toLowerCase() === "internal")) return;
  const ranges = r.get("spec.loadBalancerSourceRanges");
  if (ranges.kind === "unknown") return void out.push({ ...base, found: 'spec.type "LoadBalancer"', unknown: "'spec.loadBalancerSourceRanges'" });
  const list = ranges.kind === "known" ? asArray(ranges.value).map(asString) : [];
  if (list.length > 0 && !list.some((x) => x !== undefined && ANY_ADDRESS.test(x.trim()))) return; // restricted to the listed networks
  const found = `spec.type "LoadBalancer"${list.length > 0 ? `, loadBalancerSourceRanges ${show(list)}` : ", no loadBalancerSourceRanges"}, no internal load-balancer annotation`;
  out.push({ ...base, found, ...(isKongProxy(stack, r) ? { gateway: true } : {}) });
}

// ------------------------------------------------------------------------------------ Cloud SQL

const NETS = "settings.ipConfiguration.authorizedNetworks";
const IPV4 = "settings.ipConfiguration.ipv4Enabled";

function sqlOpen(stack: StackView, r: ResourceView, out: PublicEndpoint[]): void {
  if (r.bool(IPV4) === false && !r.unknown(IPV4)) return; // no public IP: authorized networks admit nothing
  const base = {
    kind: "sqlOpen" as const,
    subject: r,
    service: stack.serviceOf(r),
    what: "accepts database connections from any address on its public IP",
    fix: `remove the /0 entry from ${NETS} (connect through the Cloud SQL Auth Proxy, or a private IP: ${IPV4}: false)`,
  };
  const nets = r.get(NETS);
  if (nets.kind === "unknown") return void out.push({ ...base, found: `${NETS} unknown`, unknown: `'${NETS}'` });
  const list = nets.kind === "known" ? asArray(nets.value) : [];
  const open: string[] = [];
  let unknown: string | undefined;
  list.forEach((n, i) => {
    const v = valueAt(n, "value");
    if (isUnknown(v) || isUnknown(n)) unknown ??= `'${NETS}[${i}].value'`;
    const s = asString(v);
    if (s !== undefined && ANY_ADDRESS.test(s.trim())) open.push(`${NETS}[${i}].value ${show(s)}${isRecord(n) && asString(n["name"]) ? ` (${show(asString(n["name"]))})` : ""}`);
  });
  if (open.length === 0 && !unknown) return;
  if (open.length > 0 && r.unknown(IPV4)) return void out.push({ ...base, found: open.join("; "), unknown: `'${IPV4}'` });
  out.push({ ...base, found: open.join("; ") || `${NETS} unknown`, ...(open.length === 0 && unknown ? { unknown } : {}) });
}
