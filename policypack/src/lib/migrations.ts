/**
 * What the migration gates share: the SQL each service ships to the cluster (a ConfigMap labelled
 * as its migrations), parsed with PostgreSQL's own parser and replayed in order. See
 * docs/migrations.md for the contract (labels, file names, declarations) and what each gate accepts.
 *
 *   migrations-tenant-rls         tenant tables have RLS enabled, forced, and tenant-tied policies
 *   migrations-concurrent-index   CREATE/DROP INDEX on existing tables use CONCURRENTLY
 *   migrations-expand-contract    destructive steps only in migrations declared contract steps
 *   migrations-money-bigint       money columns are bigint micro-units
 *   migrations-reversible         every up has a (non-empty, parseable) down
 *   postgres-required-extensions  the extensions a service needs are created by its migrations
 */
import { isRecord, T, type ResourceView, type StackView } from "../access";
import { stackGate, undecidedMessage, violation, type Reporter, type StackRule } from "../engine/rule";
import { memoByObject } from "../memo";
import { migrationSet, type DataEntry, type MigrationSet } from "../sql/migration-set";
import { loadParserOnce, type ParseError } from "../sql/parser";
import { replay, type Replay } from "../sql/replay";

/** Labels by which a ConfigMap is a service's migrations (the service: app.kubernetes.io/part-of). */
export const MIGRATIONS_COMPONENT_LABEL = "app.kubernetes.io/component";
export const MIGRATIONS_COMPONENT = "migrations";
/** Annotation by which a service declares the Postgres extensions it needs (comma-separated). */
export const REQUIRED_EXTENSIONS_ANNOTATION = "readiness.dev/required-extensions";

/** Every migration gate's init: loads the WebAssembly SQL parser once (never at import). */
export const init = (): Promise<void> => loadParserOnce();

// ------------------------------------------------------------------ the service's migration set

export interface ServiceMigrations {
  /** The service (from the ConfigMap's labels, or its parent's); undefined when unlabelled. */
  readonly service: string | undefined;
  /** "service 'registration'" or "ConfigMap 'x'". */
  readonly label: string;
  readonly maps: readonly ResourceView[];
  /** ConfigMaps whose whole `data` is unknown until apply. */
  readonly unknownData: readonly ResourceView[];
  readonly set: MigrationSet<ResourceView>;
  /** Replayed on first use and shared by the gates that need it. */
  replay(): Replay;
}

export function isMigrationsConfigMap(r: ResourceView): boolean {
  return r.type === T.configMap && r.label(MIGRATIONS_COMPONENT_LABEL) === MIGRATIONS_COMPONENT;
}

/** The migration sets of the stack, one per service (several ConfigMaps of a service merge); built once per stack. */
export const serviceMigrations: (stack: StackView) => readonly ServiceMigrations[] = memoByObject(buildServiceMigrations);

function buildServiceMigrations(stack: StackView): readonly ServiceMigrations[] {
  const groups = new Map<string, { service: string | undefined; maps: ResourceView[] }>();
  for (const r of stack.ofType(T.configMap)) {
    if (!isMigrationsConfigMap(r)) continue;
    const service = stack.serviceOf(r);
    const key = service !== undefined ? `service:${service}` : `urn:${r.urn}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { service, maps: [] }));
    g.maps.push(r);
  }
  const out: ServiceMigrations[] = [];
  for (const g of groups.values()) {
    const entries: DataEntry<ResourceView>[] = [];
    const unknownData: ResourceView[] = [];
    for (const m of g.maps) {
      const data = m.get("data");
      if (data.kind === "unknown") unknownData.push(m);
      else if (data.kind === "known" && isRecord(data.value)) {
        for (const [key, value] of Object.entries(data.value)) entries.push({ key, value, source: m });
      }
    }
    const set = migrationSet(entries);
    let replayed: Replay | undefined;
    out.push({
      service: g.service,
      label: g.service !== undefined ? `service '${g.service}'` : `ConfigMap '${(g.maps[0] as ResourceView).k8sName()}'`,
      maps: g.maps,
      unknownData,
      set,
      replay: () => (replayed ??= replay(set.migrations)),
    });
  }
  return out;
}

/** The ConfigMap that ships an up file (for the finding's subject). */
export function sourceOf(sm: ServiceMigrations, file: string): ResourceView {
  return sm.set.migrations.find((m) => m.up?.key === file)?.up?.source ?? (sm.maps[0] as ResourceView);
}

/** Where in a service's migrations: "service 'x' migration NNNN_name.up.sql line N". */
export function at(sm: ServiceMigrations, w: { file: string; line: number }): string {
  return `${sm.label} migration ${w.file} line ${w.line}`;
}

/** A list for a message, shortened after `max` items. */
export function list(xs: readonly string[], max = 10): string {
  return xs.length > max ? `${xs.slice(0, max).join(", ")}, ... (${xs.length - max} more)` : xs.join(", ");
}

/** A statement for a message, shortened past 160 characters. */
export function quote(sql: string): string {
  return sql.length > 160 ? `${sql.slice(0, 157)}...` : sql;
}

/**
 * Reports the gate undecided for a service whose migrations are not all known at preview, and
 * returns true; else false.
 */
export function undecidedService(sm: ServiceMigrations, report: Reporter, upOnly = false): boolean {
  const unknownKeys = sm.set.unknownKeys.filter((k) => !upOnly || k.endsWith(".up.sql"));
  if (sm.unknownData.length === 0 && unknownKeys.length === 0) return false;
  const what =
    sm.unknownData.length > 0
      ? `the data of ConfigMap ${sm.unknownData.map((m) => `'${m.k8sName()}'`).join(", ")}`
      : `the SQL of ${unknownKeys.join(", ")}`;
  report({ subject: sm.unknownData[0] ?? sm.maps[0], service: sm.service, undecided: true, message: undecidedMessage(`${sm.label} migrations`, what) });
  return true;
}

/** The violation for a file that does not parse, quoting the parser's error and the line. */
export function parseErrorMessage(sm: ServiceMigrations, file: string, e: ParseError): string {
  return violation(
    at(sm, { file, line: e.line }),
    `does not parse as PostgreSQL: ${e.message} (line ${e.line}, column ${e.column}), so the gate cannot be proved for it`,
    e.lineText === "" ? undefined : `"${quote(e.lineText)}"`,
    "correct the SQL so that PostgreSQL accepts it (the pack parses it with PostgreSQL's own parser)",
  );
}

/** Reports up files that do not parse. */
function reportParseErrors(sm: ServiceMigrations, r: Replay, report: Reporter): void {
  for (const f of r.files) {
    if (f.error) report({ subject: sourceOf(sm, f.key), service: sm.service, message: parseErrorMessage(sm, f.key, f.error) });
  }
}

/** Runs `body` over each service's known, replayed migrations (undecided and parse errors handled). */
function eachReplayed(stack: StackView, report: Reporter, body: (sm: ServiceMigrations, r: Replay) => void): void {
  for (const sm of serviceMigrations(stack)) {
    if (undecidedService(sm, report, true)) continue;
    const r = sm.replay();
    reportParseErrors(sm, r, report);
    body(sm, r);
  }
}

/** A replayed-migrations gate's declaration: a stack gate's, with a check of one service's replayed migrations. */
export type ReplayedGate<S> = Omit<StackRule<S>, "kind" | "gate" | "check" | "init"> & {
  check(sm: ServiceMigrations, r: Replay, settings: S, report: Reporter): void;
};

/** A stack gate whose check sees each service's known, replayed migrations (see eachReplayed); its init loads the parser. */
export function replayedGate<S>({ check, ...gate }: ReplayedGate<S>): StackRule<S> {
  return stackGate({
    ...gate,
    init,
    check(stack, s, report) {
      eachReplayed(stack, report, (sm, r) => check(sm, r, s, report));
    },
  });
}

/** Reports a violation at a statement of a service's migrations, on the ConfigMap that ships its file. */
export function reportAt(sm: ServiceMigrations, w: { file: string; line: number }, report: Reporter, problem: string, found: string, fix: string): void {
  report({ subject: sourceOf(sm, w.file), service: sm.service, message: violation(at(sm, w), problem, found, fix) });
}
