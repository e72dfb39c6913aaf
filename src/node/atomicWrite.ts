/**
 * Writing a file so that a crash or a kill at any moment leaves either the old file or the new one,
 * never half of either, and no temporary file behind for long. Used for review sidecars and hot-exit
 * backups (and by anything else that writes what the user made).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `.<name>.<pid>.<random>.tmp`: the temporary file beside `file` (a dot file, hidden in listings). */
function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files that an interrupted write of `file` left beside it: those of processes
 * that no longer run. A write in progress in a live process (another window) is left alone.
 * Returns the names removed.
 */
export async function removeStaleTemps(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    if (!m || isAlive(Number(m[1]))) continue;
    await fs.promises.rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Writes `text` to `file` atomically: a temporary file beside it, written and fsynced, renamed over
 * it, then the folder fsynced so the rename itself survives a power cut. Leftovers of earlier
 * interrupted writes of the same file are removed first.
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const f = await openAtomicFile(file);
  await f.write(text);
  await f.commit();
}

/** fsync of a folder, where the platform has it (not on Windows, where opening a folder fails). */
async function syncFolder(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch {
    /* the rename is done; a platform without folder fsync keeps it as well as it can */
  } finally {
    await fh?.close();
  }
}

/** A file being written atomically piece by piece: nothing is seen at its name until `commit`. */
export interface AtomicFile {
  /** Appends text (buffered; written in large pieces). */
  write(text: string): Promise<void>;
  /** Writes what is buffered, fsyncs, and renames the file into place (then fsyncs the folder). */
  commit(): Promise<void>;
  /** Drops the temporary file; the old file (if any) stays as it was. */
  abort(): Promise<void>;
}

/** Bytes buffered before a write to the temporary file. */
const STREAM_CHUNK = 1 << 20;

/**
 * Opens `file` for an atomic write as a stream, for files too large to build as one string (the corpus
 * index): the same temporary file, fsync and rename as writeFileAtomically, so a crash or a kill at any
 * moment leaves the old file or the new one whole.
 */
export async function openAtomicFile(file: string): Promise<AtomicFile> {
  await removeStaleTemps(file);
  const tmp = tempName(file);
  const fh = await fs.promises.open(tmp, 'w');
  let pending: string[] = [];
  let pendingBytes = 0;
  let closed = false;
  const flush = async () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    pendingBytes = 0;
    await fh.writeFile(text, 'utf8');
  };
  const abort = async () => {
    if (closed) return;
    closed = true;
    await fh.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
  };
  return {
    async write(text: string) {
      if (closed) throw new Error(`${file}: written after it was committed or dropped`);
      pending.push(text);
      pendingBytes += text.length;
      if (pendingBytes >= STREAM_CHUNK) await flush();
    },
    async commit() {
      if (closed) throw new Error(`${file}: committed twice or after it was dropped`);
      try {
        await flush();
        await fh.sync();
      } catch (e) {
        await abort();
        throw e;
      }
      closed = true;
      await fh.close();
      try {
        await fs.promises.rename(tmp, file);
      } catch (e) {
        await fs.promises.rm(tmp, { force: true });
        throw e;
      }
      await syncFolder(path.dirname(file));
    },
    abort,
  };
}
