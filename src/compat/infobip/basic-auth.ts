/**
 * HTTP Basic credentials (RFC 7617), the way Infobip clients authenticate: the user name is the
 * principal, the password the secret (compat/credentials.ts resolves them to a tenant).
 */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  // The user name cannot contain a colon; the password may.
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
