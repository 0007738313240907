/**
 * The duration of an MP4-family file (MP4, M4A, MOV: ISO/IEC 14496-12 boxes) or an MP3, read from
 * as few of its bytes as possible. Written here rather than taken from a media library because the
 * probe needs two numbers from one box (or one frame header) out of byte ranges it fetches itself
 * through the SSRF-guarded client, while the libraries (music-metadata and its tokenizers) parse
 * whole streams or bring their own HTTP layer, and a dozen packages with them.
 *
 * MP4: the top-level boxes are walked by their headers (each a ranged read at the next offset, so
 * an `mdat` of gigabytes is stepped over, not read) to `moov`, whose `mvhd` gives the timescale and
 * the duration; `moov` at the end of the file (the usual layout of a camera's file) costs one read
 * per box before it. MP3: an ID3v2 tag is stepped over; the Xing/Info or VBRI header of the first
 * frame gives the frame count of a VBR file, and a CBR file's length follows from its bitrate and
 * the file's size.
 */

export interface DurationSource {
  /** The file's first bytes. */
  head: Buffer;
  /** The whole file's size, when known. */
  size: number | undefined;
  /** `length` bytes at `offset` (fewer at the end), or undefined when they cannot be read. */
  read(offset: number, length: number): Promise<Buffer | undefined>;
}

/** Milliseconds, or undefined when the format is neither or the bytes do not say. */
export async function mediaDuration(source: DurationSource): Promise<number | undefined> {
  const { head } = source;
  if (head.length >= 8 && MP4_TOP_LEVEL.has(head.toString('latin1', 4, 8))) return mp4Duration(source);
  if (head.toString('latin1', 0, 3) === 'ID3' || frameAt(head, 0) !== undefined) return mp3Duration(source);
  return undefined;
}

// ----- MP4 -------------------------------------------------------------------------------------

/** Boxes a file of the MP4 family can begin with (QuickTime files may lack `ftyp`). */
const MP4_TOP_LEVEL = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);
const MAX_BOXES = 32;
const BOX_READ = 64 * 1024;

async function mp4Duration(source: DurationSource): Promise<number | undefined> {
  let offset = 0;
  for (let n = 0; n < MAX_BOXES; n++) {
    if (source.size !== undefined && offset + 8 > source.size) return undefined;
    const header = await bytesAt(source, offset, 16);
    if (header === undefined || header.length < 8) return undefined;
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1) {
      if (header.length < 16) return undefined;
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      // The last box, to the end of the file.
      size = source.size !== undefined ? source.size - offset : Number.MAX_SAFE_INTEGER;
    }
    if (size < headerSize) return undefined;
    if (type === 'moov') {
      const body = await bytesAt(source, offset + headerSize, Math.min(size - headerSize, BOX_READ));
      return body === undefined ? undefined : mvhdDuration(body);
    }
    offset += size;
  }
  return undefined;
}

/** The `mvhd` among `moov`'s children: duration / timescale. */
function mvhdDuration(moov: Buffer): number | undefined {
  let at = 0;
  while (at + 8 <= moov.length) {
    const size = moov.readUInt32BE(at);
    const type = moov.toString('latin1', at + 4, at + 8);
    if (type === 'mvhd') {
      const version = moov[at + 8];
      const fields = at + 12;
      if (version === 1 && fields + 28 <= moov.length) {
        const timescale = moov.readUInt32BE(fields + 16);
        return toMs(Number(moov.readBigUInt64BE(fields + 20)), timescale, 2 ** 64 - 1);
      }
      if (version === 0 && fields + 16 <= moov.length) {
        const timescale = moov.readUInt32BE(fields + 8);
        return toMs(moov.readUInt32BE(fields + 12), timescale, 0xffffffff);
      }
      return undefined;
    }
    if (size < 8) return undefined;
    at += size;
  }
  return undefined;
}

function toMs(duration: number, timescale: number, unknown: number): number | undefined {
  // All ones is the format's "duration unknown".
  if (timescale === 0 || duration === unknown || duration === 0) return undefined;
  return Math.round((duration / timescale) * 1000);
}

// ----- MP3 -------------------------------------------------------------------------------------

interface Frame {
  mpeg1: boolean;
  bitrateKbps: number;
  sampleRate: number;
  mono: boolean;
}

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};
/** How far the first frames are searched for after the tag (junk and padding happen). */
const SYNC_SEARCH = 4096;

/** A Layer III frame header at `at`, if one is there. */
function frameAt(b: Buffer, at: number): Frame | undefined {
  if (at + 4 > b.length || b[at] !== 0xff || ((b[at + 1] ?? 0) & 0xe0) !== 0xe0) return undefined;
  const b1 = b[at + 1] ?? 0;
  const b2 = b[at + 2] ?? 0;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) {
    return undefined;
  }
  const mpeg1 = version === 3;
  return {
    mpeg1,
    bitrateKbps: (mpeg1 ? BITRATES_V1_L3 : BITRATES_V2_L3)[bitrateIndex] ?? 0,
    sampleRate: SAMPLE_RATES[version]?.[rateIndex] ?? 0,
    mono: (b[at + 3] ?? 0) >> 6 === 3,
  };
}

async function mp3Duration(source: DurationSource): Promise<number | undefined> {
  let start = 0;
  const h = source.head;
  if (h.toString('latin1', 0, 3) === 'ID3' && h.length >= 10) {
    // A syncsafe size (7 bits a byte), plus the header and a footer when flagged.
    const tag = (((h[6] ?? 0) << 21) | ((h[7] ?? 0) << 14) | ((h[8] ?? 0) << 7) | (h[9] ?? 0)) >>> 0;
    start = 10 + tag + (((h[5] ?? 0) & 0x10) !== 0 ? 10 : 0);
  }
  const bytes = await bytesAt(source, start, SYNC_SEARCH + 256);
  if (bytes === undefined) return undefined;
  let at = 0;
  while (at < SYNC_SEARCH && frameAt(bytes, at) === undefined) at++;
  const frame = frameAt(bytes, at);
  if (frame === undefined || frame.sampleRate === 0) return undefined;
  const samplesPerFrame = frame.mpeg1 ? 1152 : 576;
  const sideInfo = frame.mpeg1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17;
  const xing = at + 4 + sideInfo;
  const tag = bytes.toString('latin1', xing, xing + 4);
  if (
    (tag === 'Xing' || tag === 'Info') &&
    xing + 12 <= bytes.length &&
    (bytes.readUInt32BE(xing + 4) & 1) !== 0
  ) {
    return Math.round((bytes.readUInt32BE(xing + 8) * samplesPerFrame * 1000) / frame.sampleRate);
  }
  const vbri = at + 4 + 32;
  if (bytes.toString('latin1', vbri, vbri + 4) === 'VBRI' && vbri + 18 <= bytes.length) {
    return Math.round((bytes.readUInt32BE(vbri + 14) * samplesPerFrame * 1000) / frame.sampleRate);
  }
  // Constant bitrate: the audio's bytes over its byte rate.
  if (source.size === undefined) return undefined;
  const audioBytes = source.size - (start + at);
  return audioBytes > 0 ? Math.round((audioBytes * 8) / frame.bitrateKbps) : undefined;
}

// ----- reading ---------------------------------------------------------------------------------

/** Bytes from the head when it holds them, else a ranged read. */
async function bytesAt(source: DurationSource, offset: number, length: number): Promise<Buffer | undefined> {
  const { head, size } = source;
  // The head holds them, or holds the whole file (a read past its end is the rest of it).
  if (offset + length <= head.length || (size !== undefined && size <= head.length)) {
    return head.subarray(offset, offset + length);
  }
  return source.read(offset, length);
}
