/**
 * The `omnigate` command. `start` (the default) runs the whole gateway in one process on the
 * embedded default: SQLite under ./data, the dispatcher in a thread of its own, the sandbox providers.
 * Scale-out (OMNIGATE_DATABASE_URL, OMNIGATE_REDIS_URL): `migrate` once, then any number of `api`
 * and `worker` processes.
 */
import Fastify from 'fastify';
import { EMULATORS } from './channels/registry.ts';
import { type Config, loadConfig } from './config/config.ts';
import { apiKeyPrefix } from './lib/crypto.ts';
import { type Gateway, startApiProcess, startGateway, startWorkerProcess } from './runtime.ts';
import { sandboxHost } from './sandbox/host.ts';
import { MemoryRecorder } from './sandbox/recorder.ts';

async function start(): Promise<void> {
  // The registry's channels with real time: dispatch may run in its own thread (runtime.ts).
  await serve((config) => startGateway(config, { dispatchThread: config.dispatchThread }));
}

async function api(): Promise<void> {
  await serve(startApiProcess);
}

async function serve(startProcess: (config: Config) => Promise<Gateway>): Promise<void> {
  const config = loadConfig();
  const gateway: Gateway = await startProcess(config);
  // A key generated now is shown in full, once. One set through OMNIGATE_API_KEY is the operator's
  // secret already: only its prefix is printed, so it never lands in a log.
  const key =
    gateway.boot.generatedApiKey ??
    (config.apiKey ? `${apiKeyPrefix(config.apiKey)}… (OMNIGATE_API_KEY)` : undefined);
  const lines = [
    '',
    `Omnigate is listening on ${gateway.url} (${config.mode} mode, ${config.databaseUrl ? `records in ${redact(config.databaseUrl)}` : `data in ${config.dataDir}`})`,
    `  API docs:     ${gateway.url}/docs   (OpenAPI: ${gateway.url}/openapi.json)`,
    key
      ? `  API key:      ${key}${gateway.boot.generatedApiKey ? '   (generated now and shown once; set OMNIGATE_API_KEY to choose your own)' : ''}`
      : '  API key:      the one printed on first start (stored hashed), or set OMNIGATE_API_KEY',
  ];
  if (gateway.dispatchInThread) {
    lines.push("  Dispatch:     in a thread of its own (OMNIGATE_DISPATCH_THREAD=off keeps it on the API's)");
  }
  if (gateway.masterKeyInDataDir) {
    lines.push(
      `  Master key:   ${gateway.masterKeyInDataDir}, beside the database it encrypts; production mode needs`,
      '                OMNIGATE_MASTER_KEY or OMNIGATE_MASTER_KEY_FILE outside the data directory',
    );
  }
  if (config.mode === 'sandbox') {
    lines.push(
      `  Sandbox:      every channel goes to the built-in provider emulators at ${gateway.url}/sandbox/<channel>`,
      '',
      'Send a message:',
      `  curl -s ${gateway.url}/v1/messages -H 'Authorization: Bearer ${gateway.boot.generatedApiKey ?? '<your key>'}' \\`,
      `    -H 'Content-Type: application/json' \\`,
      `    -d '{"channel":"line","to":"U4af4980629a1b2c3d4e5f6a7b8c9d0e1","message":{"type":"text","text":"Hello!"}}'`,
      '',
      `See what reached the provider: curl -s ${gateway.url}/sandbox/line/_requests -H 'Authorization: Bearer ${gateway.boot.generatedApiKey ?? '<your key>'}'`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
  stopOnSignals(gateway.stop);
}

async function worker(): Promise<void> {
  const config = loadConfig();
  const workerProcess = await startWorkerProcess(config);
  process.stdout.write(
    `Omnigate worker: dispatching from ${redact(config.databaseUrl ?? '')}${config.redisUrl ? `, limits shared through ${redact(config.redisUrl)}` : ', limits kept in this process only (no OMNIGATE_REDIS_URL)'}\n`,
  );
  stopOnSignals(workerProcess.stop);
}

/** `omnigate migrate`: brings the PostgreSQL schema to this version (the embedded file migrates itself). */
async function migrate(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stdout.write('No OMNIGATE_DATABASE_URL: the embedded SQLite file migrates itself on start.\n');
    return;
  }
  const { migratePostgres } = await import('./store/postgres/index.ts');
  const applied = await migratePostgres(config.databaseUrl);
  process.stdout.write(
    applied.length > 0
      ? `Applied migrations ${applied.join(', ')} to ${redact(config.databaseUrl)}\n`
      : `${redact(config.databaseUrl)} is up to date\n`,
  );
}

/** A connection URL without its password (in the authority or the query), for printing. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: finishing sends in flight, then stopping\n`);
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Runs only the provider emulators, e.g. for benchmarks or to point another gateway at them. */
async function sandbox(): Promise<void> {
  const port = Number(process.env.PORT ?? 8090);
  const host = process.env.HOST ?? '127.0.0.1';
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  await app.register(sandboxHost, {
    emulators: EMULATORS,
    recorder: new MemoryRecorder(1_000),
    chaos: process.env.OMNIGATE_SANDBOX_CHAOS,
  });
  await app.listen({ port, host });
  process.stdout.write(`Omnigate sandbox providers on http://${host}:${port}/sandbox/<channel>\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const COMMANDS: Record<string, () => Promise<void>> = { start, api, worker, migrate, sandbox };
const command = process.argv[2] ?? 'start';
const run = COMMANDS[command];
if (!run) {
  process.stderr.write(
    `omnigate: unknown command '${command}'. Commands: ${Object.keys(COMMANDS).join(', ')}\n`,
  );
  process.exit(2);
}
run().catch((error: unknown) => {
  process.stderr.write(`omnigate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
