/**
 * The n-th distinct recipient of each channel, in the address form its sandbox emulator accepts.
 * A channel is in the benchmark's `--channel` choice once it has an entry here.
 */
export const BENCH_RECIPIENTS: Record<string, (n: number) => string> = {
  line: (n) => `U${n.toString(16).padStart(32, '0')}`,
  telegram: (n) => String(100_000 + n),
};
