/**
 * The app's own routes, collected as they are registered, so that a request no route answers can
 * be told apart: a known path asked with another method is a 405 naming the methods it has (with
 * `Allow`), not a 404 that would say the path does not exist.
 */
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** The routes of the whole app (tests walk it so that no route escapes them). */
    routeTable: RouteTable;
  }
}

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

export class RouteTable {
  private readonly paths = new Map<string, KnownPath>();

  add(url: string, methods: readonly string[]): void {
    const known = this.paths.get(url) ?? { pattern: patternOf(url), methods: new Set<string>() };
    for (const m of methods) known.methods.add(m.toUpperCase());
    this.paths.set(url, known);
  }

  /** Every route as `METHOD /pattern`, in the order registered (HEAD twins of GETs left out). */
  list(): Array<{ method: string; url: string }> {
    return [...this.paths].flatMap(([url, known]) =>
      [...known.methods]
        .filter((m) => m !== 'HEAD' || !known.methods.has('GET'))
        .map((method) => ({ method, url })),
    );
  }

  /** The methods some route answers at this path (without its query), sorted; empty if none. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const known of this.paths.values()) {
      if (known.pattern.test(path)) for (const m of known.methods) methods.add(m);
    }
    return [...methods].sort();
  }
}

/** Starts collecting: every route registered after this, in any scope, is in the table. */
export function collectRoutes(app: FastifyInstance): RouteTable {
  const table = new RouteTable();
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => table.add(route.url, [route.method].flat()));
  return table;
}

/** find-my-way's syntax as a regular expression: `:name` is one segment, `*` the rest. */
function patternOf(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) =>
      part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}/?$`);
}
