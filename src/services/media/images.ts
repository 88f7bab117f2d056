// Decoding and re-encoding with sharp (libvips), entirely in memory. Nothing of the upload survives
// but its pixels: every file Publius keeps is a fresh encoding of the decoded image, so EXIF (GPS,
// camera make, model and serial), XMP, IPTC, ICC profiles, comments, PNG text chunks and embedded
// thumbnails are not "stripped" from the upload — they are never written in the first place.
// libvips does carry one thing over: the physical resolution (PNG pHYs, e.g. an unusual 1234 dpi
// that ties a file to one scanner or app). PNG outputs lose their pHYs chunk; JPEG outputs carry no
// JFIF or EXIF segment and WebP none at all, so no output says anything of the input's density.
import sharp, { type Metadata, type Sharp } from "sharp";
import { PubliusError } from "../../domain/errors.ts";
import {
  AVATAR_SIZE,
  HEADER_SIZE,
  type ImageFormat,
  MAX_ANIMATION_PIXELS,
  MAX_FRAMES,
  MAX_IMAGE_PIXELS,
  type ProfileImageKind,
  previewSize,
} from "../../domain/media.ts";

// libvips' operation cache would keep decoded uploads in memory after the request; Publius never
// processes the same image twice, so the cache buys nothing.
sharp.cache(false);

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
  maxFrames: number;
  maxAnimationPixels: number;
}

export const DEFAULT_LIMITS: Omit<ImageLimits, "maxBytes"> = {
  maxPixels: MAX_IMAGE_PIXELS,
  maxFrames: MAX_FRAMES,
  maxAnimationPixels: MAX_ANIMATION_PIXELS,
};

export interface EncodedImage {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
}

export interface ProcessedAttachment {
  original: EncodedImage;
  preview: EncodedImage;
  animated: boolean;
}

/** Seconds libvips may spend on one image before it gives up (a slow image is a refused image). */
const TIMEOUT_SECONDS = 60;

export const NOT_AN_IMAGE = "The file is not an image Publius accepts: send a JPEG, PNG, WebP or GIF.";

const notAnImage = (cause?: unknown) => new PubliusError(422, NOT_AN_IMAGE, { cause });
const number = (n: number) => n.toLocaleString("en-US");

/** The format by magic bytes. sharp would also read SVG, TIFF, HEIF and more; Publius does not. */
export function sniffFormat(data: Buffer): ImageFormat | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "jpeg";
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return "png";
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString("latin1"))) return "gif";
  if (
    data.length >= 12 &&
    data.subarray(0, 4).toString("latin1") === "RIFF" &&
    data.subarray(8, 12).toString("latin1") === "WEBP"
  )
    return "webp";
  return undefined;
}

interface Inspected {
  format: ImageFormat;
  /** One frame. */
  width: number;
  height: number;
  frames: number;
}

/**
 * Checks the content and the dimensions the header claims, before a single pixel is decoded: a
 * decompression bomb (a small file that claims 50,000 x 50,000 pixels) is refused here.
 */
async function inspect(data: Buffer, limits: ImageLimits): Promise<Inspected> {
  if (data.length > limits.maxBytes) {
    throw new PubliusError(413, `The file is too large: at most ${Math.floor(limits.maxBytes / 1024 / 1024)} MB.`);
  }
  const format = sniffFormat(data);
  if (!format) throw notAnImage();
  let meta: Metadata;
  try {
    // Header only; the pixel limit is checked below, with a message that says what it is.
    meta = await sharp(data, { limitInputPixels: false, failOn: "error" }).metadata();
  } catch (e) {
    throw notAnImage(e);
  }
  if (meta.format !== format || !(meta.width > 0) || !(meta.height > 0)) throw notAnImage();
  const frames = format === "gif" || format === "webp" ? Math.max(1, meta.pages ?? 1) : 1;
  const { width, height } = meta;
  if (width * height > limits.maxPixels) {
    throw new PubliusError(422, `The image is too large: at most ${number(limits.maxPixels)} pixels.`);
  }
  if (frames > limits.maxFrames) {
    throw new PubliusError(422, `The animation is too long: at most ${number(limits.maxFrames)} frames.`);
  }
  if (width * height * frames > limits.maxAnimationPixels && frames > 1) {
    throw new PubliusError(
      422,
      `The animation is too large: at most ${number(limits.maxAnimationPixels)} pixels in all its frames.`,
    );
  }
  return { format, width, height, frames };
}

/** A decoder for the checked image; the pixel limit is set to what the header claimed. */
function decoder(data: Buffer, img: Inspected, animated: boolean): Sharp {
  return sharp(data, {
    failOn: "error",
    limitInputPixels: img.width * img.height * (animated ? img.frames : 1),
    // Applies the EXIF orientation before the EXIF is dropped, so the picture stands as taken.
    autoOrient: !animated,
    animated,
  })
    .timeout({ seconds: TIMEOUT_SECONDS })
    .toColourspace("srgb");
}

/** Static images keep their family (JPEG stays JPEG ...); a still GIF becomes PNG. */
function encodeStatic(pipeline: Sharp, format: ImageFormat): { pipeline: Sharp; contentType: string } {
  switch (format) {
    case "jpeg":
      return { pipeline: pipeline.jpeg({ quality: 85, progressive: true }), contentType: "image/jpeg" };
    case "webp":
      return { pipeline: pipeline.webp({ quality: 85 }), contentType: "image/webp" };
    default:
      return { pipeline: pipeline.png(), contentType: "image/png" };
  }
}

async function run(pipeline: Sharp, contentType: string): Promise<EncodedImage> {
  try {
    const { data: encoded, info } = await pipeline.toBuffer({ resolveWithObject: true });
    const data = contentType === "image/png" ? withoutPngChunks(encoded, PNG_DROPPED_CHUNKS) : encoded;
    const pageHeight = (info as { pageHeight?: number }).pageHeight;
    return { data, contentType, width: info.width, height: pageHeight ?? info.height };
  } catch (e) {
    throw notAnImage(e);
  }
}

/** Chunks libvips writes from the input's metadata: the physical resolution. */
const PNG_DROPPED_CHUNKS = new Set(["pHYs"]);
const PNG_SIGNATURE_LENGTH = 8;

/**
 * The PNG without the named chunks. Each chunk is length (4), type (4), data, CRC (4) and carries
 * its own CRC, so dropping whole chunks leaves a valid file. A malformed file is returned as it is
 * (libvips wrote it; it is never malformed in practice).
 */
export function withoutPngChunks(png: Buffer, drop: ReadonlySet<string>): Buffer {
  const kept: Buffer[] = [png.subarray(0, PNG_SIGNATURE_LENGTH)];
  let offset = PNG_SIGNATURE_LENGTH;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > png.length) return png;
    const type = png.subarray(offset + 4, offset + 8).toString("latin1");
    if (!drop.has(type)) kept.push(png.subarray(offset, end));
    offset = end;
  }
  return offset === png.length ? Buffer.concat(kept) : png;
}

/**
 * An attachment: the image re-encoded (animations as animated WebP, which keeps them moving at a
 * fraction of GIF's size and encoding time) and a still preview made from that re-encoded output.
 */
export async function processAttachment(data: Buffer, limits: ImageLimits): Promise<ProcessedAttachment> {
  const img = await inspect(data, limits);
  const animated = img.frames > 1;
  let original: EncodedImage;
  if (animated) {
    original = await run(decoder(data, img, true).webp({ quality: 80, effort: 4 }), "image/webp");
    original.height = img.height;
  } else {
    const { pipeline, contentType } = encodeStatic(decoder(data, img, false), img.format);
    original = await run(pipeline, contentType);
  }
  const size = previewSize(original.width, original.height);
  // The first frame of the clean output: nothing of the upload reaches the preview either.
  const small = sharp(original.data, { failOn: "error" })
    .timeout({ seconds: TIMEOUT_SECONDS })
    .resize(size.width, size.height, { fit: "fill" });
  const previewFormat =
    original.contentType === "image/jpeg" ? "jpeg" : original.contentType === "image/png" ? "png" : "webp";
  const { pipeline, contentType } = encodeStatic(small, previewFormat);
  const preview = await run(pipeline, contentType);
  return { original, preview, animated };
}

/** An avatar (400 x 400) or header (1500 x 500), cropped to fill, still. */
export async function processProfileImage(
  data: Buffer,
  kind: ProfileImageKind,
  limits: ImageLimits,
): Promise<EncodedImage> {
  const img = await inspect(data, limits);
  const box = kind === "avatar" ? AVATAR_SIZE : HEADER_SIZE;
  const pipeline = decoder(data, img, false).resize(box.width, box.height, { fit: "cover", position: "centre" });
  const encoded = encodeStatic(pipeline, img.format);
  return run(encoded.pipeline, encoded.contentType);
}
