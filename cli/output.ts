/**
 * Writing a report file (`readiness audit --out`, `readiness check --out-dir`): atomically (a
 * temporary file beside the target, then a rename, so a reader never sees half a report and a
 * failed write leaves the old file), never onto an input file, never through a symbolic link
 * unless forced, never into a device, a pipe or a system directory. Every failure is an
 * InputError (exit 2, one line naming the path and the fix).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "./state";

export interface WriteOptions {
  /** Files the command reads: the report may not replace them. */
  readonly inputs?: readonly string[];
  /** Write to the file a symbolic link points to (--force). */
  readonly force?: boolean;
  /** The path as the user wrote it, for messages. */
  readonly shown?: string;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "a directory on the path does not exist",
  ENOTDIR: "a part of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  EISDIR: "is a directory",
  ENAMETOOLONG: "the path is too long",
  ELOOP: "too many symbolic links on the path",
  EIO: "input/output error",
  EFBIG: "the file is too large for the device",
  EEXIST: "a file of the same name appeared while writing",
};

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  return REASONS[code] ?? (code ? `error ${code}` : "the write failed");
}

function statOrUndefined(p: string, follow: boolean): fs.Stats | undefined {
  try {
    return follow ? fs.statSync(p) : fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Directories whose files are not files: writing there means nothing or hangs. */
const SYSTEM_DIRS = ["/proc", "/sys", "/dev"];

function underSystemDir(p: string): boolean {
  return SYSTEM_DIRS.some((d) => p === d || p.startsWith(`${d}/`));
}

function realDir(dir: string): string {
  // The deepest existing ancestor, resolved (the rest is created).
  let d = dir;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(d), ...rest.reverse());
    } catch {
      const up = path.dirname(d);
      if (up === d) return dir;
      rest.push(path.basename(d));
      d = up;
    }
  }
}

/** Writes `data` to `file` atomically; see the module comment. */
export function writeFileSafely(file: string, data: string, opts: WriteOptions = {}): void {
  const shown = opts.shown ?? file;
  const fail = (what: string, fix: string): never => {
    throw new InputError(`${shown}: ${what}. Fix: ${fix}.`);
  };
  let target = path.resolve(file);
  let st = statOrUndefined(target, false);
  if (st?.isSymbolicLink()) {
    if (!opts.force) fail("is a symbolic link, and a report is not written through one", "choose another path, or pass --force to write to the file it points to");
    try {
      target = fs.realpathSync(target);
    } catch {
      // A dangling link: the file it names.
      target = path.resolve(path.dirname(target), fs.readlinkSync(target));
    }
    st = statOrUndefined(target, false);
  }
  const dir = realDir(path.dirname(target));
  if (underSystemDir(dir) || underSystemDir(target)) fail("is in a system directory (/proc, /sys, /dev)", "write the report to a regular file, or omit --out to print it");
  if (st?.isDirectory()) fail("is a directory", `give a file path, e.g. ${path.join(shown, "readiness.md")}`);
  if (st && !st.isFile()) fail("is not a regular file (a device, a pipe or a socket)", "write the report to a regular file, or omit --out to print it");
  if (st) {
    for (const input of opts.inputs ?? []) {
      const i = statOrUndefined(input, true);
      if (i && i.dev === st.dev && i.ino === st.ino) fail("is an input file of this command, and the report would replace it", "write the report to another path");
    }
  }
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
  } catch (e) {
    fail(`cannot create its directory (${reason(e)})`, "give a path in a writable directory");
  }
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx", st ? st.mode & 0o777 : 0o666);
    const buf = Buffer.from(data, "utf8");
    for (let off = 0; off < buf.length; ) off += fs.writeSync(fd, buf, off, buf.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* never created */
    }
    fail(`cannot write the report (${reason(e)})`, "give a path in a writable directory with free space");
  }
}
