/**
 * Every Konnek `type` on every Konnek channel: what a channel can carry is accepted and reaches the
 * sandbox provider carrying the request's content field by field (media url and name, location,
 * button keys as postbacks, list sections and actions, header, footer, reply_id); what it cannot
 * carry is refused in Konnek's shape naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { LOOPBACK_CA, mp3, mp3DurationMs, mp4, startMediaServer } from '../../support/media-server.ts';
import {
  accepted,
  CHANNELS,
  type Json,
  type KonnekChannel,
  konnek,
  providerRequest,
  refused,
  request,
} from './client.ts';

/** The placeholder preview LINE videos get when the request has none (OMNIGATE_VIDEO_PREVIEW_URL). */
const PREVIEW = 'https://cdn.example.com/konnek/video-preview.jpg';

let gw: TestGateway;
/** Audio LINE can fetch (over HTTPS), whose duration the gateway reads from the file. */
let audio: Awaited<ReturnType<typeof startMediaServer>>;
beforeAll(async () => {
  audio = await startMediaServer(
    {
      '/konnek/voice.m4a': { head: mp4(12_340), type: 'audio/mp4' },
      '/konnek/voice.mp3': { head: mp3(200), type: 'audio/mpeg' },
    },
    { https: true },
  );
  gw = await startTestGateway({ OMNIGATE_VIDEO_PREVIEW_URL: PREVIEW }, { mediaProbeCa: LOOPBACK_CA });
});
afterAll(async () => {
  await gw?.close();
  await audio?.close();
});

/** A fresh recipient per send, in each channel's own address form, clear of the sandbox sentinels. */
const ADDRESS: Record<KonnekChannel, (n: number) => string> = {
  whatsapp: (n) => String(628_130_000_000 + n),
  telegram: (n) => String(710_000 + n),
  line: (n) => `U${n.toString(16).padStart(32, 'c')}`,
  facebook: (n) => String(1_254_471_000_000_000 + n),
};
let next = 0;

interface Sent {
  /** The Konnek request as sent. */
  konnek: Json;
  /** The provider request that reached the sandbox. */
  path: string;
  body: Json;
  /** The native view of the message (its canonical `message`, degradations, correlation id). */
  message: Json;
}

async function post(channel: KonnekChannel, fields: Record<string, unknown>) {
  const to = ADDRESS[channel](++next);
  const body = request(to, fields);
  const res = await konnek(gw, channel, gw.accountId(CHANNELS[channel]), body);
  return { res, to, body };
}

/** Sends, expects acceptance, and waits for the request to reach the provider. */
async function send(channel: KonnekChannel, fields: Record<string, unknown>): Promise<Sent> {
  const { res, to, body } = await post(channel, fields);
  const data = accepted(res, body.id as string);
  const reached = await providerRequest(gw, CHANNELS[channel], to);
  const message = (await gw.api('GET', `/v1/messages/${data.message_id}`)).json;
  expect(message.correlationId).toBe(body.id);
  return { konnek: body, path: reached.path, body: reached.body, message };
}

const degradationAt = (sent: Sent, pointer: string) =>
  (sent.message.degradations as Array<{ pointer: string }>).find((d) => d.pointer === pointer);

const MEDIA = {
  image: { url: 'https://example.com/konnek/photo.jpg', name: 'photo.jpg' },
  video: { url: 'https://example.com/konnek/clip.mp4', name: 'clip.mp4' },
  audio: { url: 'https://example.com/konnek/voice.mp3', name: 'voice.mp3' },
};
const TELEGRAM_METHOD = { image: 'sendPhoto', video: 'sendVideo', audio: 'sendAudio' } as const;
const TELEGRAM_FIELD = { image: 'photo', video: 'video', audio: 'audio' } as const;

describe('type text', () => {
  it.each(Object.keys(CHANNELS) as KonnekChannel[])('on %s sends body.text', async (channel) => {
    const sent = await send(channel, { type: 'text', body: { text: 'Halo, pesanan Anda sudah dikirim.' } });
    const text = sent.konnek.body.text;
    if (channel === 'whatsapp') expect(sent.body.text).toEqual({ body: text, preview_url: false });
    if (channel === 'telegram') expect(sent.body).toEqual({ chat_id: Number(sent.konnek.recipient), text });
    if (channel === 'line') expect(sent.body.messages).toEqual([{ type: 'text', text }]);
    if (channel === 'facebook') expect(sent.body.message).toEqual({ text });
  });
});

describe.each(['image', 'video', 'audio'] as const)('type %s', (type) => {
  const media = MEDIA[type];
  // WhatsApp takes no caption on audio (a check below); everywhere else the text is the caption.
  const text = type === 'audio' ? undefined : `A ${type} for you`;
  const fields = { type, body: { ...(text ? { text } : {}), media } };

  it('on whatsapp sends body.media.url as the link and body.text as the caption', async () => {
    const sent = await send('whatsapp', fields);
    expect(sent.body.type).toBe(type);
    expect(sent.body[type]).toEqual({ link: media.url, ...(text ? { caption: text } : {}) });
    // WhatsApp names documents only: the name is kept on the message and recorded as left out.
    expect(sent.message.message.fileName).toBe(media.name);
    expect(degradationAt(sent, '/message/fileName')).toBeDefined();
  });

  it('on telegram sends the media by URL with the caption', async () => {
    const sent = await send('telegram', fields);
    expect(sent.path).toBe(`/bot{token}/${TELEGRAM_METHOD[type]}`);
    expect(sent.body).toEqual({
      chat_id: Number(sent.konnek.recipient),
      [TELEGRAM_FIELD[type]]: media.url,
      ...(text ? { caption: text } : {}),
    });
    expect(sent.message.message.fileName).toBe(media.name);
  });

  it('on facebook sends an attachment of the URL', async () => {
    const sent = await send('facebook', fields);
    expect(sent.body.message).toEqual({
      attachment: { type, payload: { url: media.url, is_reusable: true } },
    });
    expect(sent.message.message.fileName).toBe(media.name);
    if (text) expect(degradationAt(sent, '/message/caption')).toBeDefined();
  });

  if (type === 'image') {
    it('on line sends the image, and the text as a message after it', async () => {
      const sent = await send('line', fields);
      expect(sent.body.messages).toEqual([
        { type: 'image', originalContentUrl: media.url, previewImageUrl: media.url },
        { type: 'text', text },
      ]);
    });
  } else if (type === 'video') {
    it("on line sends the video with the gateway's placeholder preview, and the text after it", async () => {
      const sent = await send('line', fields);
      expect(sent.body.messages).toEqual([
        { type: 'video', originalContentUrl: media.url, previewImageUrl: PREVIEW },
        { type: 'text', text },
      ]);
      expect(degradationAt(sent, '/message/previewUrl')).toMatchObject({ rule: 'video_preview_placeholder' });
    });
  } else {
    it.each([
      ['an M4A', '/konnek/voice.m4a', 12_340],
      ['an MP3', '/konnek/voice.mp3', Math.round(mp3DurationMs(200))],
    ])('on line sends %s with the duration read from the file', async (_what, path, durationMs) => {
      const url = audio.url(path);
      const sent = await send('line', { type, body: { media: { url, name: 'voice' } } });
      const [message] = sent.body.messages;
      expect(message).toMatchObject({ type: 'audio', originalContentUrl: url });
      expect(Math.abs(message.duration - durationMs)).toBeLessThanOrEqual(durationMs * 0.01);
    });

    it('on line is refused naming type when the duration cannot be read from the URL', async () => {
      const { res, to } = await post('line', fields);
      expect(refused(res, 422)).toMatch(
        /^type: LINE audio needs its duration.*could not read it from the URL/,
      );
      expect(gw.requests('line', to)).toHaveLength(0);
    });
  }

  it('without body.media.url is refused naming it', async () => {
    const { res } = await post('whatsapp', { type, body: { media: { url: '', name: 'x' } } });
    expect(refused(res, 400)).toBe(`body.media.url: is required for type ${type}`);
  });

  it('with a media URL that is not http(s) is refused naming body.media.url', async () => {
    const { res } = await post('telegram', { type, body: { media: { url: 'ftp://example.com/a' } } });
    expect(refused(res, 400)).toMatch(/^body\.media\.url: /);
  });
});

it('type audio with a text on whatsapp is refused naming body.text: WhatsApp audio has no caption', async () => {
  const { res } = await post('whatsapp', { type: 'audio', body: { text: 'listen', media: MEDIA.audio } });
  expect(refused(res, 422)).toMatch(/^body\.text: /);
});

describe('type location', () => {
  const location = { latitude: -6.2088, longitude: 106.8456 };
  const fields = { type: 'location', body: { text: 'Kantor Jakarta', location } };

  it('on whatsapp sends the coordinates, body.text as the name', async () => {
    const sent = await send('whatsapp', fields);
    expect(sent.body.location).toEqual({
      latitude: '-6.2088',
      longitude: '106.8456',
      name: 'Kantor Jakarta',
    });
  });

  it('on telegram sends the coordinates', async () => {
    const sent = await send('telegram', fields);
    expect(sent.path).toBe('/bot{token}/sendLocation');
    expect(sent.body).toEqual({ chat_id: Number(sent.konnek.recipient), ...location });
  });

  it('on line sends a location titled body.text', async () => {
    const sent = await send('line', fields);
    expect(sent.body.messages).toEqual([
      { type: 'location', title: 'Kantor Jakarta', address: '-6.2088, 106.8456', ...location },
    ]);
  });

  it('on facebook sends the place as text with a map link (the Send API has no location)', async () => {
    const sent = await send('facebook', fields);
    expect(sent.body.message.text).toContain('Kantor Jakarta');
    expect(sent.body.message.text).toContain('-6.2088%2C106.8456');
  });

  it('without coordinates is refused naming each', async () => {
    const { res } = await post('whatsapp', { type: 'location', body: { location: {} } });
    expect(refused(res, 400)).toBe(
      'body.location.latitude: is required for type location; body.location.longitude: is required for type location',
    );
  });

  it('with a latitude off the globe is refused naming it', async () => {
    const { res } = await post('line', {
      type: 'location',
      body: { location: { latitude: 95, longitude: 0 } },
    });
    expect(refused(res, 400)).toMatch(/^body\.location\.latitude: /);
  });
});

describe('type button', () => {
  const button = [
    { key: 'btn1', title: 'Button 1' },
    { key: 'btn2', title: 'Button 2' },
    { key: 'btn3', title: 'Button 3' },
  ];
  const fields = {
    type: 'button',
    body: { text: 'Choose one', button },
    header: { type: 'text', text: 'Order 123', media_url: '' },
    footer: { title: 'Konnek', text: 'Reply any time' },
  };
  const footer = 'Konnek\nReply any time';

  it('on whatsapp sends reply buttons with the keys as ids, the header and the footer', async () => {
    const sent = await send('whatsapp', fields);
    expect(sent.body.interactive).toEqual({
      type: 'button',
      header: { type: 'text', text: 'Order 123' },
      body: { text: 'Choose one' },
      footer: { text: footer },
      action: { buttons: button.map((b) => ({ type: 'reply', reply: { id: b.key, title: b.title } })) },
    });
  });

  it('on telegram sends inline buttons whose callback data are the keys', async () => {
    const sent = await send('telegram', fields);
    expect(sent.body.reply_markup).toEqual({
      inline_keyboard: button.map((b) => [{ text: b.title, callback_data: b.key }]),
    });
    expect(sent.body.text).toBe(`Order 123\n\nChoose one\n\n${footer}`);
  });

  it('on line sends a buttons template posting back the keys, the header as its title', async () => {
    const sent = await send('line', fields);
    const [template] = sent.body.messages;
    expect(template.template).toMatchObject({ type: 'buttons', title: 'Order 123' });
    expect(template.template.text).toBe(`Choose one\n${footer}`);
    expect(template.template.actions).toEqual(
      button.map((b) => ({ type: 'postback', label: b.title, data: b.key, displayText: b.title })),
    );
  });

  it('on facebook sends a button template posting back the keys', async () => {
    const sent = await send('facebook', fields);
    expect(sent.body.message.attachment.payload).toEqual({
      template_type: 'button',
      text: `Order 123\n\nChoose one\n\n${footer}`,
      buttons: button.map((b) => ({ type: 'postback', title: b.title, payload: b.key })),
    });
  });

  it('takes one button given as an object, not an array', async () => {
    const sent = await send('whatsapp', {
      type: 'button',
      body: { text: 'Sure?', button: { key: 'yes', title: 'Yes' } },
    });
    expect(sent.body.interactive.action).toEqual({
      buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }],
    });
  });

  describe('with an image header', () => {
    const image = 'https://example.com/konnek/header.jpg';
    const withImage = { ...fields, header: { type: 'image', media_url: image } };

    it('on whatsapp sends it as the header image', async () => {
      const sent = await send('whatsapp', withImage);
      expect(sent.body.interactive.header).toEqual({ type: 'image', image: { link: image } });
    });

    it('on telegram sends the photo with the buttons under it', async () => {
      const sent = await send('telegram', withImage);
      expect(sent.path).toBe('/bot{token}/sendPhoto');
      expect(sent.body.photo).toBe(image);
      expect(sent.body.reply_markup.inline_keyboard).toHaveLength(3);
    });

    it('on line sends it as the template thumbnail', async () => {
      const sent = await send('line', withImage);
      expect(sent.body.messages[0].template.thumbnailImageUrl).toBe(image);
    });

    it('on facebook records it as left out: the button template has no image', async () => {
      const sent = await send('facebook', withImage);
      expect(degradationAt(sent, '/message/header/imageUrl')).toBeDefined();
    });
  });

  describe.each(['video', 'document'] as const)('with a %s header', (headerType) => {
    const url = `https://example.com/konnek/header.${headerType === 'video' ? 'mp4' : 'pdf'}`;
    const withMedia = { ...fields, header: { type: headerType, media_url: url } };

    it('on whatsapp sends reply buttons under that header', async () => {
      const sent = await send('whatsapp', withMedia);
      expect(sent.body.interactive).toEqual({
        type: 'button',
        header: { type: headerType, [headerType]: { link: url } },
        body: { text: 'Choose one' },
        footer: { text: footer },
        action: { buttons: button.map((b) => ({ type: 'reply', reply: { id: b.key, title: b.title } })) },
      });
    });

    it.each(['telegram', 'line', 'facebook'] as const)(
      'on %s is refused naming header.type',
      async (channel) => {
        const { res, to } = await post(channel, withMedia);
        expect(refused(res, 400)).toMatch(new RegExp(`^header\\.type: .*${headerType} header`));
        expect(gw.requests(CHANNELS[channel], to)).toHaveLength(0);
      },
    );

    it('on whatsapp with more than three buttons is refused naming header.type', async () => {
      const four = [...button, { key: 'btn4', title: 'Button 4' }];
      const { res } = await post('whatsapp', { ...withMedia, body: { text: 'Choose one', button: four } });
      expect(refused(res, 400)).toMatch(
        /^header\.type: WhatsApp shows a .* header only on 1 to 3 reply buttons/,
      );
    });

    it('on whatsapp still gets WhatsApp’s limits checked, naming the Konnek field', async () => {
      const long = [{ key: 'k', title: 'A button title far over twenty characters' }];
      const { res } = await post('whatsapp', { ...withMedia, body: { text: 'Choose one', button: long } });
      expect(refused(res, 400)).toMatch(/^body\.button\[0\]\.title: /);
    });
  });

  it('refuses what is missing, naming each field', async () => {
    const { res } = await post('whatsapp', {
      type: 'button',
      body: { button: [{ key: 'a' }, { title: 'B' }] },
      header: { type: 'text' },
      footer: { text: 'only text' },
    });
    expect(refused(res, 400).split('; ')).toEqual([
      'body.text: is required: the text above the buttons',
      'body.button[0].title: is required',
      'body.button[1].key: is required',
      'header.text: is required for a text header',
      'footer.title: is required',
    ]);
  });

  it('refuses no buttons, and a header type that is not Konnek’s', async () => {
    const { res } = await post('telegram', {
      type: 'button',
      body: { text: 'x', button: [] },
      header: { type: 'gif' },
    });
    expect(refused(res, 400).split('; ')).toEqual([
      'body.button: is required for type button',
      'header.type: must be one of: text, image, video, document',
    ]);
  });

  it('names the button a channel limit refuses: LINE shows at most four', async () => {
    const five = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, title: `B${i}` }));
    const { res } = await post('line', { type: 'button', body: { text: 'x', button: five } });
    expect(refused(res, 422)).toMatch(/^body\.button: /);
  });
});

describe('type list', () => {
  const sections = [
    {
      title: 'Section 1',
      description: 'Description section 1',
      actions: [
        { key: 'sec1act1', title: 'Action 1', description: 'Description action 1' },
        { key: 'sec1act2', title: 'Action 2', description: 'Description action 2' },
      ],
    },
    {
      title: 'Section 2',
      description: 'Description section 2',
      actions: [{ key: 'sec2act1', title: 'Action 3', description: 'Description action 3' }],
    },
  ];
  const fields = {
    type: 'list',
    body: { text: 'What do you need?', list: { title: 'Open menu', sections } },
    header: { type: 'text', text: 'Help desk' },
    footer: { title: 'Konnek', text: 'Reply any time' },
  };
  const actions = sections.flatMap((s) => s.actions);

  it('on whatsapp sends a list: list.title opens it, sections and actions as rows', async () => {
    const sent = await send('whatsapp', fields);
    expect(sent.body.interactive).toEqual({
      type: 'list',
      header: { type: 'text', text: 'Help desk' },
      body: { text: 'What do you need?' },
      footer: { text: 'Konnek\nReply any time' },
      action: {
        button: 'Open menu',
        sections: sections.map((s) => ({
          title: s.title,
          rows: s.actions.map((a) => ({ id: a.key, title: a.title, description: a.description })),
        })),
      },
    });
  });

  it('on telegram lists the actions in the text, one button per action posting back its key', async () => {
    const sent = await send('telegram', fields);
    expect(sent.body.reply_markup.inline_keyboard).toEqual(
      actions.map((a) => [{ text: a.title, callback_data: a.key }]),
    );
    for (const s of sections) expect(sent.body.text).toContain(s.title);
    for (const a of actions) expect(sent.body.text).toContain(`${a.title} — ${a.description}`);
  });

  it('on line sends a bubble whose rows post back the keys', async () => {
    const sent = await send('line', fields);
    const flex = JSON.stringify(sent.body.messages[0]);
    for (const a of actions) {
      expect(flex).toContain(JSON.stringify({ type: 'postback', data: a.key, displayText: a.title }));
      expect(flex).toContain(JSON.stringify(a.description));
    }
    expect(sent.body.messages[0].contents.header.contents[0].text).toBe('Help desk');
  });

  it('on facebook numbers the actions, with a quick reply per action posting back its key', async () => {
    const sent = await send('facebook', fields);
    expect(sent.body.message.quick_replies.map((q: Json) => q.payload)).toEqual(actions.map((a) => a.key));
    expect(sent.body.message.text).toContain('1. Action 1 — Description action 1');
  });

  it('refuses what is missing, naming each field', async () => {
    const { res } = await post('whatsapp', {
      type: 'list',
      body: {
        text: 'x',
        list: {
          title: '',
          sections: [
            { title: 'S', actions: [{ key: 'k', title: 'T' }] },
            { title: 'E', description: 'd' },
          ],
        },
      },
    });
    expect(refused(res, 400).split('; ')).toEqual([
      'body.list.title: is required: the label of the button that opens the list',
      'body.list.sections[0].description: is required',
      'body.list.sections[0].actions[0].description: is required',
      'body.list.sections[1].actions: must have at least one action',
    ]);
  });

  it('refuses an image header: a list header is text only', async () => {
    const { res } = await post('whatsapp', {
      ...fields,
      header: { type: 'image', media_url: 'https://example.com/a.jpg' },
    });
    expect(refused(res, 400)).toBe("header.type: a list's header is text only, not image");
  });

  it('names the row a channel limit refuses', async () => {
    const long = [
      {
        title: 'S',
        description: 'd',
        actions: [{ key: 'k', title: 'A row title over twenty-four characters', description: 'd' }],
      },
    ];
    const { res } = await post('whatsapp', {
      type: 'list',
      body: { text: 'x', list: { title: 'Menu', sections: long } },
    });
    expect(refused(res, 422)).toMatch(/^body\.list\.sections\[0\]\.actions\[0\]\.title: /);
  });
});

describe('header and footer', () => {
  it('are not used on types other than button and list, as the sample sends them', async () => {
    const sent = await send('whatsapp', {
      type: 'text',
      body: { text: 'plain' },
      header: { type: 'text', text: 'ignored' },
      footer: { title: 'ignored', text: 'too' },
    });
    expect(sent.body.text).toEqual({ body: 'plain', preview_url: false });
  });
});

describe('reply_id', () => {
  it('on whatsapp quotes the wamid', async () => {
    const sent = await send('whatsapp', {
      type: 'text',
      reply_id: 'wamid.HBgLNjI4MTIzNDU2Nzg5FQIAERgS',
      body: { text: 'yes' },
    });
    expect(sent.body.context).toEqual({ message_id: 'wamid.HBgLNjI4MTIzNDU2Nzg5FQIAERgS' });
  });

  it('on whatsapp quotes the wamid on a video-headed button message too', async () => {
    const sent = await send('whatsapp', {
      type: 'button',
      reply_id: 'wamid.HBgLNjI4MTIzNDU2Nzg5FQIAERgT',
      body: { text: 'Pick', button: [{ key: 'a', title: 'A' }] },
      header: { type: 'video', media_url: 'https://example.com/v.mp4' },
    });
    expect(sent.body.context).toEqual({ message_id: 'wamid.HBgLNjI4MTIzNDU2Nzg5FQIAERgT' });
  });

  it('on whatsapp must be a wamid', async () => {
    const { res } = await post('whatsapp', { type: 'text', reply_id: '12345', body: { text: 'yes' } });
    expect(refused(res, 400)).toMatch(/^reply_id: must be a WhatsApp message id/);
  });

  it.each([
    ['42', 42],
    ['710999:43', 43],
  ])('on telegram %s replies to message %i of the chat', async (replyId, messageId) => {
    const sent = await send('telegram', { type: 'text', reply_id: replyId, body: { text: 'yes' } });
    expect(sent.body.reply_parameters).toEqual({ message_id: messageId });
  });

  it('on telegram must be a message number', async () => {
    const { res } = await post('telegram', { type: 'text', reply_id: 'abc', body: { text: 'yes' } });
    expect(refused(res, 400)).toMatch(/^reply_id: must be a Telegram message id/);
  });

  it.each(['line', 'facebook'] as const)(
    'on %s is accepted and the message goes unquoted',
    async (channel) => {
      const sent = await send(channel, {
        type: 'text',
        reply_id: 'some-earlier-message',
        body: { text: 'yes' },
      });
      expect(JSON.stringify(sent.body)).not.toContain('some-earlier-message');
    },
  );
});

describe('reply_token', () => {
  it('is accepted on telegram and not used: the Bot API has no reply token', async () => {
    const sent = await send('telegram', { type: 'text', reply_token: 'tok-123', body: { text: 'yes' } });
    expect(sent.body).toEqual({ chat_id: Number(sent.konnek.recipient), text: 'yes' });
  });
});
