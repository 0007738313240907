/** Clocks and summaries the bench and its helper processes share. */

/**
 * Milliseconds since the epoch with sub-millisecond resolution. The driver, the fake provider and
 * the sink are separate processes; their timestamps are compared, so they all read this clock.
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export const median = (xs: number[]): number => pct(xs, 50);

/** A figure over the runs: its median and how far the runs spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(xs: number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
