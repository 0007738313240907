/**
 * The `omnigate` command as an operator runs it (`node bin/omnigate.js`; `npm start` and the
 * installed bin add the V8 flags of its first line): the compiled build in the process itself, no
 * launcher in between; the TypeScript through tsx, saying so, when the build is missing or older
 * than the sources.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/sandbox/specs.ts';
import { freePort } from '../support/omnigate-process.ts';

const BUILT = join(REPO_ROOT, 'dist', 'main.js');
const KEY = 'og_command_test_key_0123456789abcdef';

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  url: string;
  exit: Promise<number | null>;
}

async function run(dataDir: string): Promise<Run> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/omnigate.js', 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      OMNIGATE_DATA_DIR: dataDir,
      PORT: String(port),
      OMNIGATE_API_KEY: KEY,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  while (!out.includes('listening on')) {
    if (child.exitCode !== null) throw new Error(`omnigate exited: ${out}${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, out: () => out, err: () => err, url: `http://127.0.0.1:${port}`, exit };
}

/** The processes whose parent is `pid`, with their command lines (Linux's /proc; none elsewhere). */
function childProcesses(pid: number): Array<{ pid: number; commandLine: string }> {
  if (process.platform !== 'linux') return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        // The parent id is the second field after the name, which is in parentheses.
        const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
        const commandLine = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
        return ppid === pid ? [{ pid: Number(name), commandLine }] : [];
      } catch {
        return []; // gone since the listing
      }
    });
}

describe('the omnigate command', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigate-command-'));
    dirs.push(dir);
    return dir;
  };
  beforeAll(() => {
    // `npm ci` builds (the prepare script); a checkout whose build is missing or stale is built here.
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }, 180_000);
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the compiled build in its own process, sends, and stops cleanly on SIGTERM', async () => {
    const g = await run(dataDir());
    expect(g.err()).not.toMatch(/through tsx/);
    const health = await fetch(`${g.url}/healthz`);
    expect(health.status).toBe(200);
    const send = (message: object) =>
      fetch(`${g.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'line', to: 'U4af4980629a1b2c3d4e5f6a7b8c9d0e1', message }),
      });
    const sent = await send({ type: 'text', text: 'Hello from the build' });
    expect(sent.status).toBe(202);
    const { messages } = (await sent.json()) as { messages: Array<{ id: string }> };
    let status = '';
    for (let i = 0; i < 100 && status !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const got = await fetch(`${g.url}/v1/messages/${messages[0]!.id}`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      status = ((await got.json()) as { status: string }).status;
    }
    expect(status).toBe('sent');
    // Refused input is answered the same by the compiled routes (schemas compiled at first use).
    const bad = await send({ type: 'text' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ pointer: string }> }).errors[0]?.pointer).toBe(
      '/message/text',
    );
    g.child.kill('SIGTERM');
    expect(await g.exit).toBe(0);
    expect(g.out()).toMatch(/SIGTERM: finishing sends in flight, then stopping/);
  }, 60_000);

  it('stops cleanly when npm start is told to stop, leaving no gateway behind', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env: { ...process.env, OMNIGATE_DATA_DIR: dataDir(), PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exit = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    while (!out.includes('listening on')) {
      if (npm.exitCode !== null) throw new Error(`npm start exited: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const gateway = childProcesses(npm.pid!);
    try {
      // The gateway is npm's child, run with the V8 flags the command's own first line gives.
      if (process.platform === 'linux') {
        const [shebang] = readFileSync(join(REPO_ROOT, 'bin/omnigate.js'), 'utf8').split('\n', 1);
        const flags = shebang!.match(/^#!\/usr\/bin\/env -S node((?: --\S+)+)$/)?.[1];
        expect(flags, shebang).toBeDefined();
        expect(gateway.map((p) => p.commandLine)).toContainEqual(
          expect.stringContaining(`node${flags} bin/omnigate.js`),
        );
      }
      // npm hands the signal to its script's process, which must be the gateway itself (`exec`):
      // a shell in between would take it and leave the gateway running, never told to stop.
      npm.kill('SIGTERM');
      await exit;
      expect(out).toMatch(/SIGTERM: finishing sends in flight, then stopping/);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      // A failed check must not leave a gateway running beyond the test.
      for (const p of [...gateway, { pid: npm.pid! }]) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone, as it should be
        }
      }
    }
  }, 60_000);

  it('runs the sources through tsx, and says so, when they are newer than the build', async () => {
    const built = statSync(BUILT);
    // The build made older than every source: restored afterwards, whatever happens.
    utimesSync(BUILT, new Date(0), new Date(0));
    try {
      const g = await run(dataDir());
      expect(g.err()).toMatch(/src\/ has changed since the last build; running it through tsx/);
      expect((await fetch(`${g.url}/healthz`)).status).toBe(200);
      g.child.kill('SIGTERM');
      expect(await g.exit).toBe(0);
    } finally {
      utimesSync(BUILT, built.atime, built.mtime);
    }
    expect(existsSync(BUILT)).toBe(true);
  }, 60_000);
});
