/**
 * Secrets we must be able to read back (provider credentials, callback signing secrets) are
 * encrypted at rest with AES-256-GCM under a master key; API keys and compat credentials, which
 * we only compare, are stored as HMAC-SHA256 under a key derived from the master key (a fast hash
 * is right for random keys; a keyed one means a copy of the database alone cannot test guesses).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const VERSION = 'v1';

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes (base64 of 32 random bytes)');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        VERSION,
        iv.toString('base64'),
        cipher.getAuthTag().toString('base64'),
        data.toString('base64'),
      ].join(':');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || data === undefined)
        throw new Error('Unreadable sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}

/**
 * A new API key: an identifiable prefix (so secret scanners can spot a leaked one) and 40 base62
 * characters. Modulo bias over 62 costs a fraction of a bit per character; 40 characters still
 * carry more than 230 bits.
 */
export function generateApiKey(): string {
  return `og_${base62(randomBytes(40))}`;
}

/**
 * Hashes a credential for storage and lookup: `k1:` + hex HMAC-SHA256, keyed by HKDF of the
 * master key (so rotating the derivation later can tell the formats apart).
 */
export type CredentialHasher = (value: string) => string;

export function createCredentialHasher(masterKey: Buffer): CredentialHasher {
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'omnigate credential hash v1', 32));
  return (value) => `k1:${createHmac('sha256', key).update(value).digest('hex')}`;
}

/**
 * The unsalted SHA-256 that API keys and compat credentials were stored as before keyed hashes;
 * found on use and rewritten (`core/tenancy.ts`), since the plaintext is needed to rehash.
 */
export function legacyCredentialHash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The pre-keyed format under its old name; tests still add keys with it to exercise the upgrade path. */
export const hashApiKey = legacyCredentialHash;

/** A compat credential generated for a tenant: `ogc_` + 43 base62 characters. */
export function generateCompatSecret(): string {
  return `ogc_${base62(randomBytes(43))}`;
}

/** The first characters of a key, safe to show in listings and logs. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 7);
}

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
