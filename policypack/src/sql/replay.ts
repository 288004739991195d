/**
 * Schema replay: applies a service's up migrations, in order, to a model of the schema built from
 * the parse trees (tables, columns, row-level security, policies, indexes, extensions, domains),
 * and records the facts the migration gates judge: which statements touch objects that already
 * existed before the migration, which columns get which types, which extensions are used.
 *
 * Independent of the gates' settings, so one replay serves every gate. Down migrations are not
 * replayed (verify-rls applies them to a real database instead).
 */
import type { ColumnDef, Node, RangeVar, TypeName } from "libpg-query";
import { kindOf, listItems, nodeAs, qualified, relName, str, strings, typeKey, typeQualified, typeWritten, type NodeOf } from "./ast";
import type { Migration, MigrationFile } from "./migration-set";
import { directivesOf, parseSql, type ParseError, type Statement } from "./parser";

export type PolicyCommand = "all" | "select" | "insert" | "update" | "delete";

export interface Where {
  /** The migration file (ConfigMap key). */
  readonly file: string;
  readonly line: number;
  /** The statement as written, whitespace collapsed. */
  readonly text: string;
}

export interface ColumnState {
  readonly name: string;
  /** Normalized type key ("bigint", "numeric", a domain's base type), if known. */
  type?: string;
  readonly addedIn: string;
}

export interface PolicyState {
  readonly name: string;
  readonly command: PolicyCommand;
  readonly permissive: boolean;
  using?: Node;
  check?: Node;
  where: Where;
}

export interface TableState {
  key: string;
  readonly created: Where;
  readonly columns: Map<string, ColumnState>;
  /** False when the columns cannot all be read from the migrations (CREATE TABLE AS SELECT *). */
  columnsComplete: boolean;
  rlsEnabled?: Where;
  rlsForced?: Where;
  readonly policies: Map<string, PolicyState>;
  /** Declared global with COMMENT ON TABLE ... IS 'readiness:global ...'. */
  global?: Where;
}

export type DestructiveOp = "DROP TABLE" | "RENAME TABLE" | "DROP COLUMN" | "RENAME COLUMN" | "ALTER COLUMN TYPE" | "SET NOT NULL";

export type ReplayEvent =
  | {
      readonly kind: "create-index";
      readonly where: Where;
      readonly table: string;
      readonly index: string | undefined;
      readonly concurrent: boolean;
      /** The table was created in the same migration file. */
      readonly newTable: boolean;
      readonly inTransactionBlock: boolean;
    }
  | {
      readonly kind: "drop-index";
      readonly where: Where;
      readonly index: string;
      readonly table: string | undefined;
      readonly concurrent: boolean;
      /** The index (or its table) was created in the same migration file. */
      readonly newIndex: boolean;
      readonly inTransactionBlock: boolean;
    }
  | {
      readonly kind: "destructive";
      readonly where: Where;
      readonly op: DestructiveOp;
      readonly table: string;
      readonly column?: string;
      /** The file is declared a contract step (`-- readiness: contract`). */
      readonly contract: boolean;
    }
  | {
      readonly kind: "column-type";
      readonly where: Where;
      readonly table: string;
      readonly column: string;
      /** Normalized base type ("numeric", "bigint", ...). */
      readonly type: string;
      /** The domain the column is declared with, when the type came through one. */
      readonly domain?: string;
      /** The type as declared, with its modifiers: "numeric(12,2)", "amount_t". */
      readonly written: string;
    }
  | { readonly kind: "extension-use"; readonly where: Where; readonly extension: string; readonly via: string };

export interface FileResult {
  readonly key: string;
  readonly contract: boolean;
  readonly error?: ParseError;
  readonly statements: number;
}

export interface ExtensionState {
  readonly where: Where;
  /** Position of the creating file in the migration order. */
  readonly order: number;
}

export interface Replay {
  readonly files: readonly FileResult[];
  readonly events: readonly ReplayEvent[];
  /** The schema after the last up migration. */
  readonly tables: ReadonlyMap<string, TableState>;
  readonly extensions: ReadonlyMap<string, ExtensionState>;
  /** "schema.table.column" of columns declared not money (COMMENT ... IS 'readiness:not-money'). */
  readonly notMoney: ReadonlySet<string>;
}

/** Operator classes that belong to an extension. */
const OPCLASS_EXTENSION: Readonly<Record<string, string>> = {
  gin_trgm_ops: "pg_trgm",
  gist_trgm_ops: "pg_trgm",
};

export const GLOBAL_MARKER = "readiness:global";
export const NOT_MONEY_MARKER = "readiness:not-money";

class Replayer {
  readonly tables = new Map<string, TableState>();
  readonly indexes = new Map<string, { table: string; createdIn: string }>();
  readonly extensions = new Map<string, ExtensionState>();
  readonly domains = new Map<string, string>();
  readonly notMoney = new Set<string>();
  readonly events: ReplayEvent[] = [];
  readonly files: FileResult[] = [];
  private schema = "public";
  private file = "";
  private order = 0;
  private contract = false;
  private inTx = false;
  private lineAt: (byteOffset: number) => number = () => 1;

  run(ups: readonly MigrationFile[]): void {
    ups.forEach((f, i) => this.file_(f, i));
  }

  private file_(f: MigrationFile, order: number): void {
    if (f.text === undefined) return;
    const parsed = parseSql(f.text);
    const contract = directivesOf(parsed.comments).has("contract");
    if (!parsed.ok) {
      this.files.push({ key: f.key, contract, error: parsed.error, statements: 0 });
      return;
    }
    this.files.push({ key: f.key, contract, statements: parsed.statements.length });
    this.file = f.key;
    this.order = order;
    this.contract = contract;
    this.inTx = false;
    this.lineAt = parsed.lineAt;
    for (const s of parsed.statements) this.statement(s);
  }

  private where(s: Statement): Where {
    return { file: this.file, line: s.line, text: s.text };
  }

  private rel(rv: RangeVar | undefined): string {
    return relName(rv, this.schema);
  }

  private newTable(key: string): boolean {
    return this.tables.get(key)?.created.file === this.file;
  }

  private destructive(s: Statement, op: DestructiveOp, table: string, column?: string): void {
    this.events.push({ kind: "destructive", where: this.where(s), op, table, column, contract: this.contract });
  }

  private baseType(t: TypeName | undefined): { type: string; domain?: string; written: string } | undefined {
    const key = typeKey(t);
    if (key === undefined) return undefined;
    const q = typeQualified(t, this.schema);
    const domainBase = this.domains.get(q);
    return domainBase !== undefined ? { type: domainBase, domain: q, written: typeWritten(t) } : { type: key, written: typeWritten(t) };
  }

  /** Adds a column definition (the tree always names columns of CREATE TABLE and ADD COLUMN). */
  private addColumn(s: Statement, table: TableState, def: ColumnDef): void {
    const name = def.colname as string;
    const t = this.baseType(def.typeName);
    table.columns.set(name, { name, type: t?.type, addedIn: this.file });
    if (!t) return;
    const where = { ...this.where(s), line: def.location === undefined ? s.line : this.lineAt(def.location) };
    this.events.push({ kind: "column-type", where, table: table.key, column: name, ...t });
  }

  private statement(s: Statement): void {
    const n = s.node;
    // Each handler gets the payload of the kind it is dispatched on.
    switch (kindOf(n)) {
      case "CreateStmt":
        return this.createTable(s, nodeAs(n, "CreateStmt") as NodeOf<"CreateStmt">);
      case "CreateTableAsStmt":
        return this.createTableAs(s, nodeAs(n, "CreateTableAsStmt") as NodeOf<"CreateTableAsStmt">);
      case "AlterTableStmt":
        return this.alterTable(s, nodeAs(n, "AlterTableStmt") as NodeOf<"AlterTableStmt">);
      case "RenameStmt":
        return this.rename(s, nodeAs(n, "RenameStmt") as NodeOf<"RenameStmt">);
      case "AlterObjectSchemaStmt":
        return this.setSchema(nodeAs(n, "AlterObjectSchemaStmt") as NodeOf<"AlterObjectSchemaStmt">);
      case "DropStmt":
        return this.drop(s, nodeAs(n, "DropStmt") as NodeOf<"DropStmt">);
      case "IndexStmt":
        return this.createIndex(s, nodeAs(n, "IndexStmt") as NodeOf<"IndexStmt">);
      case "CreatePolicyStmt":
        return this.createPolicy(s, nodeAs(n, "CreatePolicyStmt") as NodeOf<"CreatePolicyStmt">);
      case "AlterPolicyStmt":
        return this.alterPolicy(s, nodeAs(n, "AlterPolicyStmt") as NodeOf<"AlterPolicyStmt">);
      case "CommentStmt":
        return this.comment(s, nodeAs(n, "CommentStmt") as NodeOf<"CommentStmt">);
      case "CreateExtensionStmt":
        return this.createExtension(s, nodeAs(n, "CreateExtensionStmt") as NodeOf<"CreateExtensionStmt">);
      case "CreateDomainStmt":
        return this.createDomain(nodeAs(n, "CreateDomainStmt") as NodeOf<"CreateDomainStmt">);
      case "TransactionStmt":
        return this.transaction(nodeAs(n, "TransactionStmt") as NodeOf<"TransactionStmt">);
      case "VariableSetStmt":
        return this.setVariable(nodeAs(n, "VariableSetStmt") as NodeOf<"VariableSetStmt">);
      default:
        return;
    }
  }

  /** Copies the columns of `src` (LIKE, INHERITS, PARTITION OF, SELECT *), or marks them unreadable. */
  private copyColumns(table: TableState, src: TableState | undefined): void {
    if (!src) {
      table.columnsComplete = false;
      return;
    }
    for (const col of src.columns.values()) table.columns.set(col.name, { name: col.name, type: col.type, addedIn: this.file });
    table.columnsComplete &&= src.columnsComplete;
  }

  private createTable(s: Statement, c: NodeOf<"CreateStmt">): void {
    const key = this.rel(c.relation);
    if (this.tables.has(key) && c.if_not_exists) return;
    const table = emptyTable(key, this.where(s));
    this.tables.set(key, table);
    for (const parent of c.inhRelations ?? []) this.copyColumns(table, this.tables.get(this.rel(nodeAs(parent, "RangeVar"))));
    for (const elt of c.tableElts ?? []) {
      const def = nodeAs(elt, "ColumnDef");
      if (def) this.addColumn(s, table, def);
      const like = nodeAs(elt, "TableLikeClause");
      if (like) this.copyColumns(table, this.tables.get(this.rel(like.relation)));
    }
  }

  private createTableAs(s: Statement, c: NodeOf<"CreateTableAsStmt">): void {
    if (c.objtype !== "OBJECT_TABLE") return;
    const key = this.rel(c.into?.rel);
    if (this.tables.has(key) && c.if_not_exists) return;
    const table = emptyTable(key, this.where(s));
    this.tables.set(key, table);
    const names = strings(c.into?.colNames);
    for (const name of names) table.columns.set(name, { name, addedIn: this.file });
    if (names.length > 0) return;
    const select = nodeAs(c.query, "SelectStmt");
    const from = select?.fromClause ?? [];
    for (const t of select?.targetList ?? []) {
      const target = nodeAs(t, "ResTarget");
      const fields = nodeAs(target?.val, "ColumnRef")?.fields ?? [];
      const last = fields[fields.length - 1];
      if (kindOf(last) === "A_Star") {
        this.copyColumns(table, from.length === 1 ? this.tables.get(this.rel(nodeAs(from[0], "RangeVar"))) : undefined);
        continue;
      }
      const name = target?.name ?? str(last);
      if (name) table.columns.set(name, { name, addedIn: this.file });
    }
  }

  private alterTable(s: Statement, a: NodeOf<"AlterTableStmt">): void {
    if (a.objtype !== "OBJECT_TABLE") return;
    const key = this.rel(a.relation);
    const table = this.tables.get(key);
    const isNew = this.newTable(key);
    for (const c of a.cmds as Node[]) {
      const cmd = nodeAs(c, "AlterTableCmd") as NodeOf<"AlterTableCmd">;
      const col = cmd.name ?? "";
      const existingColumn = !isNew && table?.columns.get(col)?.addedIn !== this.file;
      switch (cmd.subtype) {
        case "AT_AddColumn": {
          const def = nodeAs(cmd.def, "ColumnDef");
          if (table && def) this.addColumn(s, table, def);
          break;
        }
        case "AT_DropColumn":
          if (existingColumn) this.destructive(s, "DROP COLUMN", key, col);
          table?.columns.delete(col);
          break;
        case "AT_AlterColumnType": {
          if (existingColumn) this.destructive(s, "ALTER COLUMN TYPE", key, col);
          const t = this.baseType(nodeAs(cmd.def, "ColumnDef")?.typeName);
          const state = table?.columns.get(col);
          if (state) state.type = t?.type;
          if (t) this.events.push({ kind: "column-type", where: this.where(s), table: key, column: col, ...t });
          break;
        }
        case "AT_SetNotNull":
          if (existingColumn) this.destructive(s, "SET NOT NULL", key, col);
          break;
        case "AT_EnableRowSecurity":
          if (table) table.rlsEnabled = this.where(s);
          break;
        case "AT_DisableRowSecurity":
          if (table) table.rlsEnabled = undefined;
          break;
        case "AT_ForceRowSecurity":
          if (table) table.rlsForced = this.where(s);
          break;
        case "AT_NoForceRowSecurity":
          if (table) table.rlsForced = undefined;
          break;
        default:
          break;
      }
    }
  }

  private moveTable(from: string, to: string): void {
    const t = this.tables.get(from);
    if (!t) return;
    this.tables.delete(from);
    t.key = to;
    this.tables.set(to, t);
    for (const idx of this.indexes.values()) if (idx.table === from) idx.table = to;
  }

  private rename(s: Statement, r: NodeOf<"RenameStmt">): void {
    const key = this.rel(r.relation);
    const table = this.tables.get(key);
    const isNew = this.newTable(key);
    const from = r.subname ?? "";
    const to = r.newname as string;
    if (r.renameType === "OBJECT_TABLE") {
      if (!isNew) this.destructive(s, "RENAME TABLE", key);
      this.moveTable(key, `${key.slice(0, key.lastIndexOf("."))}.${to}`);
    } else if (r.renameType === "OBJECT_COLUMN") {
      const col = table?.columns.get(from);
      if (!isNew && col?.addedIn !== this.file) this.destructive(s, "RENAME COLUMN", key, from);
      if (table && col) {
        table.columns.delete(from);
        table.columns.set(to, { ...col, name: to });
      }
    } else if (r.renameType === "OBJECT_POLICY") {
      const p = table?.policies.get(from);
      if (table && p) {
        table.policies.delete(from);
        table.policies.set(to, { ...p, name: to });
      }
    }
  }

  private setSchema(a: NodeOf<"AlterObjectSchemaStmt">): void {
    if (a.objectType !== "OBJECT_TABLE") return;
    const key = this.rel(a.relation);
    this.moveTable(key, `${a.newschema as string}.${key.slice(key.lastIndexOf(".") + 1)}`);
  }

  private drop(s: Statement, d: NodeOf<"DropStmt">): void {
    for (const obj of d.objects as Node[]) {
      const parts = strings(listItems(obj));
      const key = qualified(parts, this.schema);
      switch (d.removeType) {
        case "OBJECT_TABLE": {
          if (!this.newTable(key)) this.destructive(s, "DROP TABLE", key);
          this.tables.delete(key);
          for (const [name, idx] of this.indexes) if (idx.table === key) this.indexes.delete(name);
          break;
        }
        case "OBJECT_INDEX": {
          const idx = this.indexes.get(key);
          const newIndex = idx !== undefined && (idx.createdIn === this.file || this.newTable(idx.table));
          this.events.push({
            kind: "drop-index",
            where: this.where(s),
            index: key,
            table: idx?.table,
            concurrent: d.concurrent === true,
            newIndex,
            inTransactionBlock: this.inTx,
          });
          this.indexes.delete(key);
          break;
        }
        case "OBJECT_EXTENSION":
          for (const p of parts) this.extensions.delete(p);
          break;
        case "OBJECT_POLICY":
          this.tables.get(qualified(parts.slice(0, -1), this.schema))?.policies.delete(parts[parts.length - 1] as string);
          break;
        case "OBJECT_SCHEMA":
          for (const t of [...this.tables.keys()]) if (parts.some((schema) => t.startsWith(`${schema}.`))) this.tables.delete(t);
          break;
        case "OBJECT_TYPE":
        case "OBJECT_DOMAIN":
          this.domains.delete(key);
          break;
        default:
          break;
      }
    }
  }

  private createIndex(s: Statement, i: NodeOf<"IndexStmt">): void {
    const table = this.rel(i.relation);
    const index = i.idxname ? `${table.slice(0, table.lastIndexOf("."))}.${i.idxname}` : undefined;
    this.events.push({
      kind: "create-index",
      where: this.where(s),
      table,
      index,
      concurrent: i.concurrent === true,
      newTable: this.newTable(table),
      inTransactionBlock: this.inTx,
    });
    if (index) this.indexes.set(index, { table, createdIn: this.file });
    for (const p of i.indexParams as Node[]) {
      const opclass = strings(nodeAs(p, "IndexElem")?.opclass);
      const name = opclass[opclass.length - 1] ?? "";
      const ext = OPCLASS_EXTENSION[name];
      if (ext) this.events.push({ kind: "extension-use", where: this.where(s), extension: ext, via: `operator class ${name}` });
    }
  }

  private createPolicy(s: Statement, p: NodeOf<"CreatePolicyStmt">): void {
    const table = this.tables.get(this.rel(p.table));
    if (!table) return;
    const name = p.policy_name as string;
    table.policies.set(name, {
      name,
      // The parser always names the command: all, select, insert, update or delete.
      command: p.cmd_name as PolicyCommand,
      // The tree omits false values: a RESTRICTIVE policy has no `permissive` field.
      permissive: p.permissive === true,
      using: p.qual,
      check: p.with_check,
      where: this.where(s),
    });
  }

  private alterPolicy(s: Statement, p: NodeOf<"AlterPolicyStmt">): void {
    const policy = this.tables.get(this.rel(p.table))?.policies.get(p.policy_name as string);
    if (!policy) return;
    if (p.qual) policy.using = p.qual;
    if (p.with_check) policy.check = p.with_check;
    policy.where = this.where(s);
  }

  private comment(s: Statement, c: NodeOf<"CommentStmt">): void {
    const parts = strings(listItems(c.object));
    const text = (c.comment ?? "").trim().toLowerCase();
    if (c.objtype === "OBJECT_TABLE") {
      const table = this.tables.get(qualified(parts, this.schema));
      if (table) table.global = text.startsWith(GLOBAL_MARKER) ? this.where(s) : undefined;
    } else if (c.objtype === "OBJECT_COLUMN" && text.startsWith(NOT_MONEY_MARKER)) {
      this.notMoney.add(`${qualified(parts.slice(0, -1), this.schema)}.${parts[parts.length - 1]}`);
    }
  }

  private createExtension(s: Statement, e: NodeOf<"CreateExtensionStmt">): void {
    const name = e.extname as string;
    if (!this.extensions.has(name)) this.extensions.set(name, { where: this.where(s), order: this.order });
  }

  private createDomain(d: NodeOf<"CreateDomainStmt">): void {
    const base = this.baseType(d.typeName);
    if (base) this.domains.set(qualified(strings(d.domainname), this.schema), base.type);
  }

  private transaction(t: NodeOf<"TransactionStmt">): void {
    if (t.kind === "TRANS_STMT_BEGIN" || t.kind === "TRANS_STMT_START") this.inTx = true;
    else if (t.kind === "TRANS_STMT_COMMIT" || t.kind === "TRANS_STMT_ROLLBACK") this.inTx = false;
  }

  private setVariable(v: NodeOf<"VariableSetStmt">): void {
    if (v.name !== "search_path") return;
    const first = nodeAs(v.args?.[0], "A_Const")?.sval?.sval;
    this.schema = v.kind === "VAR_SET_VALUE" && first ? first : "public";
  }
}

function emptyTable(key: string, created: Where): TableState {
  return { key, created, columns: new Map(), columnsComplete: true, policies: new Map() };
}

const REPLAY_CACHE_LIMIT = 256;
/** File keys (joined) → replays of file lists with those keys, each with its texts. */
const replayCache = new Map<string, { readonly texts: readonly (string | undefined)[]; readonly replay: Replay }[]>();

/**
 * Replays the up migrations of a set (in order). Files whose SQL is unknown are skipped: callers
 * report the gate undecided before relying on a replay with unknown files. A replay depends only
 * on the up files' names and texts, so results are cached by that content (bounded): services,
 * stacks and audits that ship the same migrations share one replay. The result is shared: callers
 * must not mutate it.
 */
export function replay(migrations: readonly Migration[]): Replay {
  const ups = migrations.map((m) => m.up).filter((u): u is MigrationFile => u !== undefined);
  // Keys follow the file-name pattern (no NUL); texts are compared one by one, not concatenated.
  const key = ups.map((u) => u.key).join("\u0000");
  const candidates = replayCache.get(key) ?? [];
  const hit = candidates.find((c) => c.texts.every((t, i) => t === (ups[i] as MigrationFile).text));
  if (hit) return hit.replay;
  const r = new Replayer();
  r.run(ups);
  const out: Replay = { files: r.files, events: r.events, tables: r.tables, extensions: r.extensions, notMoney: r.notMoney };
  if (replayCache.size >= REPLAY_CACHE_LIMIT) replayCache.delete(replayCache.keys().next().value as string);
  replayCache.set(key, [...candidates.slice(-7), { texts: ups.map((u) => u.text), replay: out }]);
  return out;
}

/** Empties the replay cache (benchmarks measure cold replays with it). */
export function clearReplayCache(): void {
  replayCache.clear();
}
