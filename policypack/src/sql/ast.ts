/**
 * Small typed helpers over libpg-query's parse tree (one wrapper key per node: `{CreateStmt: {...}}`).
 * Every field of the tree is optional; these helpers never throw on a missing one.
 */
import type { Node, RangeVar, TypeName } from "libpg-query";

/** Every node kind ("CreateStmt", "A_Expr", ...). */
export type NodeKind = Node extends infer U ? (U extends unknown ? keyof U : never) : never;
/** The payload of a node kind. */
export type NodeOf<K extends NodeKind> = Extract<Node, { [P in K]: unknown }>[K];

/** The payload of `n` when it is of kind `k`, else undefined. */
export function nodeAs<K extends NodeKind>(n: Node | undefined, k: K): NodeOf<K> | undefined {
  if (n === undefined || n === null || typeof n !== "object" || !(k in n)) return undefined;
  return (n as unknown as Record<K, NodeOf<K>>)[k];
}

/** The kind of a node (its one key). */
export function kindOf(n: Node | undefined): string | undefined {
  if (n === undefined || n === null || typeof n !== "object") return undefined;
  return Object.keys(n)[0];
}

/** The `sval` of a String node. */
export function str(n: Node | undefined): string | undefined {
  return nodeAs(n, "String")?.sval;
}

/** A list of String nodes as strings (qualified names: ["pg_catalog", "int8"]). */
export function strings(list: readonly Node[] | undefined): string[] {
  return (list ?? []).map(str).filter((s): s is string => s !== undefined);
}

/** The items of a List node, or the node itself as a one-element list. */
export function listItems(n: Node | undefined): readonly Node[] {
  const l = nodeAs(n, "List");
  if (l) return l.items ?? [];
  return n === undefined ? [] : [n];
}

/** "schema.name" from a RangeVar, with the schema the session would use when it is not written. */
export function relName(rv: RangeVar | undefined, defaultSchema: string): string {
  return `${rv?.schemaname ?? defaultSchema}.${rv?.relname ?? ""}`;
}

/** "schema.name" from a list of name parts ([schema, name] or [name]; [db, schema, name]). */
export function qualified(parts: readonly string[], defaultSchema: string): string {
  const name = parts[parts.length - 1] ?? "";
  const schema = parts.length >= 2 ? (parts[parts.length - 2] as string) : defaultSchema;
  return `${schema}.${name}`;
}

/** Postgres' internal names for the SQL-standard type spellings, back to what people write. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  int8: "bigint",
  int4: "integer",
  int2: "smallint",
  float8: "double precision",
  float4: "real",
  bool: "boolean",
  bpchar: "char",
  timestamptz: "timestamp with time zone",
  decimal: "numeric",
};

/**
 * A type name as a normalized key: the last name part, Postgres' internal names mapped to their
 * common spelling ("pg_catalog.int8" → "bigint", "float8" → "double precision", "decimal" → "numeric").
 */
export function typeKey(t: TypeName | undefined): string | undefined {
  const parts = strings(t?.names);
  const last = parts[parts.length - 1];
  if (last === undefined) return undefined;
  const key = TYPE_ALIASES[last] ?? last;
  return (t?.arrayBounds?.length ?? 0) > 0 ? `${key}[]` : key;
}

/** The qualified name of a user type (domains, enums), for lookups. */
export function typeQualified(t: TypeName | undefined, defaultSchema: string): string {
  return qualified(strings(t?.names), defaultSchema);
}

/** A type as declared, with its modifiers and array bounds: "numeric(12,2)", "double precision[]". */
export function typeWritten(t: TypeName | undefined): string {
  const key = typeKey(t) ?? "unknown";
  const base = key.endsWith("[]") ? key.slice(0, -2) : key;
  const mods = (t?.typmods ?? []).map((m) => {
    const c = nodeAs(m, "A_Const");
    return c?.ival !== undefined ? String(c.ival.ival ?? 0) : "?";
  });
  return `${base}${mods.length > 0 ? `(${mods.join(",")})` : ""}${key.endsWith("[]") ? "[]" : ""}`;
}
