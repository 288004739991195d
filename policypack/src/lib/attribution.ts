/**
 * Which service each observability resource belongs to, as the per-service observability gates
 * read it (service-slos, service-dashboards, uptime-checks): each gate indexes its resources once
 * (group by service in one pass) and reports each service that misses the gate by name. How a
 * resource is matched to a service: docs/contract.md.
 */
import type { ResourceView, StackView } from "../access";
import { undecidedMessage, violation, type Reporter } from "../engine/rule";
import { names, stackServices, type ServiceEntry } from "./services";

/**
 * Which service each resource of a kind belongs to, in one pass: `attribute` returns the service,
 * "unknown" when it cannot be told at preview, or undefined when the resource names no service.
 */
export interface Attribution {
  readonly byService: ReadonlyMap<string, readonly ResourceView[]>;
  readonly unknown: readonly ResourceView[];
  readonly unattributed: readonly ResourceView[];
}

export function attribute(rs: readonly ResourceView[], serviceOf: (r: ResourceView) => string | "unknown" | undefined): Attribution {
  const byService = new Map<string, ResourceView[]>();
  const unknown: ResourceView[] = [];
  const unattributed: ResourceView[] = [];
  for (const r of rs) {
    const s = serviceOf(r);
    if (s === "unknown") unknown.push(r);
    else if (s === undefined) unattributed.push(r);
    else {
      let list = byService.get(s);
      if (!list) byService.set(s, (list = []));
      list.push(r);
    }
  }
  return { byService, unknown, unattributed };
}

/**
 * The per-service "has at least one X" report: undecided when some X cannot be attributed yet.
 * What the message says about the other X is computed once, so reporting many services stays linear.
 */
function missingReporter(found: Attribution, what: string, report: Reporter): (svc: ServiceEntry, fix: string) => void {
  const unknown = found.unknown.length > 0 ? `the service label of ${names(found.unknown)}` : undefined;
  const others = [...found.byService.keys()];
  const parts: string[] = [];
  if (others.length > 0) {
    const more = others.length > 4 ? ` and ${others.length - 4} more` : "";
    parts.push(`${what}s exist for ${others.slice(0, 4).map((o) => `'${o}'`).join(", ")}${more}`);
  }
  if (found.unattributed.length > 0) parts.push(`${names(found.unattributed)} carry no service label`);
  const foundText = parts.length > 0 ? parts.join("; ") : `no ${what} in the stack`;
  return (svc, fix) => {
    if (unknown) report({ subject: svc.anchor, service: svc.name, undecided: true, message: undecidedMessage(`service '${svc.name}'`, unknown) });
    else report({ subject: svc.anchor, service: svc.name, message: violation(`service '${svc.name}'`, `has no ${what}`, foundText, fix) });
  };
}

/**
 * The check of an "every service has at least one X" gate (service-slos, service-dashboards): the
 * resources of `type` are attributed once, and each service none of them belongs to is reported by
 * name. Stacks that hold no service are out of scope.
 */
export function reportServicesWithout(
  stack: StackView,
  type: string,
  what: string,
  serviceOf: (r: ResourceView) => string | "unknown" | undefined,
  fix: (service: string) => string,
  report: Reporter,
): void {
  const services = stackServices(stack);
  if (services.size === 0) return;
  const found = attribute(stack.ofType(type), serviceOf);
  const missing = missingReporter(found, what, report);
  for (const svc of services.values()) {
    if (found.byService.has(svc.name)) continue;
    missing(svc, fix(svc.name));
  }
}
