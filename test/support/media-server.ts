/**
 * Real media on a loopback HTTP server, for the probe and the linked-media rules: MP4 files built
 * box by box with a known duration (`moov` before or after `mdat`), a CBR MP3 of known frames,
 * and files of any size, whose bytes past their head are zeros made up on demand (a 60 MB file
 * costs nothing until a range of it is read). The server answers HEAD and ranged GETs (RFC 9110
 * §14) the way a static file server does, and can be told to refuse HEAD, leave out the length,
 * redirect or stall.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface MediaFile {
  /** The file's first bytes; the rest, up to `size`, are zeros. */
  head: Buffer;
  size?: number;
  type?: string;
  disposition?: string;
  /** Answer HEAD with 405, as some object stores do. */
  noHead?: boolean;
  /** No Content-Length on HEAD (a chunked answer). */
  noLength?: boolean;
  /** A 302 to this path. */
  redirectTo?: string;
  /** Wait this long before answering. */
  stallMs?: number;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
};

/** An MP4 of `durationMs` (timescale 1000) with an `mdat` of `mdatBytes`, `moov` first or last. */
export function mp4(durationMs: number, { moovAtEnd = false, mdatBytes = 2048 } = {}): Buffer {
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(512), Buffer.from('isomiso2mp41', 'latin1'));
  const mvhd = box(
    'mvhd',
    u32(0), // version 0, flags
    u32(0), // creation time
    u32(0), // modification time
    u32(1000), // timescale
    u32(durationMs), // duration
    u32(0x00010000), // rate 1.0
    Buffer.from([0x01, 0x00]), // volume 1.0
    Buffer.alloc(10), // reserved
    Buffer.concat([
      u32(0x00010000),
      u32(0),
      u32(0),
      u32(0),
      u32(0x00010000),
      u32(0),
      u32(0),
      u32(0),
      u32(0x40000000),
    ]),
    Buffer.alloc(24), // pre_defined
    u32(2), // next track id
  );
  const moov = box('moov', mvhd);
  const mdat = box('mdat', Buffer.alloc(mdatBytes));
  return Buffer.concat(moovAtEnd ? [ftyp, mdat, moov] : [ftyp, moov, mdat]);
}

/** A CBR MP3 (MPEG-1 Layer III, 128 kbit/s, 44.1 kHz) of `frames` frames after an empty ID3v2 tag. */
export function mp3(frames: number): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
  // 144 * 128000 / 44100 = 417 bytes a frame, without padding.
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x00]);
  return Buffer.concat([id3, ...Array.from({ length: frames }, () => frame)]);
}

/** The duration of `mp3(frames)`: 1152 samples a frame at 44.1 kHz. */
export const mp3DurationMs = (frames: number) => (frames * 1152 * 1000) / 44100;

/** The loopback certificate of test/fixtures/tls, for `startMediaServer(files, { https: true })`. */
export const LOOPBACK_CA = readFileSync(new URL('../fixtures/tls/loopback.crt', import.meta.url), 'utf8');
const LOOPBACK_KEY = () => readFileSync(new URL('../fixtures/tls/loopback.key', import.meta.url), 'utf8');

export async function startMediaServer(files: Record<string, MediaFile>, { https = false } = {}) {
  const hits: Array<{ method: string; path: string; range?: string }> = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const range = req.headers.range;
    hits.push({ method: req.method ?? '', path, ...(range ? { range } : {}) });
    const file = files[path];
    const answer = () => serve(res, req.method ?? 'GET', range, file);
    if (file?.stallMs) setTimeout(answer, file.stallMs);
    else answer();
  };
  const server = https
    ? createHttpsServer({ key: LOOPBACK_KEY(), cert: LOOPBACK_CA }, handler)
    : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `${https ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    base,
    url: (path: string) => `${base}${path}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serve(res: ServerResponse, method: string, range: string | undefined, file: MediaFile | undefined) {
  if (file === undefined) {
    res.writeHead(404).end();
    return;
  }
  if (file.redirectTo !== undefined) {
    res.writeHead(302, { location: file.redirectTo }).end();
    return;
  }
  const size = file.size ?? file.head.length;
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    ...(file.type ? { 'content-type': file.type } : {}),
    ...(file.disposition ? { 'content-disposition': file.disposition } : {}),
  };
  if (method === 'HEAD') {
    if (file.noHead) {
      res.writeHead(405).end();
      return;
    }
    res.writeHead(200, file.noLength ? headers : { ...headers, 'content-length': String(size) });
    res.end();
    return;
  }
  const wanted = /^bytes=(\d*)-(\d*)$/.exec(range ?? '');
  if (!wanted) {
    res.writeHead(200, { ...headers, 'content-length': String(size) });
    res.end(bytes(file, 0, size));
    return;
  }
  let start = wanted[1] === '' ? size - Number(wanted[2]) : Number(wanted[1]);
  let end = wanted[1] === '' || wanted[2] === '' ? size - 1 : Math.min(Number(wanted[2]), size - 1);
  start = Math.max(0, start);
  if (start >= size) {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  end = Math.max(start, end);
  res.writeHead(206, {
    ...headers,
    'content-range': `bytes ${start}-${end}/${size}`,
    'content-length': String(end - start + 1),
  });
  res.end(bytes(file, start, end + 1));
}

function bytes(file: MediaFile, from: number, to: number): Buffer {
  const out = Buffer.alloc(to - from);
  if (from < file.head.length) file.head.copy(out, 0, from, Math.min(to, file.head.length));
  return out;
}
