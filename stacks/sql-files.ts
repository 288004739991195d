/**
 * Reads a service's migrations from disk (stacks/migrations/<service>/NNNN_name.up.sql and
 * .down.sql, docs/migrations.md) to ship them in the migrations ConfigMap.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The project root: the nearest directory upwards holding Pulumi.yaml (source or build tree). */
export function projectRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (let i = 0; i < 16; i++) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return process.cwd();
}

export function defaultMigrationsDir(service: string): string {
  return path.join(projectRoot(), "stacks", "migrations", service);
}

/** File name → SQL text of every *.sql file in `dir`, in name order. Throws when there is none. */
export function readMigrations(service: string, dir: string = defaultMigrationsDir(service)): Record<string, string> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`service '${service}': migrations directory ${dir} does not exist. Fix: add NNNN_name.up.sql/.down.sql files there (docs/migrations.md), or set readiness:services.${service}.migrations.dir.`);
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
  if (files.length === 0) {
    throw new Error(`service '${service}': no .sql files in ${dir}. Fix: add its migrations there (docs/migrations.md).`);
  }
  const out: Record<string, string> = {};
  for (const f of files) out[f] = fs.readFileSync(path.join(dir, f), "utf8");
  return out;
}
