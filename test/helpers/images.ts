// Test images made at test time, carrying every kind of metadata a phone or an editor might leave
// in a file — each with a marker string — so tests can prove that none of it survives. Also hostile
// files: decompression bombs, frame bombs and things that are not images.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

export const MARKERS = {
  make: "MAKE-MARKER-Canon",
  model: "MODEL-MARKER-EOS",
  serial: "SERIAL-MARKER-4242",
  owner: "OWNER-MARKER-Jane",
  xpComment: "XPCOMMENT-MARKER-3131",
  xmp: "XMP-MARKER-XYZ",
  iptc: "IPTC-MARKER-777",
  comment: "COMMENT-MARKER-555",
  thumbnail: "THUMB-MARKER-9090",
  pngText: "PNGTEXT-MARKER-6161",
  gifComment: "GIFCOMMENT-MARKER-8080",
  fileName: "FILENAME-MARKER-IMG_2041",
} as const;

/** GPS of the Washington Monument, as a phone would write it. */
export const GPS = { latitude: [38, 53, 22.08], longitude: [77, 2, 6.86] } as const;

/** Every marker, in ASCII and in UTF-16LE (EXIF's XP* tags and some editors write UTF-16). */
export function markerBytes(markers: readonly string[] = Object.values(MARKERS)): { label: string; bytes: Buffer }[] {
  return markers.flatMap((m) => [
    { label: `${m} (ASCII)`, bytes: Buffer.from(m, "latin1") },
    { label: `${m} (UTF-16LE)`, bytes: Buffer.from(m, "utf16le") },
  ]);
}

/** The markers found in `data` (none, one hopes). */
export function markersIn(data: Buffer, markers?: readonly string[]): string[] {
  return markerBytes(markers)
    .filter((m) => data.includes(m.bytes))
    .map((m) => m.label);
}

// --- EXIF (TIFF structure), written by hand so it can hold GPS, a serial number and a thumbnail ---

type IfdEntry = { tag: number; type: number; count: number; data: Buffer };

const ascii = (tag: number, s: string): IfdEntry => {
  const data = Buffer.from(`${s}\0`, "latin1");
  return { tag, type: 2, count: data.length, data };
};
const short = (tag: number, n: number): IfdEntry => {
  const data = Buffer.alloc(2);
  data.writeUInt16LE(n);
  return { tag, type: 3, count: 1, data };
};
const long = (tag: number, n: number): IfdEntry => {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(n);
  return { tag, type: 4, count: 1, data };
};
const rationals = (tag: number, values: readonly number[]): IfdEntry => {
  const data = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => {
    data.writeUInt32LE(Math.round(v * 100), i * 8);
    data.writeUInt32LE(100, i * 8 + 4);
  });
  return { tag, type: 5, count: values.length, data };
};
const bytes = (tag: number, data: Buffer): IfdEntry => ({ tag, type: 1, count: data.length, data });

const even = (n: number) => n + (n % 2);
const ifdSize = (entries: IfdEntry[]) =>
  2 + 12 * entries.length + 4 + entries.reduce((sum, e) => sum + (e.data.length > 4 ? even(e.data.length) : 0), 0);

function writeIfd(out: Buffer, offset: number, entries: IfdEntry[], next: number): void {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  out.writeUInt16LE(sorted.length, offset);
  let dataAt = offset + 2 + 12 * sorted.length + 4;
  sorted.forEach((e, i) => {
    const at = offset + 2 + 12 * i;
    out.writeUInt16LE(e.tag, at);
    out.writeUInt16LE(e.type, at + 2);
    out.writeUInt32LE(e.count, at + 4);
    if (e.data.length <= 4) e.data.copy(out, at + 8);
    else {
      out.writeUInt32LE(dataAt, at + 8);
      e.data.copy(out, dataAt);
      dataAt += even(e.data.length);
    }
  });
  out.writeUInt32LE(next, offset + 2 + 12 * sorted.length);
}

/** An EXIF block: camera, owner, serial, GPS position, orientation, and an embedded thumbnail. */
export function exifBlock(options: { orientation?: number; thumbnail: Buffer }): Buffer {
  const exif: IfdEntry[] = [
    ascii(0x9003, "2017:01:20 12:34:56"),
    ascii(0xa430, MARKERS.owner),
    ascii(0xa431, MARKERS.serial),
  ];
  const gps: IfdEntry[] = [
    ascii(0x0001, "N"),
    rationals(0x0002, GPS.latitude),
    ascii(0x0003, "W"),
    rationals(0x0004, GPS.longitude),
  ];
  const ifd0: IfdEntry[] = [
    ascii(0x010f, MARKERS.make),
    ascii(0x0110, MARKERS.model),
    short(0x0112, options.orientation ?? 1),
    bytes(0x9c9c, Buffer.from(`${MARKERS.xpComment}\0`, "utf16le")),
    long(0x8769, 0),
    long(0x8825, 0),
  ];
  const ifd1: IfdEntry[] = [short(0x0103, 6), long(0x0201, 0), long(0x0202, options.thumbnail.length)];
  const o0 = 8;
  const oExif = o0 + ifdSize(ifd0);
  const oGps = oExif + ifdSize(exif);
  const o1 = oGps + ifdSize(gps);
  const oThumb = o1 + ifdSize(ifd1);
  const setLong = (entries: IfdEntry[], tag: number, value: number) => {
    const e = entries.find((x) => x.tag === tag);
    e?.data.writeUInt32LE(value);
  };
  setLong(ifd0, 0x8769, oExif);
  setLong(ifd0, 0x8825, oGps);
  setLong(ifd1, 0x0201, oThumb);
  const tiff = Buffer.alloc(oThumb + options.thumbnail.length);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(o0, 4);
  writeIfd(tiff, o0, ifd0, o1);
  writeIfd(tiff, oExif, exif, 0);
  writeIfd(tiff, oGps, gps, 0);
  writeIfd(tiff, o1, ifd1, 0);
  options.thumbnail.copy(tiff, oThumb);
  return Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
}

export function xmpPacket(): string {
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
    'xmlns:exif="http://ns.adobe.com/exif/1.0/">' +
    `<dc:creator><rdf:Seq><rdf:li>${MARKERS.xmp}</rdf:li></rdf:Seq></dc:creator>` +
    `<exif:GPSLatitude>38,53.368N</exif:GPSLatitude><exif:GPSLongitude>77,2.114W</exif:GPSLongitude>` +
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
  );
}

/** An IPTC block inside a Photoshop image resource (JPEG APP13). */
function iptcBlock(): Buffer {
  const dataset = (record: number, tag: number, value: string) => {
    const v = Buffer.from(value, "latin1");
    const head = Buffer.from([0x1c, record, tag, 0, 0]);
    head.writeUInt16BE(v.length, 3);
    return Buffer.concat([head, v]);
  };
  const iptc = Buffer.concat([dataset(2, 80, MARKERS.iptc), dataset(2, 116, `(c) ${MARKERS.iptc}`)]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iptc.length);
  const pad = Buffer.alloc(iptc.length % 2);
  return Buffer.concat([
    Buffer.from("Photoshop 3.0\0", "latin1"),
    Buffer.from("8BIM", "latin1"),
    Buffer.from([0x04, 0x04, 0x00, 0x00]),
    size,
    iptc,
    pad,
  ]);
}

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Inserts segments right after a JPEG's SOI marker. */
function withSegments(jpeg: Buffer, segments: Buffer[]): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** A noisy image (so its compressed bytes are unlike any other file's). */
function noise(width: number, height: number) {
  return sharp({
    create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 40 } },
  });
}

/**
 * A JPEG as a phone would send it: EXIF (make, model, owner, body serial, GPS, orientation 6 and a
 * thumbnail that has its own comment), XMP, IPTC, a comment, and a Display P3 ICC profile.
 */
export async function markedJpeg(width = 320, height = 240): Promise<Buffer> {
  const thumbnail = withSegments(
    await sharp({ create: { width: 16, height: 12, channels: 3, background: "#888" } })
      .jpeg()
      .toBuffer(),
    [segment(0xfe, Buffer.from(MARKERS.thumbnail, "latin1"))],
  );
  const base = await noise(width, height).withIccProfile("p3").jpeg({ quality: 90 }).toBuffer();
  return withSegments(base, [
    segment(0xe1, exifBlock({ orientation: 6, thumbnail })),
    segment(
      0xe1,
      Buffer.concat([Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"), Buffer.from(xmpPacket(), "utf8")]),
    ),
    segment(0xed, iptcBlock()),
    segment(0xfe, Buffer.from(MARKERS.comment, "latin1")),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Inserts chunks right after a PNG's IHDR (where readers look for metadata). */
function withChunks(png: Buffer, chunks: Buffer[]): Buffer {
  const afterIhdr = 8 + 12 + 13;
  return Buffer.concat([png.subarray(0, afterIhdr), ...chunks, png.subarray(afterIhdr)]);
}

/** A PNG with EXIF (eXIf), XMP, an ICC profile and text chunks (tEXt, zTXt, iTXt). */
export async function markedPng(width = 200, height = 150): Promise<Buffer> {
  const thumbnail = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#444" } })
    .jpeg()
    .toBuffer();
  const base = await noise(width, height).withIccProfile("p3").png().toBuffer();
  const exif = exifBlock({ thumbnail }).subarray(6);
  return withChunks(base, [
    pngChunk("eXIf", exif),
    pngChunk("tEXt", Buffer.from(`Comment\0${MARKERS.pngText}`, "latin1")),
    pngChunk("zTXt", Buffer.concat([Buffer.from("Author\0\0", "latin1"), deflateSync(Buffer.from(MARKERS.owner))])),
    pngChunk(
      "iTXt",
      Buffer.concat([Buffer.from("XML:com.adobe.xmp\0\0\0\0\0", "latin1"), Buffer.from(xmpPacket(), "utf8")]),
    ),
  ]);
}

/** A WebP with EXIF and XMP chunks and an ICC profile. */
export async function markedWebp(width = 200, height = 150): Promise<Buffer> {
  return noise(width, height)
    .withIccProfile("p3")
    .withExif({ IFD0: { Make: MARKERS.make, Model: MARKERS.model, Copyright: MARKERS.owner } })
    .withXmp(xmpPacket())
    .webp({ quality: 90 })
    .toBuffer();
}

/** An animated GIF (frames of different colours) with a comment extension. */
export async function markedAnimatedGif(frames = 4, width = 48, height = 32): Promise<Buffer> {
  const raw = Buffer.concat(
    Array.from({ length: frames }, (_, i) =>
      Buffer.alloc(width * height * 3, Buffer.from([(i * 60) % 256, 40 + i * 30, 200 - i * 40])),
    ),
  );
  const gif = await sharp(raw, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif({ delay: Array(frames).fill(120), loop: 0 })
    .toBuffer();
  const packed = gif[10] as number;
  const gct = packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0;
  const at = 13 + gct;
  const text = Buffer.from(MARKERS.gifComment, "latin1");
  const comment = Buffer.concat([Buffer.from([0x21, 0xfe, text.length]), text, Buffer.from([0])]);
  return Buffer.concat([gif.subarray(0, at), comment, gif.subarray(at)]);
}

/** A GIF of many 1 x 1 frames: tiny, but more frames than Publius decodes. */
export async function frameBombGif(frames: number): Promise<Buffer> {
  const raw = Buffer.concat(Array.from({ length: frames }, (_, i) => Buffer.from(i % 2 ? [255, 255, 255] : [0, 0, 0])));
  return sharp(raw, { raw: { width: 1, height: frames, channels: 3, pageHeight: 1 } })
    .gif({ delay: Array(frames).fill(20) })
    .toBuffer();
}

/** A PNG whose header claims width x height, with almost no data: refused before decoding. */
export function claimedHugePng(width = 50_000, height = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.alloc(64))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * A real, valid decompression bomb: a 1-bit 20,000 x 20,000 PNG of zeros (400 million pixels,
 * gigabytes once decoded) in a few dozen kilobytes.
 */
export function decompressionBombPng(side = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // 1 bit per pixel
  ihdr[9] = 0; // greyscale
  const row = Math.ceil(side / 8) + 1; // filter byte + packed pixels
  const idat = deflateSync(Buffer.alloc(row * side), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", idat),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Things that are not images Publius accepts, whatever their names and declared types say. */
export async function notImages(): Promise<{ label: string; filename: string; contentType: string; data: Buffer }[]> {
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>',
  );
  const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#123" } })
    .tiff()
    .toBuffer();
  return [
    {
      label: "a text file named .jpg",
      filename: "photo.jpg",
      contentType: "image/jpeg",
      data: Buffer.from("Hello, I am not a JPEG.\n".repeat(20)),
    },
    {
      label: "a PDF named .png",
      filename: "scan.png",
      contentType: "image/png",
      data: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
    },
    { label: "an SVG (with a script)", filename: "logo.svg", contentType: "image/svg+xml", data: svg },
    { label: "an SVG declared as PNG", filename: "logo.png", contentType: "image/png", data: svg },
    { label: "a TIFF", filename: "scan.tif", contentType: "image/tiff", data: tiff },
    {
      label: "a JPEG header and nothing else",
      filename: "cut.jpg",
      contentType: "image/jpeg",
      data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]),
    },
    { label: "an empty file", filename: "empty.jpg", contentType: "image/jpeg", data: Buffer.alloc(0) },
  ];
}

/** Every regular file below a folder, with its contents. */
export function filesUnder(dir: string): { path: string; data: Buffer }[] {
  const out: { path: string; data: Buffer }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (s.isFile()) out.push({ path: p, data: readFileSync(p) });
    }
  };
  walk(dir);
  return out;
}

/** A distinctive run of bytes from the middle of a file (its compressed pixels, for a JPEG). */
export function fingerprint(data: Buffer, length = 48): Buffer {
  const start = Math.floor(data.length * 0.6);
  return Buffer.from(data.subarray(start, start + length));
}
