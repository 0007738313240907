/**
 * One embedded gateway per data directory. The embedded store and queue assume they are alone on
 * their SQLite file (a lease found at start can only belong to a dead process), so a second
 * `omnigate start` on the same directory is refused while the first is alive.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Directories this process holds: its own pid in a lock file says nothing after a pid is reused. */
const heldHere = new Set<string>();

/** Takes the directory's lock, or throws naming the live process that holds it; returns the release. */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'omnigate.pid');
  if (heldHere.has(file)) {
    throw new Error(
      `${dir} is in use by another Omnigate gateway in this process; use another OMNIGATE_DATA_DIR`,
    );
  }
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
      throw new Error(
        `${dir} is in use by another Omnigate process (pid ${holder}); stop it or use another OMNIGATE_DATA_DIR`,
      );
    }
    // Left behind by a process that died (a crash, a SIGKILL): take it over.
    unlinkSync(file);
  }
}
