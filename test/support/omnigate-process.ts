/**
 * `omnigate <command>` as a real child process, as an operator runs it: a test can see it exit
 * (an unhandled error kills a process, not a test) and read every line it logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { REPO_ROOT } from '../../src/sandbox/specs.ts';

export interface OmnigateProcess {
  proc: ChildProcess;
  /** Everything written to stdout so far, line by line (pino's JSON lines among them). */
  lines: string[];
  /** Undefined while it runs; its exit code or signal once it exited. */
  readonly exited: string | undefined;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it is gone. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts `omnigate <command>` with `env` on top of this process's, once `ready` is printed. */
export async function startOmnigate(
  command: 'start' | 'api' | 'worker',
  env: Record<string, string>,
  ready = command === 'worker' ? 'Omnigate worker' : 'listening on',
): Promise<OmnigateProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', command], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let errors = '';
  let exited: string | undefined;
  proc.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const gone = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      exited = `${code ?? signal}${errors ? `: ${errors}` : ''}`;
      resolve();
    }),
  );
  await Promise.race([
    (async () => {
      while (!lines.some((l) => l.includes(ready)) && exited === undefined) {
        await new Promise((r) => setTimeout(r, 50));
      }
    })(),
    gone,
  ]);
  if (exited !== undefined) {
    throw new Error(`omnigate ${command} exited (${exited}) before it was ready: ${lines.join('\n')}`);
  }
  return {
    proc,
    lines,
    get exited() {
      return exited;
    },
    async stop() {
      if (exited !== undefined) return;
      proc.kill('SIGTERM');
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(kill);
    },
  };
}
