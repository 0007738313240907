/**
 * Chaos mode for the sandbox emulators: they misbehave the way real providers do, at configured
 * rates, so the gateway's handling of throttling, outages, slowness, lost answers and unruly
 * receipts can be tested (and shown) against the same strict emulators as the happy path.
 *
 * Faults on provider API calls:
 *   throttle  the channel's own throttling answer with its wait hint (LINE 429, Telegram
 *             retry_after, Viber status 12, WeChat 45009, Graph 613 / 130429 ...)
 *   error     the channel's own server error (5xx, or its in-band equivalent)
 *   slow      the answer comes `slowMs` late
 *   reset     the connection is cut after the request arrived, before any answer
 *   garbled   the provider takes the message and answers its 2xx with the body cut short
 *   badGateway the provider takes the message, and a proxy in front of it answers 502 instead
 * Faults on receipts the emulators post to the gateway:
 *   duplicate the same receipt posted twice
 *   reorder   receipts posted after a random delay, so they may overtake each other
 *
 * Set for the whole process by the operator with OMNIGATE_SANDBOX_CHAOS (`throttle=0.05,error=0.05,
 * slow=0.1,slowMs=300,reset=0.01,garbled=0.02,badGateway=0.02,duplicate=0.1,reorder=0.3,seed=42`),
 * or by a tenant for its own accounts with PUT /sandbox/_chaos: a tenant's settings, once given,
 * replace the process-wide ones for the requests its dispatcher sends and the receipts its accounts
 * get, and touch no one else. `garbled` and `badGateway` are the answers that leave the gateway
 * unsure: the emulator records the message as taken, then the answer says nothing (or the wrong
 * thing) about it.
 */
export interface ChaosSettings {
  throttle: number;
  error: number;
  slow: number;
  slowMs: number;
  reset: number;
  garbled: number;
  badGateway: number;
  duplicate: number;
  reorder: number;
  /** Upper bound of the random delay of a reordered receipt. */
  reorderMs: number;
  seed: number;
}

export type ApiFault = 'throttle' | 'error' | 'slow' | 'reset' | 'garbled' | 'badGateway' | undefined;

/** Faults of a call, in the order their rates are stacked. */
const API_FAULTS = ['throttle', 'error', 'slow', 'reset', 'garbled', 'badGateway'] as const;

export const NO_CHAOS: ChaosSettings = {
  throttle: 0,
  error: 0,
  slow: 0,
  slowMs: 300,
  reset: 0,
  garbled: 0,
  badGateway: 0,
  duplicate: 0,
  reorder: 0,
  reorderMs: 200,
  seed: 1,
};

const RATES = [...API_FAULTS, 'duplicate', 'reorder'] as const;

/** Parses `key=value,...`; returns the settings or what is wrong with the text. */
export function parseChaos(text: string): ChaosSettings | string {
  const settings: ChaosSettings = { ...NO_CHAOS };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key = '', raw = ''] = part.split('=');
    const value = Number(raw);
    if (!(key in settings) || !Number.isFinite(value) || value < 0) return `bad chaos setting '${part}'`;
    if ((RATES as readonly string[]).includes(key) && value > 1) return `'${key}' is a rate between 0 and 1`;
    (settings as unknown as Record<string, number>)[key] = value;
  }
  if (API_FAULTS.reduce((sum, fault) => sum + settings[fault], 0) > 1) {
    return `${API_FAULTS.join(' + ')} must not exceed 1`;
  }
  return settings;
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Chaos {
  private settings: ChaosSettings = NO_CHAOS;
  private random = prng(NO_CHAOS.seed);
  /** What was injected, for tests and for people watching a demo. */
  readonly injected: Record<Exclude<ApiFault, undefined> | 'duplicate' | 'reorder', number> = {
    throttle: 0,
    error: 0,
    slow: 0,
    reset: 0,
    garbled: 0,
    badGateway: 0,
    duplicate: 0,
    reorder: 0,
  };

  configure(settings: ChaosSettings): void {
    this.settings = settings;
    this.random = prng(settings.seed);
    for (const key of Object.keys(this.injected) as Array<keyof Chaos['injected']>) this.injected[key] = 0;
  }

  get current(): ChaosSettings {
    return this.settings;
  }

  get enabled(): boolean {
    const s = this.settings;
    return RATES.some((rate) => s[rate] > 0);
  }

  /** The fault for one provider API call, if any. */
  apiFault(): ApiFault {
    const s = this.settings;
    const roll = this.random();
    let edge = 0;
    for (const fault of API_FAULTS) {
      edge += s[fault];
      if (roll < edge) {
        this.injected[fault]++;
        return fault;
      }
    }
    return undefined;
  }

  /** How a receipt is posted: how many times, and after what delay. */
  receiptPlan(): { copies: number; delayMs: number } {
    const s = this.settings;
    const copies = this.random() < s.duplicate ? 2 : 1;
    if (copies === 2) this.injected.duplicate++;
    const reorder = this.random() < s.reorder;
    if (reorder) this.injected.reorder++;
    return { copies, delayMs: reorder ? Math.floor(this.random() * s.reorderMs) : 0 };
  }
}

/** The process-wide settings: every request and receipt no tenant has settings of its own for. */
export const sandboxChaos = new Chaos();

const tenantChaos = new Map<string, Chaos>();
/** Webhook URLs the emulators post to, and the tenant owning the account behind each. */
const webhookTenants = new Map<string, string>();

/** The chaos for a tenant's traffic: its own settings if it gave any, else the process-wide ones. */
export function chaosFor(tenantId: string | undefined): Chaos {
  return (tenantId !== undefined ? tenantChaos.get(tenantId) : undefined) ?? sandboxChaos;
}

/** Whether `tenantId` gave settings of its own. */
export function hasOwnChaos(tenantId: string): boolean {
  return tenantChaos.has(tenantId);
}

export function configureTenantChaos(tenantId: string, settings: ChaosSettings): void {
  const chaos = tenantChaos.get(tenantId) ?? new Chaos();
  chaos.configure(settings);
  tenantChaos.set(tenantId, chaos);
}

/** Receipts to `url` belong to `tenantId` (the owner of the account the URL names). */
export function registerWebhookTenant(url: string, tenantId: string): void {
  webhookTenants.set(url, tenantId);
}

/** The chaos for a receipt posted to `url` (which may carry a query string after the registered URL). */
export function chaosForWebhook(url: string): Chaos {
  for (const [registered, tenantId] of webhookTenants) {
    if (url.startsWith(registered)) return chaosFor(tenantId);
  }
  return sandboxChaos;
}
