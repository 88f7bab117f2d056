// GET /source.tar.gz — the source code this server runs, as AGPL-3.0 §13 asks of a network service
// ("an opportunity to receive the Corresponding Source"). The default `source_url` points here;
// an operator who publishes elsewhere sets PUBLIUS_SOURCE_URL. Only the project's own folders and
// files are packed (never the data folder, node_modules, dot-files or symbolic links), every entry
// dated 1970 so the archive says nothing about when the server was installed.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { TAR_END, type TarEntry, tarEntry } from "../services/privacy/tar.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FILES = ["package.json", "package-lock.json", "README.md", "LICENSE", "biome.json", "tsconfig.json"];
const FOLDERS = ["bin", "src", "public", "docs", "scripts", "test", "bench"];
/** Generated or local-only content inside those folders. */
const SKIP = new Set(["bench/results", "node_modules", "data"]);

function collect(rel: string, out: TarEntry[]): void {
  const abs = join(ROOT, rel);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(abs);
  } catch {
    return;
  }
  if (st.isSymbolicLink() || SKIP.has(rel)) return;
  if (st.isDirectory()) {
    out.push({ name: `publius/${rel}/`, mtime: 0 });
    for (const name of readdirSync(abs).sort()) {
      if (!name.startsWith(".")) collect(`${rel}/${name}`, out);
    }
  } else if (st.isFile()) {
    out.push({ name: `publius/${rel}`, data: readFileSync(abs), mtime: 0 });
  }
}

/** The archive, built from the files on disk (the code that is running). */
export function sourceArchive(): Buffer {
  const entries: TarEntry[] = [{ name: "publius/", mtime: 0 }];
  for (const f of FILES) collect(f, entries);
  for (const d of FOLDERS) collect(d, entries);
  const chunks: Buffer[] = [];
  for (const e of entries) for (const b of tarEntry(e)) chunks.push(b);
  chunks.push(TAR_END);
  return gzipSync(Buffer.concat(chunks));
}

export function sourceRoutes(app: FastifyInstance): void {
  let archive: Buffer | undefined;
  app.get("/source.tar.gz", async (_request, reply) => {
    archive ??= sourceArchive();
    return reply
      .header("cache-control", "public, max-age=3600")
      .header("content-disposition", 'attachment; filename="publius-source.tar.gz"')
      .type("application/gzip")
      .send(archive);
  });
}
