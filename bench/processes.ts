/** Starting, watching and stopping the processes the bench measures or talks to. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Spawns `command args` and resolves once its stdout matches `ready`, with the match. Node is run
 * directly (`node --import tsx`), never through npm or the tsx launcher, so the child's pid is the
 * process whose memory the bench reports.
 */
export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.match(ready);
      if (match) resolve({ child, match });
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${out}`)),
    );
  });
}

/** `node --import tsx <script> ...` from the project root. */
export function nodeArgs(script: string, ...rest: string[]): [string, string[]] {
  // BENCH_PROFILE=1 writes a V8 CPU profile of each process to ./.bench-profiles.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.bench-profiles'] : [];
  return [process.execPath, [...profile, '--import', 'tsx', script, ...rest]];
}

/** A helper server of the bench (fake provider, sink): its process and its base URL. */
export async function startHelper(
  script: string,
  ready: RegExp,
): Promise<{ child: ChildProcess; url: string }> {
  const [command, args] = nodeArgs(script);
  const { child, match } = await startProcess(command, args, {}, ready);
  return { child, url: `http://127.0.0.1:${match[1]}` };
}

export function stopped(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Peak resident set of a live process in bytes (VmHWM), or undefined once it has gone. */
export function peakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    return line ? Number(line[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A TCP port free on loopback now (for processes that must be told their port in advance). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject()));
    });
  });
}
