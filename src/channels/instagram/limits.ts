/**
 * Instagram's limits where they differ from Messenger's (../messenger/limits.ts): text is at most
 * 1000 UTF-8 bytes (providers.md §5, §12), and HUMAN_AGENT is the only message tag.
 */
export const INSTAGRAM_LIMITS = {
  textBytes: 1000,
} as const;

export const INSTAGRAM_TAGS = ['HUMAN_AGENT'] as const;
