/**
 * The media probe against real bytes on a loopback server: sizes from HEAD or a ranged GET,
 * durations of MP4s (moov first and last) and MP3s, names, redirects, the guard, the deadline and
 * the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaProbe, type ProbeResult } from '../../src/lib/media-probe.ts';
import { DestinationGuard } from '../../src/lib/ssrf-guard.ts';
import { mp3, mp3DurationMs, mp4, startMediaServer } from '../support/media-server.ts';

const LOOPBACK = new DestinationGuard(['127.0.0.1/32']);
let server: Awaited<ReturnType<typeof startMediaServer>>;
let probe: MediaProbe;

beforeAll(async () => {
  server = await startMediaServer({
    '/clip.mp4': { head: mp4(42_500), type: 'video/mp4' },
    // moov after 200 KB of mdat: past the first ranged read.
    '/camera.mp4': { head: mp4(61_000, { moovAtEnd: true, mdatBytes: 200_000 }), type: 'video/mp4' },
    '/voice.mp3': { head: mp3(400), type: 'audio/mpeg' },
    '/big.pdf': { head: Buffer.from('%PDF-1.7'), size: 30_000_000, type: 'application/pdf' },
    '/no-head.zip': { head: Buffer.from('PK'), size: 12_345, noHead: true, type: 'application/zip' },
    '/chunked.bin': { head: Buffer.from('x'), size: 777, noLength: true },
    '/download': { head: Buffer.from('%PDF'), size: 99, disposition: 'attachment; filename="report.pdf"' },
    '/moved.mp4': { head: Buffer.alloc(0), redirectTo: '/clip.mp4' },
    '/slow.jpg': { head: Buffer.alloc(10), stallMs: 1_000 },
  });
  probe = new MediaProbe({ guard: LOOPBACK, timeoutMs: 300 });
});
afterAll(async () => {
  await probe?.close();
  await server?.close();
});

const facts = (r: ProbeResult) => {
  if (!r.ok) throw new Error(`probe failed: ${r.reason}`);
  return r.facts;
};

describe('media probe', () => {
  it('reads type and size with one HEAD when no duration is asked', async () => {
    const before = server.hits.length;
    const f = facts(await probe.probe(server.url('/big.pdf')));
    expect(f).toMatchObject({ contentType: 'application/pdf', size: 30_000_000, fileName: 'big.pdf' });
    expect(server.hits.slice(before).map((h) => h.method)).toEqual(['HEAD']);
  });

  it('falls back to a ranged GET when HEAD is refused or has no length', async () => {
    expect(facts(await probe.probe(server.url('/no-head.zip')))).toMatchObject({ size: 12_345 });
    expect(facts(await probe.probe(server.url('/chunked.bin')))).toMatchObject({ size: 777 });
    const ranged = server.hits.filter((h) => h.path === '/no-head.zip' && h.method === 'GET');
    expect(ranged[0]?.range).toBe('bytes=0-65535');
  });

  it('reads the duration of an MP4 whose moov comes first, and of one whose moov is at the end', async () => {
    expect(facts(await probe.probe(server.url('/clip.mp4'), { duration: true })).durationMs).toBe(42_500);
    const f = facts(await probe.probe(server.url('/camera.mp4'), { duration: true }));
    expect(f.durationMs).toBe(61_000);
    // The walk reads the box headers past the first chunk, never the mdat itself.
    const reads = server.hits.filter((h) => h.path === '/camera.mp4' && h.method === 'GET');
    expect(reads.length).toBeLessThanOrEqual(3);
  });

  it('reads the duration of a CBR MP3 from its bitrate and size', async () => {
    const f = facts(await probe.probe(server.url('/voice.mp3'), { duration: true }));
    expect(Math.abs((f.durationMs ?? 0) - mp3DurationMs(400))).toBeLessThan(mp3DurationMs(400) * 0.01);
  });

  it('names the file from Content-Disposition, and follows a redirect', async () => {
    expect(facts(await probe.probe(server.url('/download'))).fileName).toBe('report.pdf');
    const moved = facts(await probe.probe(server.url('/moved.mp4'), { duration: true }));
    expect(moved).toMatchObject({ url: server.url('/clip.mp4'), durationMs: 42_500 });
  });

  it('gives a reason, not facts, for a 404, a timeout, and an address the guard refuses', async () => {
    expect(await probe.probe(server.url('/missing.mp4'))).toEqual({
      ok: false,
      reason: 'the media URL answered HTTP 404',
    });
    expect(await probe.probe(server.url('/slow.jpg'))).toEqual({
      ok: false,
      reason: 'no answer within 300 ms',
    });
    const guarded = new MediaProbe({ guard: new DestinationGuard([]), timeoutMs: 300 });
    const refused = await guarded.probe(server.url('/clip.mp4'));
    await guarded.close();
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.reason).toMatch(
      /127\.0\.0\.1 is a private, loopback or reserved address/,
    );
  });

  it('answers a repeated probe from its cache until the entry is old', async () => {
    let now = 0;
    const cached = new MediaProbe({ guard: LOOPBACK, timeoutMs: 300, cacheTtlMs: 1_000, now: () => now });
    const count = () => server.hits.filter((h) => h.path === '/big.pdf').length;
    const before = count();
    await Promise.all([cached.probe(server.url('/big.pdf')), cached.probe(server.url('/big.pdf'))]);
    await cached.probe(server.url('/big.pdf'));
    expect(count() - before).toBe(1);
    now = 1_001;
    await cached.probe(server.url('/big.pdf'));
    expect(count() - before).toBe(2);
    await cached.close();
  });
});
