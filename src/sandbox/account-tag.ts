/**
 * Which tenant a request to an in-process emulator came from. In sandbox mode the dispatcher's base
 * URL for an account carries a tag, `/sandbox/<channel>/~<tag>/...`, naming the tenant and account
 * under a MAC; `rewriteUrl` strips it before routing, so the emulators see the provider's own paths,
 * and remembers whose request it was. The recorder files each request under that tenant, and the
 * chaos hook applies that tenant's settings.
 *
 * Why not the credentials: every sandbox account authenticates with the same public credentials,
 * so they name no one. The MAC keeps a caller from filing requests under another tenant; its key
 * is derived from the master key, which every api and worker process of a deployment shares.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';

export interface SandboxOwner {
  tenantId: string;
  accountId: string;
}

const MARK = '/~';

/** Tags are deterministic; a send path should not pay two HMACs per request for them. */
const MEMO_LIMIT = 10_000;

export class SandboxTags {
  private readonly key: Buffer;
  private readonly made = new Map<string, string>();
  private readonly verified = new Map<string, SandboxOwner>();

  constructor(masterKey: Buffer) {
    this.key = createHmac('sha256', masterKey).update('omnigate sandbox account tag').digest();
  }

  /** The emulator base URL the dispatcher uses for an account. */
  baseUrl(gatewayUrl: string, account: { channel: string; tenantId: string; id: string }): string {
    return `${gatewayUrl}/sandbox/${account.channel}${MARK}${this.tag(account.tenantId, account.id)}`;
  }

  tag(tenantId: string, accountId: string): string {
    const ids = `${encodeURIComponent(tenantId)}.${encodeURIComponent(accountId)}`;
    let tag = this.made.get(ids);
    if (tag === undefined) {
      tag = `${ids}.${this.mac(ids)}`;
      memo(this.made, ids, tag);
    }
    return tag;
  }

  read(tag: string): SandboxOwner | undefined {
    const known = this.verified.get(tag);
    if (known) return known;
    const owner = this.verify(tag);
    // Only genuine tags are remembered, so made-up ones cannot fill the memo.
    if (owner) memo(this.verified, tag, owner);
    return owner;
  }

  private verify(tag: string): SandboxOwner | undefined {
    const [tenant, account, mac, ...rest] = tag.split('.');
    if (!tenant || !account || !mac || rest.length > 0) return undefined;
    const expected = Buffer.from(this.mac(`${tenant}.${account}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return { tenantId: decodeURIComponent(tenant), accountId: decodeURIComponent(account) };
    } catch {
      return undefined;
    }
  }

  private mac(ids: string): string {
    return createHmac('sha256', this.key).update(ids).digest('base64url').slice(0, 22);
  }
}

function memo<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, value);
}

const owners = new WeakMap<IncomingMessage, SandboxOwner>();

/**
 * Fastify's `rewriteUrl`: `/sandbox/<channel>/~<tag>/rest` becomes `/sandbox/<channel>/rest`, the
 * owner remembered when the tag is genuine. A forged tag is stripped too, and files the request
 * under no one.
 */
export function sandboxUrlRewriter(tags: SandboxTags | undefined) {
  return (req: IncomingMessage): string => {
    const url = req.url ?? '/';
    if (!url.startsWith('/sandbox/')) return url;
    const at = url.indexOf(MARK, '/sandbox/'.length);
    // Only right after the channel segment: /sandbox/<channel>/~<tag>
    if (at < 0 || url.lastIndexOf('/', at - 1) !== '/sandbox'.length) return url;
    const end = url.indexOf('/', at + MARK.length);
    const tag = url.slice(at + MARK.length, end < 0 ? url.length : end);
    const owner = tags?.read(tag);
    if (owner) owners.set(req, owner);
    return url.slice(0, at) + (end < 0 ? '' : url.slice(end));
  };
}

/** The tenant and account whose dispatcher sent this emulator request, when it carried a tag. */
export function ownerOf(request: FastifyRequest | undefined): SandboxOwner | undefined {
  return request ? owners.get(request.raw) : undefined;
}
