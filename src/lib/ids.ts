/**
 * Identifiers. Message ids are ULIDs behind a type prefix: they sort by creation time, which is
 * what cursor pagination and "newest first" listings rely on, and the monotonic factory keeps that
 * order within one millisecond.
 */
import { randomUUID } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

export const newId = (prefix: 'msg' | 'ca' | 'inb' | 'cb' | 'tn' | 'req'): string => `${prefix}_${ulid()}`;

export const newUuid = (): string => randomUUID();
