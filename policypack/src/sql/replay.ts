/**
 * Schema replay: applies a service's up migrations, in order, to a model of the schema built from
 * the parse trees (tables, columns, row-level security, policies, indexes, extensions, domains),
 * and records the facts the migration gates judge: which statements touch objects that already
 * existed before the migration, which columns get which types, which extensions are used.
 *
 * Independent of the gates' settings, so one replay serves every gate. Down migrations are not
 * replayed (verify-rls applies them to a real database instead).
 */
import type { ColumnDef, Constraint, Node, RangeVar, TypeName } from "libpg-query";
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
  /** CHECK constraints by name (unnamed ones under PostgreSQL's default name), for SET NOT NULL. */
  readonly checks: Map<string, CheckState>;
}

export interface CheckState {
  /** The column the CHECK proves not null (`CHECK (col IS NOT NULL)`), if that is what it says. */
  readonly notNull?: string;
  /** False while the constraint is NOT VALID (not yet VALIDATEd). */
  validated: boolean;
}

/**
 * A statement that can stop production traffic on a table that already existed before its
 * migration file (tables created by the same file are exempt; see migrations-lock-safety).
 */
export type LockHazard =
  | { readonly kind: "add-unique"; readonly table: string; readonly constraint: string | undefined; readonly written: "UNIQUE" | "PRIMARY KEY"; readonly columns: readonly string[] }
  | { readonly kind: "add-foreign-key"; readonly table: string; readonly constraint: string | undefined; readonly references: string; readonly columns: readonly string[] }
  | { readonly kind: "add-check"; readonly table: string; readonly constraint: string | undefined; readonly column?: string }
  | { readonly kind: "validate-same-transaction"; readonly table: string; readonly constraint: string; readonly addedLine: number }
  | {
      readonly kind: "add-column-default";
      readonly table: string;
      readonly column: string;
      /** volatile: a function not known to be stable; serial/identity/generated: a value per row. */
      readonly default: "volatile" | "serial" | "identity" | "generated" | "constant";
      /** The function, type or clause that gives the values ("gen_random_uuid()", "bigserial"). */
      readonly via: string;
    }
  | { readonly kind: "add-column-not-null"; readonly table: string; readonly column: string }
  | { readonly kind: "set-not-null"; readonly table: string; readonly column: string; readonly proven: boolean; readonly contract: boolean }
  | { readonly kind: "reindex"; readonly target: string }
  | { readonly kind: "vacuum-full"; readonly target: string }
  | { readonly kind: "cluster"; readonly target: string }
  | { readonly kind: "truncate-cascade"; readonly target: string }
  | { readonly kind: "drop-database"; readonly target: string }
  | { readonly kind: "nested-transaction"; readonly beganLine: number }
  | { readonly kind: "unfinished-transaction" }
  | { readonly kind: "domain-constraint"; readonly target: string; readonly constraint: string | undefined };

/** The lock a statement takes on the table it touches, as PostgreSQL names it. */
export type LockMode = "ACCESS EXCLUSIVE" | "EXCLUSIVE" | "SHARE ROW EXCLUSIVE" | "SHARE" | "ROW EXCLUSIVE";

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
      /** SET NOT NULL only: a validated CHECK (column IS NOT NULL) proves the column already (PostgreSQL >= 12 skips the scan). */
      readonly provenNotNull?: boolean;
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
  | { readonly kind: "extension-use"; readonly where: Where; readonly extension: string; readonly via: string }
  | { readonly kind: "lock-hazard"; readonly where: Where; readonly hazard: LockHazard }
  | {
      /** A statement that queues for a lock conflicting with ordinary reads or writes of an existing table. */
      readonly kind: "locking";
      readonly where: Where;
      readonly table: string;
      readonly mode: LockMode;
      /** A non-zero lock_timeout / statement_timeout was SET earlier in the same file. */
      readonly lockTimeout: boolean;
      readonly statementTimeout: boolean;
    };

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
  /** Domain → the file that created it. */
  readonly domainFiles = new Map<string, string>();
  readonly notMoney = new Set<string>();
  readonly events: ReplayEvent[] = [];
  readonly files: FileResult[] = [];
  private schema = "public";
  private file = "";
  private order = 0;
  private contract = false;
  private inTx = false;
  /** The BEGIN of the open explicit transaction. */
  private txBegan: Where | undefined;
  /** A non-zero lock_timeout / statement_timeout is SET in this file so far. */
  private lockTimeout = false;
  private statementTimeout = false;
  /** "table constraint" → line, for constraints added NOT VALID by this file. */
  private readonly notValid = new Map<string, number>();
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
    this.txBegan = undefined;
    this.lockTimeout = false;
    this.statementTimeout = false;
    this.notValid.clear();
    this.lineAt = parsed.lineAt;
    for (const s of parsed.statements) this.statement(s);
    if (this.inTx && this.txBegan) this.hazard(this.txBegan, { kind: "unfinished-transaction" });
  }

  private hazard(where: Where, hazard: LockHazard): void {
    this.events.push({ kind: "lock-hazard", where, hazard });
  }

  /** The table's key when it existed before this file (or is not created by the migrations at all), else undefined. */
  private existing(rv: RangeVar | undefined): string | undefined {
    const key = this.rel(rv);
    return this.newTable(key) ? undefined : key;
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

  private destructive(s: Statement, op: DestructiveOp, table: string, column?: string, provenNotNull?: boolean): void {
    this.events.push({ kind: "destructive", where: this.where(s), op, table, column, contract: this.contract, ...(provenNotNull === undefined ? {} : { provenNotNull }) });
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
    const lock = this.lockTarget(n);
    if (lock) this.events.push({ kind: "locking", where: this.where(s), ...lock, lockTimeout: this.lockTimeout, statementTimeout: this.statementTimeout });
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
        return this.transaction(s, nodeAs(n, "TransactionStmt") as NodeOf<"TransactionStmt">);
      case "ReindexStmt":
        return this.reindex(s, nodeAs(n, "ReindexStmt") as NodeOf<"ReindexStmt">);
      case "VacuumStmt":
        return this.vacuum(s, nodeAs(n, "VacuumStmt") as NodeOf<"VacuumStmt">);
      case "ClusterStmt":
        return this.cluster(s, nodeAs(n, "ClusterStmt") as NodeOf<"ClusterStmt">);
      case "TruncateStmt":
        return this.truncate(s, nodeAs(n, "TruncateStmt") as NodeOf<"TruncateStmt">);
      case "DropdbStmt":
        return this.hazard(this.where(s), { kind: "drop-database", target: (nodeAs(n, "DropdbStmt") as NodeOf<"DropdbStmt">).dbname ?? "" });
      case "AlterDomainStmt":
        return this.alterDomain(s, nodeAs(n, "AlterDomainStmt") as NodeOf<"AlterDomainStmt">);
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
      for (const k of def ? constraintsOf(def) : [nodeAs(elt, "Constraint")]) if (k?.contype === "CONSTR_CHECK") this.addCheck(table, k, def?.colname);
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
          if (def && !isNew) this.addColumnHazards(s, key, def);
          if (table && def) this.addColumn(s, table, def);
          if (table && def) for (const k of constraintsOf(def)) if (k.contype === "CONSTR_CHECK") this.addCheck(table, k, def.colname);
          break;
        }
        case "AT_AddConstraint": {
          const k = nodeAs(cmd.def, "Constraint");
          if (k) this.addConstraint(s, key, table, k, isNew);
          break;
        }
        case "AT_ValidateConstraint": {
          const line = this.notValid.get(`${key} ${col}`);
          if (line !== undefined) this.hazard(this.where(s), { kind: "validate-same-transaction", table: key, constraint: col, addedLine: line });
          const check = table?.checks.get(col);
          if (check) check.validated = true;
          break;
        }
        case "AT_DropConstraint":
          table?.checks.delete(col);
          break;
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
          if (existingColumn) {
            const proven = [...(table?.checks.values() ?? [])].some((k) => k.validated && k.notNull === col);
            this.destructive(s, "SET NOT NULL", key, col, proven);
            this.hazard(this.where(s), { kind: "set-not-null", table: key, column: col, proven, contract: this.contract });
          }
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
    const name = qualified(strings(d.domainname), this.schema);
    this.domainFiles.set(name, this.file);
    if (base) this.domains.set(name, base.type);
  }

  private transaction(s: Statement, t: NodeOf<"TransactionStmt">): void {
    if (t.kind === "TRANS_STMT_BEGIN" || t.kind === "TRANS_STMT_START") {
      if (this.inTx && this.txBegan) this.hazard(this.where(s), { kind: "nested-transaction", beganLine: this.txBegan.line });
      else this.txBegan = this.where(s);
      this.inTx = true;
    } else if (t.kind === "TRANS_STMT_COMMIT" || t.kind === "TRANS_STMT_ROLLBACK") {
      this.inTx = false;
      this.txBegan = undefined;
    }
  }

  // ---------------------------------------------------------------- locks (migrations-lock-safety)

  /** Records a CHECK constraint of a table (validated unless NOT VALID). */
  private addCheck(table: TableState, k: Constraint, column: string | undefined): void {
    const notNull = notNullColumn(k.raw_expr);
    const col = column ?? notNull;
    const name = k.conname ?? `${table.key.slice(table.key.lastIndexOf(".") + 1)}${col !== undefined ? `_${col}` : ""}_check`;
    table.checks.set(name, { notNull, validated: k.skip_validation !== true });
  }

  /** ALTER TABLE ... ADD [CONSTRAINT] on a table: the hazards when it existed before this file. */
  private addConstraint(s: Statement, key: string, table: TableState | undefined, k: Constraint, isNew: boolean): void {
    if (k.contype === "CONSTR_CHECK" && table) this.addCheck(table, k, undefined);
    if (isNew) return;
    const where = this.where(s);
    const columns = strings(k.keys);
    if ((k.contype === "CONSTR_UNIQUE" || k.contype === "CONSTR_PRIMARY") && k.indexname === undefined) {
      this.hazard(where, { kind: "add-unique", table: key, constraint: k.conname, written: k.contype === "CONSTR_UNIQUE" ? "UNIQUE" : "PRIMARY KEY", columns });
    } else if (k.contype === "CONSTR_FOREIGN" || k.contype === "CONSTR_CHECK") {
      if (k.skip_validation === true) {
        if (k.conname !== undefined) this.notValid.set(`${key} ${k.conname}`, s.line);
      } else if (k.contype === "CONSTR_FOREIGN") {
        this.hazard(where, { kind: "add-foreign-key", table: key, constraint: k.conname, references: this.rel(k.pktable), columns: strings(k.fk_attrs) });
      } else {
        this.hazard(where, { kind: "add-check", table: key, constraint: k.conname });
      }
    }
  }

  /** ADD COLUMN on an existing table: per-row defaults (rewrite), NOT NULL without a default, inline constraints. */
  private addColumnHazards(s: Statement, table: string, def: ColumnDef): void {
    const where = this.where(s);
    const column = def.colname as string;
    const cons = constraintsOf(def);
    const type = typeKey(def.typeName) ?? "";
    const has = (t: string): Constraint | undefined => cons.find((k) => k.contype === t);
    const dflt = has("CONSTR_DEFAULT");
    let d: { default: "volatile" | "serial" | "identity" | "generated" | "constant"; via: string } | undefined;
    if (SERIAL_TYPES.has(type)) d = { default: "serial", via: type };
    else if (has("CONSTR_IDENTITY")) d = { default: "identity", via: "GENERATED AS IDENTITY" };
    else if (has("CONSTR_GENERATED")) d = { default: "generated", via: "GENERATED ALWAYS AS (...) STORED" };
    else if (dflt && !isNullConst(dflt.raw_expr)) {
      const fn = volatileCall(dflt.raw_expr);
      d = fn !== undefined ? { default: "volatile", via: `${fn}()` } : { default: "constant", via: "DEFAULT" };
    }
    if (d) this.hazard(where, { kind: "add-column-default", table, column, ...d });
    if (has("CONSTR_NOTNULL") && !d && !has("CONSTR_PRIMARY")) this.hazard(where, { kind: "add-column-not-null", table, column });
    for (const k of cons) {
      if (k.contype === "CONSTR_UNIQUE" || k.contype === "CONSTR_PRIMARY") {
        this.hazard(where, { kind: "add-unique", table, constraint: k.conname, written: k.contype === "CONSTR_UNIQUE" ? "UNIQUE" : "PRIMARY KEY", columns: [column] });
      } else if (k.contype === "CONSTR_FOREIGN") {
        this.hazard(where, { kind: "add-foreign-key", table, constraint: k.conname, references: this.rel(k.pktable), columns: [column] });
      } else if (k.contype === "CONSTR_CHECK") {
        this.hazard(where, { kind: "add-check", table, constraint: k.conname, column });
      }
    }
  }

  private reindex(s: Statement, r: NodeOf<"ReindexStmt">): void {
    if ((r.params ?? []).some((p) => nodeAs(p, "DefElem")?.defname === "concurrently")) return;
    const target = this.reindexTarget(r);
    if (target) this.hazard(this.where(s), { kind: "reindex", target });
  }

  /** What a REINDEX rebuilds, when that existed before this file; undefined for a new table or index. */
  private reindexTarget(r: NodeOf<"ReindexStmt">): string | undefined {
    if (r.kind === "REINDEX_OBJECT_TABLE") {
      const t = this.existing(r.relation);
      return t === undefined ? undefined : `table ${t}`;
    }
    if (r.kind === "REINDEX_OBJECT_INDEX") {
      const key = this.rel(r.relation);
      const idx = this.indexes.get(key);
      return idx && (idx.createdIn === this.file || this.newTable(idx.table)) ? undefined : `index ${key}`;
    }
    const what = r.kind === "REINDEX_OBJECT_SCHEMA" ? "schema" : r.kind === "REINDEX_OBJECT_SYSTEM" ? "system catalogs of database" : "database";
    return `${what} ${r.name ?? "(current)"}`;
  }

  private vacuum(s: Statement, v: NodeOf<"VacuumStmt">): void {
    if (v.is_vacuumcmd !== true || !(v.options ?? []).some((o) => nodeAs(o, "DefElem")?.defname === "full")) return;
    const rels = (v.rels ?? []).map((r) => nodeAs(r, "VacuumRelation")?.relation);
    const target = rels.length === 0 ? "every table of the database" : this.existingList(rels);
    if (target) this.hazard(this.where(s), { kind: "vacuum-full", target });
  }

  private cluster(s: Statement, c: NodeOf<"ClusterStmt">): void {
    const target = c.relation === undefined ? "every table clustered before" : this.existing(c.relation);
    if (target !== undefined) this.hazard(this.where(s), { kind: "cluster", target });
  }

  private truncate(s: Statement, t: NodeOf<"TruncateStmt">): void {
    if (t.behavior !== "DROP_CASCADE") return;
    const target = this.existingList((t.relations ?? []).map((r) => nodeAs(r, "RangeVar")));
    if (target) this.hazard(this.where(s), { kind: "truncate-cascade", target });
  }

  /** The tables of a list that existed before this file, joined; undefined when none did. */
  private existingList(rels: readonly (RangeVar | undefined)[]): string | undefined {
    const out = rels.map((r) => this.existing(r)).filter((t): t is string => t !== undefined);
    return out.length > 0 ? out.join(", ") : undefined;
  }

  private alterDomain(s: Statement, a: NodeOf<"AlterDomainStmt">): void {
    const k = nodeAs(a.def, "Constraint");
    if (a.subtype !== "C" || !k || k.skip_validation === true) return;
    const target = qualified(strings(a.typeName), this.schema);
    if (this.domainFiles.get(target) === this.file) return;
    this.hazard(this.where(s), { kind: "domain-constraint", target, constraint: k.conname });
  }

  /** The existing table a statement queues a traffic-blocking lock on, and the lock; undefined for none. */
  private lockTarget(n: Node): { table: string; mode: LockMode } | undefined {
    const ax = (t: string | undefined): { table: string; mode: LockMode } | undefined => (t === undefined ? undefined : { table: t, mode: "ACCESS EXCLUSIVE" });
    switch (kindOf(n)) {
      case "AlterTableStmt": {
        const a = nodeAs(n, "AlterTableStmt") as NodeOf<"AlterTableStmt">;
        if (a.objtype !== "OBJECT_TABLE") return undefined;
        const cmds = (a.cmds ?? []).map((c) => nodeAs(c, "AlterTableCmd")).filter((c): c is NodeOf<"AlterTableCmd"> => c !== undefined);
        const own = this.existing(a.relation);
        if (own !== undefined && !cmds.every((c) => c.subtype === "AT_ValidateConstraint")) {
          const fkOnly = cmds.every((c) => c.subtype === "AT_AddConstraint" && nodeAs(c.def, "Constraint")?.contype === "CONSTR_FOREIGN");
          return { table: own, mode: fkOnly ? "SHARE ROW EXCLUSIVE" : "ACCESS EXCLUSIVE" };
        }
        const added = cmds.flatMap((c) => {
          const def = nodeAs(c.def, "ColumnDef");
          return def ? constraintsOf(def) : [nodeAs(c.def, "Constraint")];
        });
        return this.referencedExisting(added);
      }
      case "CreateStmt": {
        const c = nodeAs(n, "CreateStmt") as NodeOf<"CreateStmt">;
        return this.referencedExisting(
          (c.tableElts ?? []).flatMap((e) => {
            const def = nodeAs(e, "ColumnDef");
            return def ? constraintsOf(def) : [nodeAs(e, "Constraint")];
          }),
          this.rel(c.relation),
        );
      }
      case "IndexStmt": {
        const i = nodeAs(n, "IndexStmt") as NodeOf<"IndexStmt">;
        const t = i.concurrent === true ? undefined : this.existing(i.relation);
        return t === undefined ? undefined : { table: t, mode: "SHARE" };
      }
      case "DropStmt":
        return this.dropLock(nodeAs(n, "DropStmt") as NodeOf<"DropStmt">);
      case "RenameStmt": {
        const r = nodeAs(n, "RenameStmt") as NodeOf<"RenameStmt">;
        return r.renameType === "OBJECT_TABLE" || r.renameType === "OBJECT_COLUMN" ? ax(this.existing(r.relation)) : undefined;
      }
      case "TruncateStmt":
        return ax(this.existingList(((nodeAs(n, "TruncateStmt") as NodeOf<"TruncateStmt">).relations ?? []).map((r) => nodeAs(r, "RangeVar"))));
      case "ReindexStmt": {
        const r = nodeAs(n, "ReindexStmt") as NodeOf<"ReindexStmt">;
        return (r.params ?? []).some((p) => nodeAs(p, "DefElem")?.defname === "concurrently") ? undefined : ax(this.reindexTarget(r));
      }
      case "VacuumStmt": {
        const v = nodeAs(n, "VacuumStmt") as NodeOf<"VacuumStmt">;
        if (v.is_vacuumcmd !== true || !(v.options ?? []).some((o) => nodeAs(o, "DefElem")?.defname === "full")) return undefined;
        const rels = (v.rels ?? []).map((r) => nodeAs(r, "VacuumRelation")?.relation);
        return ax(rels.length === 0 ? "every table of the database" : this.existingList(rels));
      }
      case "ClusterStmt": {
        const c = nodeAs(n, "ClusterStmt") as NodeOf<"ClusterStmt">;
        return ax(c.relation === undefined ? "every table clustered before" : this.existing(c.relation));
      }
      case "LockStmt": {
        const l = nodeAs(n, "LockStmt") as NodeOf<"LockStmt">;
        const mode = LOCK_MODES[l.mode ?? 8];
        const t = this.existingList((l.relations ?? []).map((r) => nodeAs(r, "RangeVar")));
        return mode && t !== undefined ? { table: t, mode } : undefined;
      }
      case "CreateTrigStmt": {
        const t = this.existing((nodeAs(n, "CreateTrigStmt") as NodeOf<"CreateTrigStmt">).relation);
        return t === undefined ? undefined : { table: t, mode: "SHARE ROW EXCLUSIVE" };
      }
      case "CreatePolicyStmt":
        return ax(this.existing((nodeAs(n, "CreatePolicyStmt") as NodeOf<"CreatePolicyStmt">).table));
      case "AlterPolicyStmt":
        return ax(this.existing((nodeAs(n, "AlterPolicyStmt") as NodeOf<"AlterPolicyStmt">).table));
      default:
        return undefined;
    }
  }

  /** A FOREIGN KEY among `cons` pointing at a table that existed before this file: it locks that table. */
  private referencedExisting(cons: readonly (Constraint | undefined)[], creating?: string): { table: string; mode: LockMode } | undefined {
    for (const k of cons) {
      if (k?.contype !== "CONSTR_FOREIGN") continue;
      const t = this.existing(k.pktable);
      if (t !== undefined && t !== creating) return { table: t, mode: "SHARE ROW EXCLUSIVE" };
    }
    return undefined;
  }

  private dropLock(d: NodeOf<"DropStmt">): { table: string; mode: LockMode } | undefined {
    for (const obj of (d.objects ?? []) as Node[]) {
      const key = qualified(strings(listItems(obj)), this.schema);
      if (d.removeType === "OBJECT_TABLE" && !this.newTable(key)) return { table: key, mode: "ACCESS EXCLUSIVE" };
      if (d.removeType === "OBJECT_INDEX" && d.concurrent !== true) {
        const idx = this.indexes.get(key);
        if (!(idx && (idx.createdIn === this.file || this.newTable(idx.table)))) return { table: idx?.table ?? key, mode: "ACCESS EXCLUSIVE" };
      }
    }
    return undefined;
  }

  private setVariable(v: NodeOf<"VariableSetStmt">): void {
    if (v.kind === "VAR_RESET_ALL") {
      this.lockTimeout = this.statementTimeout = false;
      return;
    }
    if (v.name === "lock_timeout" || v.name === "statement_timeout") {
      const on = v.kind === "VAR_SET_VALUE" && !isZeroSetting(v.args?.[0]);
      if (v.name === "lock_timeout") this.lockTimeout = on;
      else this.statementTimeout = on;
      return;
    }
    if (v.name !== "search_path") return;
    const first = nodeAs(v.args?.[0], "A_Const")?.sval?.sval;
    this.schema = v.kind === "VAR_SET_VALUE" && first ? first : "public";
  }
}

function emptyTable(key: string, created: Where): TableState {
  return { key, created, columns: new Map(), columnsComplete: true, policies: new Map(), checks: new Map() };
}

const SERIAL_TYPES = new Set(["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]);

/** LOCK TABLE modes (the tree's numbers) that block ordinary reads or writes. */
const LOCK_MODES: Readonly<Record<number, LockMode>> = { 5: "SHARE", 6: "SHARE ROW EXCLUSIVE", 7: "EXCLUSIVE", 8: "ACCESS EXCLUSIVE" };

/**
 * Functions a column default may call without PostgreSQL (>= 11) having to compute a value per row:
 * built-ins that are immutable or stable. Any other call (gen_random_uuid(), random(), clock_timestamp(),
 * nextval(), and user functions, which are VOLATILE unless declared otherwise) counts as volatile.
 */
const NON_VOLATILE = new Set([
  "now", "statement_timestamp", "transaction_timestamp", "current_setting", "lower", "upper", "btrim", "concat",
  "to_jsonb", "to_json", "jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array",
  "make_interval", "make_date", "make_timestamptz", "to_timestamp", "to_date", "date_trunc", "int8", "text",
]);

/** The column constraints of a definition (NOT NULL, DEFAULT, UNIQUE, REFERENCES, CHECK, ...). */
function constraintsOf(def: ColumnDef): Constraint[] {
  return (def.constraints ?? []).map((c) => nodeAs(c, "Constraint")).filter((k): k is Constraint => k !== undefined);
}

/** The column `CHECK (col IS NOT NULL)` proves, if that is its whole expression. */
function notNullColumn(e: Node | undefined): string | undefined {
  const t = nodeAs(e, "NullTest");
  if (t?.nulltesttype !== "IS_NOT_NULL") return undefined;
  const fields = strings(nodeAs(t.arg, "ColumnRef")?.fields);
  return fields.length === 1 ? fields[0] : undefined;
}

/** The first function call of an expression that is not known to be immutable or stable. */
function volatileCall(e: unknown): string | undefined {
  if (Array.isArray(e)) {
    for (const x of e) {
      const f = volatileCall(x);
      if (f !== undefined) return f;
    }
    return undefined;
  }
  if (e === null || typeof e !== "object") return undefined;
  const call = nodeAs(e as Node, "FuncCall");
  if (call) {
    const parts = strings(call.funcname);
    const name = parts[parts.length - 1] ?? "";
    if (!NON_VOLATILE.has(name)) return parts.join(".");
  }
  for (const v of Object.values(e)) {
    const f = volatileCall(v);
    if (f !== undefined) return f;
  }
  return undefined;
}

function isNullConst(e: Node | undefined): boolean {
  return nodeAs(e, "A_Const")?.isnull === true;
}

/** SET x = 0 / '0' / '0s' (the timeout is off). */
function isZeroSetting(arg: Node | undefined): boolean {
  const c = nodeAs(arg, "A_Const");
  if (!c) return false;
  if (c.ival !== undefined) return (c.ival.ival ?? 0) === 0;
  return /^\s*0+\s*(ms|s|min|h|d)?\s*$/i.test(c.sval?.sval ?? "");
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
