import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

/**
 * Scratch folders of exports (Parquet): `landuse-export-PID-XXXXXX` in the system temporary
 * folder. An export removes its own folder however it ends, except when the process is killed
 * (kill -9, out of memory); the PID in the name lets the next start find and remove those.
 */
export const SCRATCH_PREFIX = 'landuse-export-';

const SCRATCH_NAME = /^landuse-export-(\d+)-[^/\\]+$/;

/** A fresh scratch folder named for this process. */
export function makeScratchDir(tmpDir: string = os.tmpdir()): Promise<string> {
  return mkdtemp(join(tmpDir, `${SCRATCH_PREFIX}${process.pid}-`));
}

/** True when a process with this id exists (also one of another user: EPERM). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the scratch folders left by exports of processes that are gone; returns their paths.
 * A folder with this process's own id but older than this process is a leftover too (a
 * restarted container often gets the same id). Folders of live processes are left alone.
 */
export async function removeStaleScratchDirs(
  options: { tmpDir?: string; isAlive?: (pid: number) => boolean; startedAtMs?: number } = {},
): Promise<string[]> {
  const tmpDir = options.tmpDir ?? os.tmpdir();
  const isAlive = options.isAlive ?? isProcessAlive;
  const startedAt = options.startedAtMs ?? Date.now() - process.uptime() * 1000;
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = SCRATCH_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    const path = join(tmpDir, name);
    try {
      const info = await stat(path);
      if (!info.isDirectory()) continue;
      const stale = pid === process.pid ? info.mtimeMs < startedAt : pid <= 0 || !isAlive(pid);
      if (!stale) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove: another start will try again.
    }
  }
  return removed;
}
