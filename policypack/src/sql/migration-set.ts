/**
 * A service's migration set, from the data of the ConfigMap(s) that ship it (or, for the
 * verify-rls command, from the files of stacks/migrations/<service>/). Pure: file names and
 * texts in, ordered up/down pairs and naming problems out. See docs/migrations.md.
 *
 *   NNNN_name.up.sql     the migration (NNNN: its version, digits; applied in version order)
 *   NNNN_name.down.sql   what undoes it
 *
 * Keys that do not end in `.sql` are ignored (a runner ignores them too).
 */
import { isUnknown } from "../access/values";
import { memoByString } from "../memo";

export type Direction = "up" | "down";

export interface MigrationFile<S = unknown> {
  readonly key: string;
  readonly direction: Direction;
  /** The SQL text; undefined when it is unknown until apply. */
  readonly text: string | undefined;
  /** Where the file came from (the ConfigMap's view in the pack). */
  readonly source: S;
}

export interface Migration<S = unknown> {
  /** "0003_roles": the key without direction and extension. */
  readonly id: string;
  readonly version: bigint;
  readonly up?: MigrationFile<S>;
  readonly down?: MigrationFile<S>;
}

export type SetProblemKind = "bad-name" | "duplicate-key" | "duplicate-version" | "not-text";

export interface SetProblem<S = unknown> {
  readonly kind: SetProblemKind;
  readonly key: string;
  readonly source: S;
  readonly detail: string;
}

export interface MigrationSet<S = unknown> {
  /** In the order they are applied (version, then id). */
  readonly migrations: readonly Migration<S>[];
  readonly problems: readonly SetProblem<S>[];
  /** Keys whose SQL is unknown until apply. */
  readonly unknownKeys: readonly string[];
}

export interface DataEntry<S> {
  readonly key: string;
  readonly value: unknown;
  readonly source: S;
}

const FILE_NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_.-]*?)\.(up|down)\.sql$/;

export interface ParsedKey {
  readonly version: bigint;
  readonly id: string;
  readonly direction: Direction;
}

/** Splits a key into version, id and direction; undefined when it does not follow the convention (memoised: services ship the same file names). */
export const parseKey: (key: string) => ParsedKey | undefined = memoByString(splitKey);

function splitKey(key: string): ParsedKey | undefined {
  const m = FILE_NAME.exec(key);
  if (!m) return undefined;
  return { version: BigInt(m[1] as string), id: `${m[1]}_${m[2]}`, direction: m[3] as Direction };
}

/** Builds the ordered migration set from ConfigMap data entries (several ConfigMaps merge). */
export function migrationSet<S>(entries: readonly DataEntry<S>[]): MigrationSet<S> {
  const problems: SetProblem<S>[] = [];
  const unknownKeys: string[] = [];
  const byId = new Map<string, { id: string; version: bigint; up?: MigrationFile<S>; down?: MigrationFile<S> }>();
  const seen = new Set<string>();
  for (const e of entries) {
    if (!e.key.endsWith(".sql")) continue;
    if (seen.has(e.key)) {
      problems.push({ kind: "duplicate-key", key: e.key, source: e.source, detail: "is shipped twice (by two migration ConfigMaps of the service), so which one runs is not defined" });
      continue;
    }
    seen.add(e.key);
    const k = parseKey(e.key);
    if (!k) {
      problems.push({ kind: "bad-name", key: e.key, source: e.source, detail: "is not named NNNN_name.up.sql or NNNN_name.down.sql, so the migration runner cannot order and pair it" });
      continue;
    }
    let text: string | undefined;
    if (isUnknown(e.value)) {
      unknownKeys.push(e.key);
    } else if (typeof e.value === "string") {
      text = e.value;
    } else {
      problems.push({ kind: "not-text", key: e.key, source: e.source, detail: "is not a text value, so it holds no SQL" });
      continue;
    }
    let m = byId.get(k.id);
    if (!m) byId.set(k.id, (m = { id: k.id, version: k.version }));
    m[k.direction] = { key: e.key, direction: k.direction, text, source: e.source };
  }
  // Ids are unique (map keys): order by version, then id.
  const migrations = [...byId.values()].sort((a, b) => (a.version !== b.version ? (a.version < b.version ? -1 : 1) : a.id < b.id ? -1 : 1));
  const firstOfVersion = new Map<bigint, string>();
  for (const m of migrations) {
    const other = firstOfVersion.get(m.version);
    const file = (m.up ?? m.down) as MigrationFile<S>;
    if (other !== undefined) {
      problems.push({
        kind: "duplicate-version",
        key: file.key,
        source: file.source,
        detail: `has the same version ${m.version} as ${other}, so the order they run in is not defined`,
      });
    } else {
      firstOfVersion.set(m.version, m.id);
    }
  }
  return { migrations, problems, unknownKeys };
}
