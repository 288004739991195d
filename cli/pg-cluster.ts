/**
 * A throwaway PostgreSQL cluster for checks against a real database (verify-rls and its tests).
 *
 * initdb into a fresh temporary folder, start on a free loopback port with the unix socket in
 * that folder, and remove everything on stop(), on process exit and on SIGINT/SIGTERM. PostgreSQL
 * refuses to run as root: when the process is root (CI), the folder is chowned to the `postgres`
 * user and the server binaries run through `runuser -u postgres --`.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const DEFAULT_PG_BIN = "/usr/lib/postgresql/15/bin";

export interface ClusterOptions {
  /** Folder of initdb, pg_ctl, postgres (default: $PG_BIN, else /usr/lib/postgresql/15/bin). */
  readonly binDir?: string;
  /** OS user that runs the server when this process is root (default "postgres"). */
  readonly osUser?: string;
}

export interface PgCluster {
  readonly host: string;
  readonly port: number;
  /** The temporary folder holding data, socket and log. */
  readonly dir: string;
  /** The bootstrap superuser (trust authentication, loopback only). */
  readonly superuser: string;
  /** The folder of the server binaries used. */
  readonly binDir: string;
  /** Stops the server and deletes its folder (idempotent). */
  stop(): Promise<void>;
}

interface Live {
  dir: string;
  data: string;
  binDir: string;
  asUser?: string;
}

const live = new Set<Live>();
let handlersInstalled = false;

function wrap(l: { asUser?: string }, bin: string, args: readonly string[]): [string, string[]] {
  return l.asUser ? ["runuser", ["-u", l.asUser, "--", bin, ...args]] : [bin, [...args]];
}

/** Stops a cluster synchronously (exit and signal handlers cannot wait). */
function stopSync(l: Live): void {
  try {
    const [cmd, args] = wrap(l, path.join(l.binDir, "pg_ctl"), ["-D", l.data, "-m", "immediate", "-w", "stop"]);
    execFileSync(cmd, args, { stdio: "ignore", timeout: 15_000 });
  } catch {
    // already stopped, or never started
  }
  fs.rmSync(l.dir, { recursive: true, force: true });
  live.delete(l);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => {
    for (const l of [...live]) stopSync(l);
  });
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      for (const l of [...live]) stopSync(l);
      process.exit(code);
    });
  }
}

/** A TCP port free on the loopback interface right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function osIds(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", user]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", user]).toString().trim());
  return { uid, gid };
}

async function exec(l: Live, bin: string, args: readonly string[]): Promise<void> {
  const [cmd, a] = wrap(l, path.join(l.binDir, bin), args);
  try {
    await run(cmd, a, { timeout: 60_000 });
  } catch (e) {
    const err = e as { stderr?: string; message?: string };
    throw new Error(`${bin} failed: ${(err.stderr ?? "").trim() || err.message}`);
  }
}

/** Starts a fresh PostgreSQL cluster. Throws with the server log when it cannot start. */
export async function startCluster(opts: ClusterOptions = {}): Promise<PgCluster> {
  const binDir = opts.binDir ?? process.env["PG_BIN"] ?? DEFAULT_PG_BIN;
  if (!fs.existsSync(path.join(binDir, "initdb"))) {
    throw new Error(`no PostgreSQL binaries in ${binDir}. Fix: install postgresql-15 (apt-get install postgresql-15) or set PG_BIN to the folder holding initdb and pg_ctl.`);
  }
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-pg-"));
  const l: Live = { dir, data: path.join(dir, "data"), binDir, asUser: root ? (opts.osUser ?? "postgres") : undefined };
  installHandlers();
  live.add(l);
  try {
    if (l.asUser) {
      const { uid, gid } = osIds(l.asUser);
      fs.chownSync(dir, uid, gid);
    }
    fs.chmodSync(dir, 0o700);
    await exec(l, "initdb", ["-D", l.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const conf = [
        "",
        "# readiness verify-rls: a throwaway cluster",
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 40",
        "shared_buffers = 32MB",
        "",
      ].join("\n");
      fs.appendFileSync(path.join(l.data, "postgresql.auto.conf"), conf);
      try {
        await exec(l, "pg_ctl", ["-D", l.data, "-l", path.join(dir, "server.log"), "-w", "-t", "30", "start"]);
        const cluster: PgCluster = {
          host: "127.0.0.1",
          port,
          dir,
          superuser: "postgres",
          binDir,
          stop: async () => {
            if (!live.has(l)) return;
            try {
              await exec(l, "pg_ctl", ["-D", l.data, "-m", "fast", "-w", "stop"]);
            } finally {
              fs.rmSync(dir, { recursive: true, force: true });
              live.delete(l);
            }
          },
        };
        return cluster;
      } catch (e) {
        lastError = e;
      }
    }
    const log = fs.existsSync(path.join(dir, "server.log")) ? fs.readFileSync(path.join(dir, "server.log"), "utf8").slice(-2000) : "";
    throw new Error(`PostgreSQL did not start: ${(lastError as Error).message}\n${log}`);
  } catch (e) {
    stopSync(l);
    throw e;
  }
}
