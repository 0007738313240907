/**
 * Media a send links to, judged before it is accepted: real files on a loopback server, probed
 * through the SSRF guard (the test gateway allows loopback), refused through POST /v1/messages
 * with a 422 naming the field when the provider would refuse them, with nothing stored or sent;
 * the same requests sent straight to the emulator are refused there too. What passes carries the
 * probed facts the provider wants (Viber's size, duration and file name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTAGRAM_SANDBOX_CREDENTIALS } from '../../src/channels/instagram/options.ts';
import { TELEGRAM_SANDBOX_CREDENTIALS } from '../../src/channels/telegram/options.ts';
import { VIBER_SANDBOX_CREDENTIALS } from '../../src/channels/viber/options.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type MediaFile, mp4, startMediaServer } from '../support/media-server.ts';

const MB = 1024 * 1024;
const FILES: Record<string, MediaFile> = {
  '/clip.mp4': { head: mp4(30_000), type: 'video/mp4' },
  '/clip.mov': { head: mp4(30_000), type: 'video/quicktime' },
  '/huge.mp4': { head: mp4(30_000), size: 27_262_977, type: 'video/mp4' },
  '/long.mp4': { head: mp4(181_000), type: 'video/mp4' },
  '/setup.exe': { head: Buffer.from('MZ'), size: 1_000, type: 'application/octet-stream' },
  '/README': { head: Buffer.from('read me'), size: 100, type: 'text/plain' },
  '/huge.pdf': { head: Buffer.from('%PDF-1.7'), size: 52_428_801, type: 'application/pdf' },
  '/report.pdf': { head: Buffer.from('%PDF-1.7'), size: 1_000, type: 'application/pdf' },
  '/notes.docx': {
    head: Buffer.from('PK'),
    size: 2_000,
    type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
  '/sticker.png': { head: Buffer.from('\x89PNG'), size: 500, type: 'image/png' },
  '/sticker.webp': { head: Buffer.from('RIFF'), size: 500, type: 'image/webp' },
  '/big.jpg': { head: Buffer.from([0xff, 0xd8]), size: 5 * MB + 1, type: 'image/jpeg' },
  '/small.jpg': { head: Buffer.from([0xff, 0xd8]), size: 1_000, type: 'image/jpeg' },
  '/big-video.mp4': { head: mp4(10_000), size: 20 * MB + 1, type: 'video/mp4' },
  '/ig-big.jpg': { head: Buffer.from([0xff, 0xd8]), size: 8 * MB + 1, type: 'image/jpeg' },
};

let gw: TestGateway;
let media: Awaited<ReturnType<typeof startMediaServer>>;
beforeAll(async () => {
  media = await startMediaServer(FILES);
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
  await media?.close();
});

let n = 0;
const VIBER_TO = () => `lm${String(++n).padStart(20, 'A')}==`;
const TELEGRAM_TO = () => String(555_000_000 + ++n);
const IG_TO = () => String(6_281_923_770_000_000 + ++n);

const newest = async () => (await gw.api('GET', '/v1/messages?limit=1')).json.data[0]?.id;

/** Sends, expects a 422 GW_CAPABILITY naming `pointer` and `rule`, and that nothing was stored or sent. */
async function refused(channel: string, to: string, message: unknown, pointer: string, rule: string) {
  const before = await newest();
  const res = await gw.send(channel, to, message);
  expect(res.status, JSON.stringify(res.json)).toBe(422);
  expect(res.json.code).toBe('GW_CAPABILITY');
  expect(res.json.errors).toEqual([expect.objectContaining({ pointer, rule })]);
  expect(await newest()).toBe(before);
  expect(gw.requests(channel, to)).toHaveLength(0);
  return res.json.errors[0].detail as string;
}

interface SentMessage {
  status: string;
  providerRequest: { body: unknown };
  degradations: Array<{ rule: string }>;
}

/** Sends, expects 202, and waits until the provider took it. */
async function delivered(channel: string, to: string, message: unknown): Promise<SentMessage> {
  const id = await gw.sendAccepted(channel, to, message);
  const sent = (await gw.waitForStatus(id, [
    'sent',
    'delivered',
    'read',
    'failed',
  ])) as unknown as SentMessage;
  expect(sent.status, JSON.stringify(sent)).not.toBe('failed');
  return sent;
}

describe('Viber video and file', () => {
  const viber = (body: Record<string, unknown>) =>
    gw.app.inject({
      method: 'POST',
      url: '/sandbox/viber/pa/send_message',
      headers: { 'x-viber-auth-token': VIBER_SANDBOX_CREDENTIALS.authToken },
      payload: { receiver: VIBER_TO(), sender: { name: 'Shop' }, ...body },
    });

  it('sends a probed .mp4 as a video with its size and duration', async () => {
    const to = VIBER_TO();
    const sent = await delivered('viber', to, {
      type: 'media',
      mediaType: 'video',
      url: media.url('/clip.mp4'),
    });
    expect(sent.providerRequest.body).toMatchObject({
      type: 'video',
      media: media.url('/clip.mp4'),
      size: FILES['/clip.mp4']?.head.length,
      duration: 30,
    });
  });

  it('sends a probed PDF as a file with its size and name', async () => {
    const sent = await delivered('viber', VIBER_TO(), {
      type: 'media',
      mediaType: 'file',
      url: media.url('/report.pdf'),
    });
    expect(sent.providerRequest.body).toMatchObject({ type: 'file', size: 1_000, file_name: 'report.pdf' });
  });

  it.each([
    ['video', '/clip.mov', '/message/url', 'url_extension', /\.mp4/],
    ['video', '/huge.mp4', '/message/url', 'max_media_size', /27,262,976 bytes.*27262977/],
    ['video', '/long.mp4', '/message/url', 'max_duration', /180 seconds; this one is 181/],
    ['file', '/setup.exe', '/message/url', 'file_type', /\.exe/],
    ['file', '/README', '/message/url', 'file_extension', /extension/],
    ['file', '/huge.pdf', '/message/url', 'max_media_size', /52,428,800 bytes/],
  ])('refuses a %s at %s (%s %s) with nothing queued', async (mediaType, path, pointer, rule, detail) => {
    const text = await refused(
      'viber',
      VIBER_TO(),
      { type: 'media', mediaType, url: media.url(path) },
      pointer,
      rule,
    );
    expect(text).toMatch(detail);
  });

  it.each([
    ['a .mov video', { type: 'video', media: '/clip.mov', size: 1_000, duration: 30 }],
    ['a video over the size limit', { type: 'video', media: '/huge.mp4', size: 27_262_977 }],
    ['a video over the duration limit', { type: 'video', media: '/long.mp4', size: 1_000, duration: 181 }],
    ['an .exe file', { type: 'file', media: '/setup.exe', size: 1_000, file_name: 'setup.exe' }],
    ['a file without an extension', { type: 'file', media: '/README', size: 100, file_name: 'README' }],
    [
      'a file over the size limit',
      { type: 'file', media: '/huge.pdf', size: 52_428_801, file_name: 'huge.pdf' },
    ],
  ])('the emulator refuses %s sent directly (status 3)', async (_what, body) => {
    const res = await viber({ ...body, media: media.url(body.media) });
    expect(res.json()).toMatchObject({ status: 3 });
  });

  it('sends an unreachable video as a link, recording that it could not be probed', async () => {
    const sent = await delivered('viber', VIBER_TO(), {
      type: 'media',
      mediaType: 'video',
      url: 'https://example.invalid/a.mov',
    });
    expect(sent.providerRequest.body).toMatchObject({ type: 'url', media: 'https://example.invalid/a.mov' });
    const rules = sent.degradations.map((d) => d.rule);
    expect(rules).toEqual(['media_unprobed', 'viber_media_size_unknown']);
  });

  it('refuses the same in a preview, and previews the probed facts', async () => {
    const preview = (url: string) =>
      gw.api('POST', '/v1/messages/preview', {
        channel: 'viber',
        message: { type: 'media', mediaType: 'video', url },
      });
    const bad = await preview(media.url('/clip.mov'));
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0]).toMatchObject({ pointer: '/message/url', rule: 'url_extension' });
    const good = await preview(media.url('/clip.mp4'));
    expect(good.json.previews[0].recipients[0].request.body).toMatchObject({ type: 'video', duration: 30 });
  });
});

describe('Telegram files by URL', () => {
  const telegram = (method: string, params: Record<string, unknown>) =>
    gw.app.inject({
      method: 'POST',
      url: `/sandbox/telegram/bot${TELEGRAM_SANDBOX_CREDENTIALS.botToken}/${method}`,
      payload: { chat_id: Number(TELEGRAM_TO()), ...params },
    });

  it.each([
    [
      'a document not GIF, PDF or ZIP',
      { type: 'media', mediaType: 'file', path: '/notes.docx' },
      '/message/url',
      'url_document_format',
    ],
    [
      'a sticker not .WEBP',
      { type: 'sticker', path: '/sticker.png' },
      '/message/stickerId',
      'url_sticker_format',
    ],
    [
      'a photo over 5 MB',
      { type: 'media', mediaType: 'image', path: '/big.jpg' },
      '/message/url',
      'max_media_size',
    ],
    [
      'a video over 20 MB',
      { type: 'media', mediaType: 'video', path: '/big-video.mp4' },
      '/message/url',
      'max_media_size',
    ],
  ])('refuses %s with nothing queued', async (_what, { path, ...m }, pointer, rule) => {
    const message =
      m.type === 'sticker' ? { type: 'sticker', stickerId: media.url(path) } : { ...m, url: media.url(path) };
    await refused('telegram', TELEGRAM_TO(), message, pointer, rule);
  });

  it.each([
    ['sendDocument', 'document', '/notes.docx', 'Bad Request: wrong type of the web page content'],
    ['sendSticker', 'sticker', '/sticker.png', 'Bad Request: wrong type of the web page content'],
    ['sendPhoto', 'photo', '/big.jpg', 'Bad Request: failed to get HTTP URL content'],
    ['sendVideo', 'video', '/big-video.mp4', 'Bad Request: failed to get HTTP URL content'],
  ])('the emulator refuses %s of %s', async (method, field, path, description) => {
    const res = await telegram(method, { [field]: media.url(path) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ ok: false, description });
  });

  it('sends a PDF document, a .WEBP sticker and a small photo by URL', async () => {
    await delivered('telegram', TELEGRAM_TO(), {
      type: 'media',
      mediaType: 'file',
      url: media.url('/report.pdf'),
    });
    await delivered('telegram', TELEGRAM_TO(), { type: 'sticker', stickerId: media.url('/sticker.webp') });
    await delivered('telegram', TELEGRAM_TO(), {
      type: 'media',
      mediaType: 'image',
      url: media.url('/small.jpg'),
    });
    expect((await telegram('sendDocument', { document: media.url('/report.pdf') })).statusCode).toBe(200);
  });

  it('judges an unreachable document by its name, as the emulator does', async () => {
    const detail = await refused(
      'telegram',
      TELEGRAM_TO(),
      { type: 'media', mediaType: 'file', url: 'https://example.invalid/notes.docx' },
      '/message/url',
      'url_document_format',
    );
    expect(detail).toMatch(/a \.docx file/);
    const res = await telegram('sendDocument', { document: 'https://example.invalid/notes.docx' });
    expect(res.statusCode).toBe(400);
    const pdf = await delivered('telegram', TELEGRAM_TO(), {
      type: 'media',
      mediaType: 'file',
      url: 'https://example.invalid/report.pdf',
    });
    expect(pdf.degradations.map((d) => d.rule)).toEqual(['media_unprobed']);
  });
});

describe('Instagram attachments', () => {
  const instagram = (attachment: Record<string, unknown>) =>
    gw.app.inject({
      method: 'POST',
      url: '/sandbox/instagram/v21.0/me/messages',
      headers: { authorization: `Bearer ${INSTAGRAM_SANDBOX_CREDENTIALS.accessToken}` },
      payload: { recipient: { id: IG_TO() }, message: { attachment } },
    });

  it('refuses a file that is not a PDF, and an image over 8 MB, with nothing queued', async () => {
    const detail = await refused(
      'instagram',
      IG_TO(),
      { type: 'media', mediaType: 'file', url: media.url('/notes.docx') },
      '/message/url',
      'file_type',
    );
    expect(detail).toMatch(/PDF files only.*wordprocessingml/);
    await refused(
      'instagram',
      IG_TO(),
      { type: 'media', mediaType: 'image', url: media.url('/ig-big.jpg') },
      '/message/url',
      'max_media_size',
    );
  });

  it('the emulator refuses the same, and takes a PDF', async () => {
    for (const path of ['/notes.docx', '/ig-big.jpg']) {
      const type = path.endsWith('.jpg') ? 'image' : 'file';
      const res = await instagram({ type, payload: { url: media.url(path) } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 100, error_subcode: 2018047 });
    }
    expect((await instagram({ type: 'file', payload: { url: media.url('/report.pdf') } })).statusCode).toBe(
      200,
    );
    await delivered('instagram', IG_TO(), {
      type: 'media',
      mediaType: 'file',
      url: media.url('/report.pdf'),
    });
  });
});
