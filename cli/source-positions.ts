/**
 * Where a program declared its resources: the `new Resource(...)` call the Node.js SDK sends with
 * each registration (`RegisterResourceRequest.sourcePosition`, taken from the 5th stack frame of the
 * Resource constructor: sdk/nodejs/resource.ts, v3.248.0), and what a stack export records of it
 * (`sourcePosition`, "project:///<path relative to the project root>#<line>[,<column>]", written by
 * pkg/resource/deploy/source_eval.go `parseSourcePosition`, v3.248.0).
 */

/** A place in the program's source: a path relative to the project root, 1-based line and column. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A stack export's `sourcePosition` ("project:///components/db.ts#17,12"); undefined for anything
 * else. The engine omits a zero column; it reads as column 1 (SARIF columns start at 1).
 */
export function parseExportedPosition(raw: string | undefined): SourcePosition | undefined {
  if (!raw) return undefined;
  const m = /^project:\/\/\/([^#]+)#(\d+)(?:,(\d+))?$/.exec(raw);
  if (!m) return undefined;
  let file: string;
  try {
    file = decodeURIComponent(m[1] as string);
  } catch {
    return undefined;
  }
  const line = Number(m[2]);
  const column = m[3] === undefined ? 1 : Number(m[3]);
  return line >= 1 ? { file, line, column: Math.max(1, column) } : undefined;
}

/** A position in the project's own source (not a dependency's, not outside the project). */
function inProject(p: SourcePosition): boolean {
  return !p.file.startsWith("/") && !/^[A-Za-z]:/.test(p.file) && !p.file.startsWith("../") && !p.file.split("/").includes("node_modules");
}

/**
 * Where the program declared each resource, in the project's own source: the resource's own
 * `new Resource(...)` call, else (a chart's or a library component's child, declared inside a
 * dependency) the nearest ancestor declared in the project. Resources with neither have none.
 */
export function declarationSites(
  resources: readonly { readonly urn: string; readonly parent?: string; readonly sourcePosition?: SourcePosition }[],
): ReadonlyMap<string, SourcePosition> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const out = new Map<string, SourcePosition>();
  for (const r of resources) {
    let cur: (typeof resources)[number] | undefined = r;
    for (let depth = 0; cur && depth < 64; depth++) {
      if (cur.sourcePosition && inProject(cur.sourcePosition)) {
        out.set(r.urn, cur.sourcePosition);
        break;
      }
      cur = cur.parent ? byUrn.get(cur.parent) : undefined;
    }
  }
  return out;
}
