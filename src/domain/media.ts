// Images: what Publius accepts, how large, and the pure rules around them (preview size, focal
// point, file names). The work itself (decode, re-encode, store) is in services/media/.

/** The formats Publius accepts, decided by the file's content, never its name or declared type. */
export type ImageFormat = "jpeg" | "png" | "webp" | "gif";

export const SUPPORTED_MIME_TYPES: readonly string[] = ["image/jpeg", "image/png", "image/webp", "image/gif"];

/** Pixels in one frame: Mastodon's image_matrix_limit (7680 x 4320). */
export const MAX_IMAGE_PIXELS = 33_177_600;
/** Frames in an animation. */
export const MAX_FRAMES = 500;
/** Pixels in all frames of an animation together: bounds the memory one upload can take. */
export const MAX_ANIMATION_PIXELS = 50_000_000;
/** The longer side of a preview. */
export const PREVIEW_SIZE = 640;
/** Alt text, as Mastodon allows. */
export const MAX_DESCRIPTION = 1500;

export const AVATAR_SIZE = { width: 400, height: 400 } as const;
export const HEADER_SIZE = { width: 1500, height: 500 } as const;
export type ProfileImageKind = "avatar" | "header";

/** 32 random hex digits and the extension: the only names the media folder holds or serves. */
export const MEDIA_FILE_PATTERN = /^[0-9a-f]{32}\.(jpg|png|webp|gif)$/;

const CONTENT_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
};

/** The content type of a stored file, from its (checked) name; undefined for any other name. */
export function contentTypeOf(fileName: string): string | undefined {
  const m = MEDIA_FILE_PATTERN.exec(fileName);
  return m ? CONTENT_TYPES[m[1] as string] : undefined;
}

export function extensionFor(contentType: string): string {
  const ext = Object.keys(CONTENT_TYPES).find((k) => CONTENT_TYPES[k] === contentType);
  if (!ext) throw new Error(`no extension for ${contentType}`);
  return ext;
}

/**
 * The size of the preview of a width x height image: the longer side at most PREVIEW_SIZE, never
 * enlarged. The presenter reports it as meta.small, so it is computed here, once, for both.
 */
export function previewSize(width: number, height: number): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (longer <= PREVIEW_SIZE) return { width, height };
  const scale = PREVIEW_SIZE / longer;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Mastodon's focus parameter, "x,y" with both in [-1, 1] (0,0 the centre, 1,1 the top right).
 * Returns undefined when the text is not such a pair.
 */
export function parseFocus(value: string): { x: number; y: number } | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!m) return undefined;
  const x = Number(m[1]);
  const y = Number(m[2]);
  if (!(Math.abs(x) <= 1 && Math.abs(y) <= 1)) return undefined;
  return { x, y };
}
