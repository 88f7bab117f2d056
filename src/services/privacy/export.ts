// "Download your data": one .tar.gz of the account's profile, posts with every version, follows,
// likes, bookmarks and its image files. The archive is built as it is sent — JSON in memory (an
// account's records are small), image files read one at a time — and never touches the disk or the
// log. It holds only times Publius already keeps (posts' public times, the account's created day);
// every tar entry is dated to the account's created day, so nothing records when the export was made.
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import type { Viewer } from "../../domain/account.ts";
import { notFound } from "../../domain/errors.ts";
import { MEDIA_FILE_PATTERN } from "../../domain/media.ts";
import type { ServiceDeps } from "../deps.ts";
import { TAR_END, type TarEntry, tarEntry } from "./tar.ts";

export interface ExportArchive {
  /** publius-export-<handle>-<YYYY-MM-DD>.tar.gz */
  fileName: string;
  /** The gzip-compressed tar, produced as it is read. */
  stream: Readable;
}

const README = `This archive holds what you put into your Publius account.

account.json    Your profile: handle, display name, "about you" text, whether the account is
                locked, posting defaults, the day it was made, and the names of your avatar
                and header image files (in media/, if you set them).
statuses.json   Your posts and reposts, oldest first. Each post has its visibility ("public",
                "unlisted" or "private" = followers only), its text, content warning, the names
                of its image files (in media/) and "history": every version of the post, oldest
                first, the current one last. A repost names the post it repeats.
following.json  The accounts you follow.
followers.json  The accounts that follow you.
lists.json      Your lists: their names, settings and the accounts on each.
hashtags.json   The hashtags you follow and those you feature on your profile.
endorsements.json  The accounts you feature (endorse) on your profile.
likes.json      The posts you liked: their ids and authors.
bookmarks.json  The posts you bookmarked: their ids and authors.
media/          Your images as this server stores them: re-encoded when uploaded, so they carry
                no camera, location or other metadata. Images you uploaded but never posted are
                included too ("unattached_media" in statuses.json).

The only times in this archive are the ones Publius shows publicly (when a post was published
or edited) and the day your account was made. The archive itself records no time of its own.
`;

function dayToSeconds(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");
}

/** IN lists are sent in slices: databases limit how many parameters a statement may carry. */
function slices<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Where the export reads image files from (the media service). */
export interface MediaFiles {
  read(name: string): Promise<Buffer | undefined>;
}

export class ExportService {
  readonly #deps: ServiceDeps;
  readonly #media: MediaFiles;
  constructor(deps: ServiceDeps, media: MediaFiles) {
    this.#deps = deps;
    this.#media = media;
  }

  /** The archive of the viewer's own account. */
  async archive(viewer: Viewer): Promise<ExportArchive> {
    const db = this.#deps.db;
    const me = viewer.accountId;
    const account = await db.selectFrom("accounts").selectAll().where("id", "=", me).executeTakeFirst();
    if (!account) throw notFound("No such account.");

    const statuses = await db.selectFrom("statuses").selectAll().where("account_id", "=", me).orderBy("id").execute();
    const edits = new Map<
      string,
      { text: string; spoiler_text: string; sensitive: boolean; created_at: string; media?: unknown }[]
    >();
    for (const ids of slices(statuses.map((s) => s.id))) {
      const rows = await db
        .selectFrom("status_edits")
        .select(["status_id", "text", "spoiler_text", "sensitive", "created_at", "media_attributes"])
        .where("status_id", "in", ids)
        .orderBy("id")
        .execute();
      for (const r of rows) {
        const list = edits.get(r.status_id) ?? [];
        list.push({
          text: r.text,
          spoiler_text: r.spoiler_text,
          sensitive: r.sensitive === 1,
          created_at: r.created_at,
          // That version's images (ids as in media/), with the descriptions they had then.
          ...(r.media_attributes ? { media: JSON.parse(r.media_attributes) } : {}),
        });
        edits.set(r.status_id, list);
      }
    }
    const media = await db
      .selectFrom("media_attachments")
      .select([
        "id",
        "status_id",
        "type",
        "file_name",
        "preview_file_name",
        "description",
        "width",
        "height",
        "position",
      ])
      .where("account_id", "=", me)
      .orderBy("position")
      .orderBy("id")
      .execute();
    const mediaOf = (statusId: string | null) =>
      media
        .filter((m) => m.status_id === statusId)
        .map((m) => ({
          id: m.id,
          type: m.type,
          file: `media/${m.file_name}`,
          preview_file: `media/${m.preview_file_name}`,
          description: m.description,
          width: m.width,
          height: m.height,
        }));

    const edgeAccounts = (column: "account_id" | "target_account_id", other: "account_id" | "target_account_id") =>
      db
        .selectFrom("follows as f")
        .innerJoin("accounts as a", "a.id", `f.${other}`)
        .select(["a.id", "a.handle", "a.display_name"])
        .where(`f.${column}`, "=", me)
        .orderBy("f.id")
        .execute();
    const following = await edgeAccounts("account_id", "target_account_id");
    const followers = await edgeAccounts("target_account_id", "account_id");

    const likes = await db
      .selectFrom("favourites as f")
      .innerJoin("statuses as s", "s.id", "f.status_id")
      .innerJoin("accounts as a", "a.id", "s.account_id")
      .select(["s.id as status_id", "a.handle as author"])
      .where("f.account_id", "=", me)
      .orderBy("f.id")
      .execute();
    const bookmarks = await db
      .selectFrom("bookmarks as b")
      .innerJoin("statuses as s", "s.id", "b.status_id")
      .innerJoin("accounts as a", "a.id", "s.account_id")
      .select(["s.id as status_id", "a.handle as author"])
      .where("b.account_id", "=", me)
      .orderBy("b.id")
      .execute();

    const lists = await db
      .selectFrom("lists")
      .select(["id", "title", "replies_policy", "exclusive"])
      .where("account_id", "=", me)
      .orderBy("title")
      .execute();
    const members = lists.length
      ? await db
          .selectFrom("list_accounts as la")
          .innerJoin("accounts as a", "a.id", "la.account_id")
          .select(["la.list_id", "a.id", "a.handle"])
          .where(
            "la.list_id",
            "in",
            lists.map((l) => l.id),
          )
          .orderBy("la.id")
          .execute()
      : [];
    const tagNames = async (table: "tag_follows" | "featured_tags"): Promise<string[]> => {
      const rows = await db.selectFrom(table).select("tag_id").where("account_id", "=", me).execute();
      if (rows.length === 0) return [];
      const tags = await db
        .selectFrom("tags")
        .select("name")
        .where(
          "id",
          "in",
          rows.map((r) => r.tag_id),
        )
        .orderBy("name")
        .execute();
      return tags.map((t) => t.name);
    };
    const followedTags = await tagNames("tag_follows");
    const featuredTags = await tagNames("featured_tags");
    const endorsed = await db
      .selectFrom("endorsements as e")
      .innerJoin("accounts as a", "a.id", "e.target_account_id")
      .select(["a.id", "a.handle", "a.display_name"])
      .where("e.account_id", "=", me)
      .orderBy("e.id")
      .execute();

    const day = this.#deps.clock.now().toISOString().slice(0, 10);
    const root = `publius-export-${account.handle}-${day}`;
    const mtime = dayToSeconds(account.created_day);

    const documents: [string, Buffer][] = [
      ["README.txt", Buffer.from(README, "utf8")],
      [
        "account.json",
        json({
          id: account.id,
          handle: account.handle,
          display_name: account.display_name,
          note: account.note,
          locked: account.locked === 1,
          created_day: account.created_day,
          last_status_day: account.last_status_day,
          avatar_file: account.avatar_file ? `media/${account.avatar_file}` : null,
          header_file: account.header_file ? `media/${account.header_file}` : null,
          default_visibility: account.default_visibility,
          default_sensitive: account.default_sensitive === 1,
          default_language: account.default_language,
          post_delay: account.post_delay,
          alt_text_optional: account.alt_text_optional === 1,
          followers_count: account.followers_count,
          following_count: account.following_count,
          statuses_count: account.statuses_count,
        }),
      ],
      [
        "statuses.json",
        json({
          statuses: statuses.map((s) =>
            s.reblog_of_id
              ? { id: s.id, created_at: s.created_at, visibility: s.visibility, reblog_of_id: s.reblog_of_id }
              : {
                  id: s.id,
                  created_at: s.created_at,
                  edited_at: s.edited_at,
                  visibility: s.visibility,
                  in_reply_to_id: s.in_reply_to_id,
                  language: s.language,
                  sensitive: s.sensitive === 1,
                  spoiler_text: s.spoiler_text,
                  text: s.text,
                  media: mediaOf(s.id),
                  history: edits.get(s.id) ?? [
                    {
                      text: s.text,
                      spoiler_text: s.spoiler_text,
                      sensitive: s.sensitive === 1,
                      created_at: s.created_at,
                    },
                  ],
                },
          ),
          unattached_media: mediaOf(null),
        }),
      ],
      ["following.json", json(following)],
      ["followers.json", json(followers)],
      ["likes.json", json(likes)],
      ["bookmarks.json", json(bookmarks)],
      [
        "lists.json",
        json(
          lists.map((l) => ({
            title: l.title,
            replies_policy: l.replies_policy,
            exclusive: l.exclusive === 1,
            accounts: members.filter((m) => m.list_id === l.id).map((m) => ({ id: m.id, handle: m.handle })),
          })),
        ),
      ],
      ["hashtags.json", json({ followed: followedTags, featured: featuredTags })],
      ["endorsements.json", json(endorsed)],
    ];

    const files = new Set<string>();
    for (const m of media) {
      files.add(m.file_name);
      files.add(m.preview_file_name);
    }
    if (account.avatar_file) files.add(account.avatar_file);
    if (account.header_file) files.add(account.header_file);
    const folder = this.#media;

    async function* blocks(): AsyncGenerator<Buffer> {
      const entry = (name: string, data?: Buffer): Iterable<Buffer> => {
        const e: TarEntry = { name: `${root}/${name}`, mtime };
        if (data) e.data = data;
        return tarEntry(e);
      };
      yield* entry("");
      for (const [name, data] of documents) yield* entry(name, data);
      yield* entry("media/");
      // One file in memory at a time; a file gone since the query (a post deleted meanwhile) is skipped.
      for (const name of files) {
        if (!MEDIA_FILE_PATTERN.test(name)) continue;
        // Stored in the media folder, or still in the database (an upload whose post is not out yet).
        const data = await folder.read(name).catch(() => undefined);
        if (!data) continue;
        yield* entry(`media/${name}`, data);
      }
      yield TAR_END;
    }

    const tar = Readable.from(blocks(), { objectMode: false });
    const gzip = createGzip();
    tar.on("error", (e) => gzip.destroy(e));
    // A client that goes away stops the reading of files.
    gzip.on("close", () => tar.destroy());
    tar.pipe(gzip);
    return { fileName: `${root}.tar.gz`, stream: gzip };
  }
}
