/**
 * The backends every conformance suite runs against (the BullMQ pattern: one suite, a factory per
 * backend). The scale-out issue adds PostgreSQL + Redis here.
 */
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/lib/crypto.ts';
import type { JobQueue } from '../../src/queue/types.ts';
import { createSqliteBackend } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';

export interface BackendFactory {
  name: string;
  create(): Promise<{ store: Store; queue: JobQueue }>;
}

export const BACKENDS: BackendFactory[] = [
  {
    name: 'sqlite',
    async create() {
      return createSqliteBackend({ path: ':memory:', secrets: createSecretBox(randomBytes(32)) });
    },
  },
];
