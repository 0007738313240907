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
  postgresUrl: process.env.OMNIGATE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.OMNIGATE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

export type Options = typeof OPTIONS;
