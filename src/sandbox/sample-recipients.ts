/**
 * The n-th distinct recipient of each channel, in the address form its sandbox emulator accepts
 * and clear of its failure sentinels (Telegram's 403…/429…/500…/999… chats, WhatsApp's 999…
 * numbers, Messenger's 551…/613… ids, Viber's status… receivers, WeChat's oSandbox… openids).
 * The benchmark and the chaos test address the sandbox through these.
 */
const scopedId = (n: number) => String(7_000_000_000_000_000 + n);

export const SANDBOX_RECIPIENTS: Record<string, (n: number) => string> = {
  line: (n) => `U${n.toString(16).padStart(32, '0')}`,
  telegram: (n) => String(100_000 + n),
  whatsapp: (n) => String(15_550_000_000 + n),
  messenger: scopedId,
  instagram: scopedId,
  viber: (n) => {
    const id = Buffer.alloc(16, 0x8d);
    id.writeUInt32BE(n, 12);
    return id.toString('base64');
  },
  wechat: (n) => `oBench${n.toString(36).padStart(22, '0')}`,
};
