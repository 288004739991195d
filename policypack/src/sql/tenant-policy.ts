/**
 * Does a row-level security policy restrict rows to the session's tenant?
 *
 * An expression is judged on its parse tree:
 *   tenant  it implies `tenant_id = <the session's tenant>`, where the session's tenant is
 *           current_setting('app.tenant_id'[, missing_ok]) (through casts, NULLIF(.., '') and a
 *           scalar sub-select), or a call of a configured function;
 *   shared  it implies that, or `tenant_id IS NULL` (rows shared by every tenant, read-only);
 *   none    anything else (`true`, another column, a comparison with a constant...).
 * AND takes the strongest of its operands, OR the weakest.
 *
 * Per command, Postgres combines the policies that apply: restrictive ones with AND, permissive
 * ones with OR. A command is safe when a restrictive policy restricts it to the tenant, or when
 * every permissive policy does (a single permissive `USING (true)` opens the table). A policy
 * FOR ALL or FOR UPDATE without WITH CHECK uses its USING as WITH CHECK: that is Postgres'
 * semantics, and the pack accepts it.
 */
import type { Node } from "libpg-query";
import { nodeAs, strings } from "./ast";
import type { PolicyState, TableState } from "./replay";

export type Scope = "none" | "shared" | "tenant";
const RANK: Readonly<Record<Scope, number>> = { none: 0, shared: 1, tenant: 2 };

export interface TenantSettings {
  readonly tenantColumn: string;
  /** The custom setting holding the session's tenant ("app.tenant_id"). */
  readonly tenantSetting: string;
  /** Functions (optionally schema-qualified) that return the session's tenant. */
  readonly tenantFunctions: readonly string[];
  /** Accept `OR tenant_id IS NULL` in SELECT policies (rows shared read-only by all tenants). */
  readonly allowSharedRows: boolean;
}

function unwrapCast(n: Node | undefined): Node | undefined {
  let cur = n;
  for (let depth = 0; depth < 16; depth++) {
    const cast = nodeAs(cur, "TypeCast");
    if (!cast) break;
    cur = cast.arg;
  }
  return cur;
}

function isTenantColumn(n: Node | undefined, s: TenantSettings): boolean {
  const fields = strings(nodeAs(unwrapCast(n), "ColumnRef")?.fields);
  return fields.length > 0 && fields[fields.length - 1] === s.tenantColumn;
}

function constString(n: Node | undefined): string | undefined {
  return nodeAs(unwrapCast(n), "A_Const")?.sval?.sval;
}

function functionMatches(parts: readonly string[], configured: string): boolean {
  const want = configured.toLowerCase().split(".");
  if (want.length > parts.length) return false;
  const tail = parts.slice(parts.length - want.length).map((p) => p.toLowerCase());
  return tail.every((p, i) => p === want[i]);
}

/** True when `n` evaluates to the session's tenant. */
export function isTenantValue(n: Node | undefined, s: TenantSettings, depth = 0): boolean {
  if (depth > 16) return false;
  const v = unwrapCast(n);
  const nullif = nodeAs(v, "A_Expr");
  if (nullif?.kind === "AEXPR_NULLIF") return isTenantValue(nullif.lexpr, s, depth + 1);
  const sub = nodeAs(v, "SubLink");
  if (sub) {
    const select = nodeAs(sub.subselect, "SelectStmt");
    const targets = select?.targetList ?? [];
    if (sub.subLinkType !== "EXPR_SUBLINK" || !select || (select.fromClause ?? []).length > 0 || targets.length !== 1) return false;
    return isTenantValue(nodeAs(targets[0], "ResTarget")?.val, s, depth + 1);
  }
  const call = nodeAs(v, "FuncCall");
  if (!call) return false;
  const name = strings(call.funcname);
  const args = call.args ?? [];
  const last = name[name.length - 1]?.toLowerCase();
  if (last === "current_setting" && (name.length === 1 || name[0] === "pg_catalog") && args.length >= 1 && args.length <= 2) {
    return constString(args[0])?.toLowerCase() === s.tenantSetting.toLowerCase();
  }
  return args.length === 0 && s.tenantFunctions.some((f) => functionMatches(name, f));
}

/** How far an expression restricts rows towards the session's tenant. */
export function scopeOf(n: Node | undefined, s: TenantSettings, depth = 0): Scope {
  if (n === undefined || depth > 32) return "none";
  const bool = nodeAs(n, "BoolExpr");
  if (bool) {
    if (bool.boolop === "NOT_EXPR") return "none";
    // AND and OR always have operands.
    const scopes = (bool.args as Node[]).map((a) => scopeOf(a, s, depth + 1));
    const ranks = scopes.map((x) => RANK[x]);
    const r = bool.boolop === "AND_EXPR" ? Math.max(...ranks) : Math.min(...ranks);
    return r === 2 ? "tenant" : r === 1 ? "shared" : "none";
  }
  const e = nodeAs(n, "A_Expr");
  if (e) {
    const op = strings(e.name);
    if (e.kind !== "AEXPR_OP" || op.length !== 1 || op[0] !== "=") return "none";
    const tied = (isTenantColumn(e.lexpr, s) && isTenantValue(e.rexpr, s)) || (isTenantColumn(e.rexpr, s) && isTenantValue(e.lexpr, s));
    return tied ? "tenant" : "none";
  }
  const nt = nodeAs(n, "NullTest");
  if (nt?.nulltesttype === "IS_NULL" && isTenantColumn(nt.arg, s)) return "shared";
  return "none";
}

export type Command = "select" | "insert" | "update" | "delete";
const ALL_COMMANDS: readonly Command[] = ["select", "insert", "update", "delete"];

export interface PolicyFault {
  readonly policy: PolicyState;
  readonly clause: "USING" | "WITH CHECK";
  readonly commands: readonly Command[];
  /** What the clause lets through. */
  readonly scope: Scope;
}

function applies(p: PolicyState, c: Command): boolean {
  return p.command === "all" || p.command === c;
}

/** The clauses of `p` that decide command `c`, and the scope each must reach. */
function clausesFor(p: PolicyState, c: Command, s: TenantSettings): { clause: "USING" | "WITH CHECK"; expr: Node | undefined; need: Scope }[] {
  const out: { clause: "USING" | "WITH CHECK"; expr: Node | undefined; need: Scope }[] = [];
  if (c !== "insert") out.push({ clause: "USING", expr: p.using, need: c === "select" && s.allowSharedRows ? "shared" : "tenant" });
  if (c === "insert" || c === "update") out.push({ clause: "WITH CHECK", expr: p.check ?? p.using, need: "tenant" });
  return out;
}

function faultsOf(p: PolicyState, c: Command, s: TenantSettings): { clause: "USING" | "WITH CHECK"; scope: Scope }[] {
  return clausesFor(p, c, s)
    .map((x) => ({ clause: x.clause, scope: scopeOf(x.expr, s), need: x.need }))
    .filter((x) => RANK[x.scope] < RANK[x.need]);
}

const faultCache = new WeakMap<TableState, { readonly s: TenantSettings; readonly faults: readonly PolicyFault[] }>();

/**
 * The policy clauses through which a session could reach another tenant's rows, per command,
 * grouped by policy and clause. Empty when every command is restricted to the session's tenant.
 * Memoised per table and settings object (replays are shared by services with the same SQL).
 */
export function policyFaults(t: TableState, s: TenantSettings): readonly PolicyFault[] {
  const hit = faultCache.get(t);
  if (hit && hit.s === s) return hit.faults;
  const faults = computeFaults(t, s);
  faultCache.set(t, { s, faults });
  return faults;
}

function computeFaults(t: TableState, s: TenantSettings): PolicyFault[] {
  const faults = new Map<string, { policy: PolicyState; clause: "USING" | "WITH CHECK"; commands: Command[]; scope: Scope }>();
  const policies = [...t.policies.values()];
  for (const c of ALL_COMMANDS) {
    const relevant = policies.filter((p) => applies(p, c));
    if (relevant.some((p) => !p.permissive && faultsOf(p, c, s).length === 0)) continue;
    for (const p of relevant.filter((x) => x.permissive)) {
      for (const f of faultsOf(p, c, s)) {
        const key = `${p.name}\u0000${f.clause}`;
        const entry = faults.get(key);
        if (entry) entry.commands.push(c);
        else faults.set(key, { policy: p, clause: f.clause, commands: [c], scope: f.scope });
      }
    }
  }
  return [...faults.values()];
}
