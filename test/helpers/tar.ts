// Reads a .tar.gz the way the export tests need: every entry, its bytes and its header fields,
// with the header checksum checked.
import assert from "node:assert/strict";
import type { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";

export interface TarMember {
  name: string;
  type: string;
  mode: number;
  mtime: number;
  uid: number;
  gid: number;
  data: Buffer;
}

function text(b: Buffer, start: number, length: number): string {
  const field = b.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? length : nul).toString("utf8");
}

function num(b: Buffer, start: number, length: number): number {
  return Number.parseInt(text(b, start, length).trim() || "0", 8);
}

export function readTarGz(gz: Buffer): TarMember[] {
  const tar = gunzipSync(gz);
  assert.equal(tar.length % 512, 0, "a tar is whole blocks");
  const out: TarMember[] = [];
  let at = 0;
  while (at + 512 <= tar.length) {
    const h = tar.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] ?? 0);
    assert.equal(num(h, 148, 8), sum, "header checksum");
    assert.equal(text(h, 257, 6), "ustar");
    const prefix = text(h, 345, 155);
    const name = prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100);
    const size = num(h, 124, 12);
    out.push({
      name,
      type: text(h, 156, 1),
      mode: num(h, 100, 8),
      uid: num(h, 108, 8),
      gid: num(h, 116, 8),
      mtime: num(h, 136, 12),
      data: Buffer.from(tar.subarray(at + 512, at + 512 + size)),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
