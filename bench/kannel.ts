/**
 * Kannel (Debian's `kannel` package, 1.4.5) beside Omnigate: bearerbox and smsbox with a kannel.conf
 * generated in a temp dir, the spool store, and one generic HTTP SMSC whose send-url is the fake
 * provider. W1 goes to smsbox's sendsms interface, each send with a dlr-url to the sink.
 *
 * What counts as the final callback, so that both systems are told the same thing:
 *   --kannel-dlr submit (default): dlr-mask 24 (8 SMSC accepted, 16 SMSC rejected). Bearerbox makes
 *     DLR 8 itself when the send-url's answer matches status-success-regex: the provider has taken
 *     the message. That is what Omnigate's `sent` callback says on Telegram, which has no delivery
 *     receipts.
 *   --kannel-dlr delivered: dlr-mask 19 (1 delivered, 2 undeliverable, 16 rejected). The fake
 *     provider reports delivery back to the SMSC's port, as a generic HTTP SMSC does, and Kannel
 *     matches it through generic-foreign-id-regex: one more round trip than Omnigate makes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { agent, get } from './driver.ts';
import { type Figures, type Helpers, measureRun } from './measure.ts';
import { type KannelDlr, OPTIONS } from './options.ts';
import { freePort, peakRss, stopped } from './processes.ts';
import { epochMs, sleep } from './timing.ts';

/** Why Kannel cannot run here, or undefined when it can. */
export function kannelMissing(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v bearerbox && command -v smsbox'], { encoding: 'utf8' });
  return found.status === 0
    ? undefined
    : 'bearerbox/smsbox not on PATH (apt-get install kannel), so Kannel is not measured';
}

export interface Kannel {
  sendsms: string;
  processes: Array<{ role: string; child: ChildProcess }>;
  stop(): Promise<void>;
}

const DLR_MASK: Record<KannelDlr, number> = { submit: 8 | 16, delivered: 1 | 2 | 16 };

function config(dir: string, ports: Record<'admin' | 'box' | 'smsc' | 'sendsms', number>, provider: string) {
  // `dlr=<port>` asks the fake provider to report delivery to the SMSC's port (--kannel-dlr delivered).
  const report = OPTIONS.kannelDlr === 'delivered' ? `&dlr=${ports.smsc}` : '';
  return `group = core
admin-port = ${ports.admin}
admin-password = bench
status-password = bench
admin-allow-ip = "127.0.0.1"
smsbox-port = ${ports.box}
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
log-level = 2
store-type = spool
store-location = "${dir}/spool"
dlr-storage = internal

group = smsc
smsc = http
smsc-id = fake
system-type = generic
port = ${ports.smsc}
send-url = "${provider}/kannel/send?to=%p&from=%P&text=%b${report}"
status-success-regex = "^Sent"
generic-foreign-id-regex = "id=([0-9]+)"
# As many submits in flight as the driver has sends (Kannel's own default is 10).
max-pending-submits = ${OPTIONS.w1Concurrency}

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${ports.box}
sendsms-port = ${ports.sendsms}
log-file = "${dir}/smsbox.log"
log-level = 2

group = sendsms-user
username = bench
password = bench
`;
}

async function adminStatus(port: number): Promise<string> {
  try {
    const res = await request(`http://127.0.0.1:${port}/status.txt?password=bench`, { dispatcher: agent });
    return await res.body.text();
  } catch {
    return '';
  }
}

async function until(what: string, dir: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = epochMs() + 20_000;
  while (!(await ready())) {
    if (epochMs() > deadline) {
      const log = (name: string) => {
        try {
          return readFileSync(join(dir, name), 'utf8').split('\n').slice(-15).join('\n');
        } catch {
          return '';
        }
      };
      throw new Error(`Kannel: ${what} not ready in 20 s\n${log('bearerbox.log')}\n${log('smsbox.log')}`);
    }
    await sleep(100);
  }
}

export async function startKannel(h: Helpers): Promise<Kannel> {
  const dir = mkdtempSync(join(tmpdir(), 'kannel-bench-'));
  mkdirSync(join(dir, 'spool'));
  const ports = {
    admin: await freePort(),
    box: await freePort(),
    smsc: await freePort(),
    sendsms: await freePort(),
  };
  const conf = join(dir, 'kannel.conf');
  writeFileSync(conf, config(dir, ports, h.provider));
  // -v 4: only panics on the console; the log files take warnings and errors.
  const box = (name: string) => spawn(name, ['-v', '4', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  const processes: Kannel['processes'] = [];
  const stop = async () => {
    for (const p of [...processes].reverse()) await stoppedWithin(p.child, 15_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    processes.push({ role: 'bearerbox', child: box('bearerbox') });
    await until('bearerbox', dir, async () => /fake\[fake\].*online/.test(await adminStatus(ports.admin)));
    processes.push({ role: 'smsbox', child: box('smsbox') });
    await until('smsbox', dir, async () => /smsbox:.*on-line/.test(await adminStatus(ports.admin)));
    await until('sendsms', dir, async () =>
      get(`http://127.0.0.1:${ports.sendsms}/cgi-bin/sendsms`).then(
        () => true,
        () => false,
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { sendsms: `http://127.0.0.1:${ports.sendsms}/cgi-bin/sendsms`, processes, stop };
}

/** Bearerbox drains its queues on SIGTERM; one that hangs is killed. */
async function stoppedWithin(child: ChildProcess, ms: number): Promise<void> {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await stopped(child);
  clearTimeout(timer);
}

export function kannelMemory(k: Kannel): Array<{ role: string; bytes: number | undefined }> {
  return k.processes.map((p) => ({ role: p.role, bytes: peakRss(p.child.pid) }));
}

export function kannelW1(k: Kannel, h: Helpers, run: number, sends = OPTIONS.w1Sends): Promise<Figures> {
  const mask = String(DLR_MASK[OPTIONS.kannelDlr]);
  return measureRun(h, {
    messages: sends,
    requests: sends,
    concurrency: OPTIONS.w1Concurrency,
    pids: k.processes.map((p) => p.child.pid!),
    send: async (i) => {
      const query = new URLSearchParams({
        username: 'bench',
        password: 'bench',
        from: '12345',
        to: String(15_550_000_000 + run * OPTIONS.w1Sends + i),
        text: `bench ${i}`,
        'dlr-mask': mask,
        // Kannel fills %d in with the DLR type when it calls the URL back.
        'dlr-url': `${h.sink}/kannel?id=${i}&type=%d`,
      });
      const status = await get(`${k.sendsms}?${query}`);
      if (status !== 202) throw new Error(`Kannel sendsms answered ${status}`);
    },
  });
}
