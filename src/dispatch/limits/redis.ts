/**
 * Delivery limits shared through Redis: every worker on one prefix holds one account rate, one
 * pace per recipient, one circuit breaker and one in-flight count per account.
 *
 * Each operation is one Lua script (ioredis `defineCommand`), so it is atomic across workers and
 * costs one round trip. The scripts read the Redis server's clock (`TIME`), not the worker's, so
 * workers whose clocks disagree still share one schedule.
 *
 * Why not rate-limiter-flexible: its Redis limiters (RateLimiterRedis, BurstyRateLimiter,
 * RateLimiterQueue) count points in fixed windows (INCR + EXPIRE). A window of `rate` points lets
 * 2 × rate through across a window boundary, more than the provider's rate over a sliding second
 * (a token bucket allows at most burst + rate), and a slow pace (Viber's 100 per user per hour)
 * would allow 200 across the boundary. A refused consume also says only when the window resets, so
 * every waiter wakes at the same instant instead of queueing one token apart. The account rate and
 * the recipient pace are therefore a GCRA (the token bucket of token-bucket.ts expressed as a
 * "theoretical arrival time") with reservation semantics; the breaker is a state machine and the
 * in-flight count a semaphore with per-slot expiry, neither of which the library offers.
 *
 * Every key expires: a bucket once it has refilled (forgetting it changes nothing), a kept turn
 * some time after it is due, a breaker after a day without failures, an in-flight slot after
 * `slotTtlMs` (so a worker that dies mid-send does not hold its slot forever). Keys of one account
 * share a hash tag, so one account's script only touches keys of one cluster slot.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type BreakerPolicy, DEFAULT_BREAKER } from '../circuit-breaker.ts';
import type { DeliveryLimits, RateLimit, Slot } from './types.ts';

export interface RedisLimitsOptions {
  redis: Redis;
  /** Prepended to every key, e.g. `omnigate:limits:`; workers that share limits share it. */
  prefix: string;
  breaker?: BreakerPolicy;
  /**
   * How long an in-flight slot is held at most. A send that outlives it no longer counts, so it
   * must exceed the longest send (the HTTP client's 15 s deadline); the dispatcher's lease is used.
   */
  slotTtlMs?: number;
}

/** A kept turn outlives its time by this much, for a job claimed late from a busy queue. */
const TURN_GRACE_MS = 60 * 60_000;

/** A breaker with no failure for this long is forgotten (closed). */
const BREAKER_IDLE_MS = 24 * 60 * 60_000;

/** The slot of an account without a concurrency limit: nothing is stored for it. */
const UNLIMITED: Slot = 'unlimited';

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local function fmt(ms) return string.format('%.3f', ms) end
-- GCRA: the bucket is the time its next token is due (tat); full when tat <= now. A taker moves
-- tat one interval on whatever the wait, so concurrent takers queue one interval apart.
-- A wait beyond max_wait (when given) is returned without reserving: such a taker will not wait.
local function reserve(key, interval, burst, now, max_wait)
  local tat = math.max(tonumber(redis.call('GET', key)) or 0, now) + interval
  local wait = math.max(0, math.ceil(tat - interval * burst - now))
  if max_wait and wait > max_wait then return wait end
  redis.call('SET', key, fmt(tat), 'PX', math.ceil(tat - now))
  return wait
end
`;

const SCRIPTS = {
  omnigateLimitsTake: {
    keys: 1,
    lua: `${PRELUDE}
return reserve(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), now_ms(), tonumber(ARGV[3]))`,
  },
  omnigateLimitsRefund: {
    keys: 1,
    lua: `${PRELUDE}
local stored = tonumber(redis.call('GET', KEYS[1]))
if not stored then return 0 end
local now = now_ms()
local tat = stored - tonumber(ARGV[1])
if tat <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], fmt(tat), 'PX', math.ceil(tat - now))
end
return 1`,
  },
  omnigateLimitsTurn: {
    keys: 2,
    lua: `${PRELUDE}
local now = now_ms()
local kept = tonumber(redis.call('GET', KEYS[1]))
if kept then
  redis.call('DEL', KEYS[1])
  return math.max(0, math.ceil(kept - now))
end
return reserve(KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), now)`,
  },
  omnigateLimitsKeepTurn: {
    keys: 1,
    lua: `${PRELUDE}
local wait = tonumber(ARGV[1])
redis.call('SET', KEYS[1], fmt(now_ms() + wait), 'PX', math.ceil(wait + tonumber(ARGV[2])))
return 1`,
  },
  // The breaker's states are those of circuit-breaker.ts: a hash of kind, failures (closed),
  // until (open), cooldown and probeSince (half-open). No hash is closed with no failures.
  omnigateLimitsAdmit: {
    keys: 1,
    lua: `${PRELUDE}
local s = redis.call('HMGET', KEYS[1], 'kind', 'until', 'cooldown', 'probeSince')
local now = now_ms()
if s[1] == 'open' then
  local untilAt = tonumber(s[2])
  if now < untilAt then return math.ceil(untilAt - now) end
  redis.call('HSET', KEYS[1], 'kind', 'half_open', 'probeSince', fmt(now))
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 0
end
if s[1] == 'half_open' then
  local cooldown = tonumber(s[3])
  -- A probe that never reported back (its worker died) is replaced after one cool-down.
  if now - tonumber(s[4]) >= cooldown then
    redis.call('HSET', KEYS[1], 'probeSince', fmt(now))
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    return 0
  end
  return math.ceil(cooldown)
end
return 0`,
  },
  omnigateLimitsOpenFor: {
    keys: 1,
    lua: `${PRELUDE}
local s = redis.call('HMGET', KEYS[1], 'kind', 'until', 'cooldown')
if s[1] == 'open' then return math.max(0, math.ceil(tonumber(s[2]) - now_ms())) end
if s[1] == 'half_open' then return math.ceil(tonumber(s[3])) end
return 0`,
  },
  omnigateLimitsFailed: {
    keys: 1,
    lua: `${PRELUDE}
local threshold, cooldown, maxCooldown = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'kind', 'failures', 'cooldown')
-- Already open: failures of sends admitted before it opened change nothing.
if s[1] == 'open' then return 0 end
local now = now_ms()
if s[1] == 'half_open' then
  local doubled = math.min(maxCooldown, tonumber(s[3]) * 2)
  redis.call('HSET', KEYS[1], 'kind', 'open', 'until', fmt(now + doubled), 'cooldown', fmt(doubled))
else
  local failures = (tonumber(s[2]) or 0) + 1
  if failures >= threshold then
    redis.call('HSET', KEYS[1], 'kind', 'open', 'until', fmt(now + cooldown), 'cooldown', fmt(cooldown), 'failures', 0)
  else
    redis.call('HSET', KEYS[1], 'kind', 'closed', 'failures', failures)
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`,
  },
  // A sorted set of slots scored by when they lapse: slots of dead workers drop out by themselves.
  omnigateLimitsAcquire: {
    keys: 1,
    lua: `${PRELUDE}
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], fmt(now + tonumber(ARGV[2])), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
  },
} as const;

type Arg = string | number;
type LimitCommands = {
  [name in keyof typeof SCRIPTS]: (...keysThenArgs: Arg[]) => Promise<number>;
};

function withLimitCommands(redis: Redis): Redis & LimitCommands {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: script.keys, lua: script.lua });
  }
  return redis as Redis & LimitCommands;
}

const intervalMs = (limit: RateLimit) => 1000 / limit.perSecond;

export function createRedisLimits(options: RedisLimitsOptions): DeliveryLimits {
  const redis = withLimitCommands(options.redis);
  const policy = options.breaker ?? DEFAULT_BREAKER;
  const slotTtlMs = Math.ceil(options.slotTtlMs ?? 60_000);
  const breakerTtlMs = Math.max(BREAKER_IDLE_MS, 2 * policy.maxCooldownMs);
  // Every key of an account shares the {accountId} hash tag.
  const key = (accountId: string, rest: string) => `${options.prefix}{${accountId}}:${rest}`;

  return {
    takeToken: (accountId, limit, maxWaitMs) =>
      redis.omnigateLimitsTake(
        key(accountId, 'rate'),
        intervalMs(limit),
        limit.burst,
        ...(maxWaitMs === undefined ? [] : [maxWaitMs]),
      ),
    async refundToken(accountId, limit) {
      await redis.omnigateLimitsRefund(key(accountId, 'rate'), intervalMs(limit));
    },
    takeTurn: (accountId, recipient, messageId, limit) =>
      redis.omnigateLimitsTurn(
        key(accountId, `turn:${messageId}`),
        key(accountId, `pace:${recipient}`),
        intervalMs(limit),
        limit.burst,
      ),
    async keepTurn(accountId, messageId, inMs) {
      await redis.omnigateLimitsKeepTurn(
        key(accountId, `turn:${messageId}`),
        Math.max(0, inMs),
        TURN_GRACE_MS,
      );
    },
    admit: (accountId) => redis.omnigateLimitsAdmit(key(accountId, 'breaker'), breakerTtlMs),
    openFor: (accountId) => redis.omnigateLimitsOpenFor(key(accountId, 'breaker')),
    async succeeded(accountId) {
      await redis.del(key(accountId, 'breaker'));
    },
    async failed(accountId) {
      await redis.omnigateLimitsFailed(
        key(accountId, 'breaker'),
        policy.threshold,
        policy.cooldownMs,
        policy.maxCooldownMs,
        breakerTtlMs,
      );
    },
    // Without a limit nothing is counted: a round trip per send for a number nobody reads. A limit
    // set later counts only the sends that start after it reaches this worker.
    async acquireSlot(accountId, max) {
      if (max === undefined) return UNLIMITED;
      const slot = randomUUID();
      const got = await redis.omnigateLimitsAcquire(key(accountId, 'inflight'), max, slotTtlMs, slot);
      return got === 1 ? slot : undefined;
    },
    async releaseSlot(accountId, slot) {
      if (slot === UNLIMITED) return;
      await redis.zrem(key(accountId, 'inflight'), slot);
    },
    // ioredis says at once when its connection drops; a lazy connection not yet opened ('wait')
    // counts as reachable, or nothing would ever open it.
    reachable: () => redis.status === 'ready' || redis.status === 'wait',
  };
}
