// A small ustar (POSIX.1-1988) writer: regular files and directories, nothing else. The archive
// says nothing about the server: owner and group are 0 with no names, and every entry carries the
// modification time it is given (the export passes the account's created day, never "now").

const BLOCK = 512;

export interface TarEntry {
  /** A relative path with "/" separators; directories end with "/". */
  name: string;
  /** Absent for a directory. */
  data?: Buffer;
  /** Seconds since 1970. */
  mtime: number;
}

function octal(value: number, width: number): string {
  // width - 1 digits, then the NUL terminator.
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** Splits a long name into ustar's prefix (155) and name (100) at a "/". */
function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: "", name };
  for (let i = name.lastIndexOf("/", name.length - 2); i > 0; i = name.lastIndexOf("/", i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { prefix, name: rest };
  }
  throw new Error("tar entry name too long");
}

/** The 512-byte header of one entry. */
export function tarHeader(entry: TarEntry): Buffer {
  const isDir = entry.data === undefined;
  const size = entry.data?.length ?? 0;
  if (size > 0o77777777777) throw new Error("tar entry too large");
  const { prefix, name } = splitName(entry.name);
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, "utf8");
  h.write(octal(isDir ? 0o755 : 0o644, 8), 100, 8, "ascii");
  h.write(octal(0, 8), 108, 8, "ascii"); // uid
  h.write(octal(0, 8), 116, 8, "ascii"); // gid
  h.write(octal(size, 12), 124, 12, "ascii");
  h.write(octal(Math.max(0, Math.floor(entry.mtime)), 12), 136, 12, "ascii");
  h.write(" ".repeat(8), 148, 8, "ascii"); // checksum placeholder: spaces while summing
  h.write(isDir ? "5" : "0", 156, 1, "ascii");
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return h;
}

/** Zero bytes that bring `size` up to a whole block. */
export function tarPadding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/** Two empty blocks end an archive. */
export const TAR_END = Buffer.alloc(BLOCK * 2, 0);

/** The blocks of one entry: header, data, padding. */
export function* tarEntry(entry: TarEntry): Generator<Buffer> {
  yield tarHeader(entry);
  if (entry.data && entry.data.length > 0) {
    yield entry.data;
    yield tarPadding(entry.data.length);
  }
}
