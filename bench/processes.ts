/** Starting, watching and stopping the processes the bench measures or talks to. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Spawns `command args` and resolves once its stdout matches `ready`, with the match. Node is run
 * directly (the gateway as `node dist/main.js`, the helpers as `node --import tsx`), never
 * through npm, so the child's pid is the process whose memory the bench reports.
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

/** BENCH_PROFILE=1 writes a V8 CPU profile of each process (and thread) to ./.bench-profiles. */
const profileFlags = (): string[] =>
  process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.bench-profiles'] : [];

/** `node --import tsx <script> ...` from the project root. */
export function nodeArgs(script: string, ...rest: string[]): [string, string[]] {
  return [process.execPath, [...profileFlags(), '--import', 'tsx', script, ...rest]];
}

/** The flags bin/omnigate.js's `#!/usr/bin/env -S node …` line starts the gateway with. */
const COMMAND_FLAGS = ((): string[] => {
  const [first] = readFileSync('bin/omnigate.js', 'utf8').split('\n', 1);
  const flags = first?.match(/^#!\/usr\/bin\/env -S node((?: --\S+)+)$/)?.[1];
  if (!flags) throw new Error(`bin/omnigate.js's first line is not "#!/usr/bin/env -S node --…": ${first}`);
  return flags.trim().split(' ');
})();

/**
 * `node <its flags> dist/main.js <command>`: the build `buildGateway` made when the bench started, as
 * `omnigate` runs it, even if a source changes while the bench runs (bin/omnigate.js would then
 * fall back to tsx).
 */
export function gatewayArgs(command: string): [string, string[]] {
  // BENCH_GATEWAY_FLAGS: Node or V8 flags for the gateway alone, to try one (e.g. a heap size),
  // instead of those `omnigate` gives it.
  const flags = process.env.BENCH_GATEWAY_FLAGS?.split(' ').filter(Boolean) ?? COMMAND_FLAGS;
  return [process.execPath, [...profileFlags(), ...flags, 'dist/main.js', command]];
}

/** Compiles the gateway (`npm run build`), so the bench measures what production runs. */
export function buildGateway(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
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

/** Resident set of a live process now (VmRSS), in bytes. */
export function currentRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Number(line[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a live process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  // The command name may hold spaces or parentheses: the fields are counted after its last ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line; the state (field 3) is fields[0].
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Bytes a live process has caused to be written to storage so far (/proc/<pid>/io write_bytes). */
export function writtenBytes(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/io`, 'utf8').match(/^write_bytes:\s+(\d+)/m);
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}
