/** The command line of `npm run bench` (see run.ts for what each option means). */

const FLAGS = new Set(['scale-out', 'no-kannel']);

function parse(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '');
    if (FLAGS.has(name)) args.set(name, 'true');
    else args.set(name, argv[++i] ?? '');
  }
  return args;
}

const args = parse(process.argv.slice(2));

function count(name: string, fallback: number): number {
  const value = Number(args.get(name) ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

export type KannelDlr = 'submit' | 'delivered';

function kannelDlr(): KannelDlr {
  const value = args.get('kannel-dlr') ?? 'submit';
  if (value !== 'submit' && value !== 'delivered')
    throw new Error('--kannel-dlr must be submit or delivered');
  return value;
}

export const SCENARIOS = ['isolation', 'held', 'slow', 'restart', 'memory'] as const;
export type Scenario = (typeof SCENARIOS)[number];

function scenarios(): Scenario[] {
  const named = args.get('scenarios')?.split(',').filter(Boolean) ?? [];
  const unknown = named.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`--scenarios takes ${SCENARIOS.join(', ')}; not ${unknown.join(', ')}`);
  return named as Scenario[];
}

export const OPTIONS = {
  runs: count('runs', 3),
  w1Sends: count('w1', 20_000),
  w2Requests: count('w2', 50),
  /** Concurrent single sends in W1, for both systems. */
  w1Concurrency: 64,
  /** Concurrent batch requests in W2. */
  w2Concurrency: 4,
  batchSize: 1000,
  only: args.get('only') as 'w1' | 'w2' | undefined,
  channel: args.get('channel') ?? 'telegram',
  scaleOut: args.has('scale-out'),
  /** --setups embedded,1,2: the numbers are scale-out worker counts. */
  setups: args.get('setups')?.split(','),
  kannel: !args.has('no-kannel'),
  kannelDlr: kannelDlr(),
  /** The scenarios of the goals beyond W1/W2 (run instead of W1/W2 when named). */
  scenarios: scenarios(),
  /** Recipients queued for one account in isolation, restart and memory. */
  backlog: count('backlog', 200_000),
  /** Recipients queued for the held-back account (held). */
  heldBacklog: count('held-backlog', 50_000),
  /** Sends to the 10 s provider (slow). */
  slowSends: count('slow-sends', 20_000),
  /** Single sends per lane while the backlog drains (isolation). */
  probes: count('probes', 20),
  postgresUrl: process.env.OMNIGATE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.OMNIGATE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

export type Options = typeof OPTIONS;
