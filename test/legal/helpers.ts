// Helpers for the legal tests: staff with a second factor (through the real enrolment), demands
// from the named fixtures, multipart forms for the console, and bulk seeding for the 2017 replay.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { AppContext } from "../../src/context.ts";
import { dayOf } from "../../src/domain/clock.ts";
import { randomSerial, timeIdFor } from "../../src/domain/ids.ts";
import { parseDemand } from "../../src/domain/legal/intake.ts";
import { totp } from "../../src/domain/legal/totp.ts";
import type { LegalActor } from "../../src/services/legal/access.ts";
import type { Demand } from "../../src/services/legal/records.ts";
import { type FixtureName, type Person, person } from "../fixtures/accounts.ts";
import { type DemandFixture, demands, pdf } from "../fixtures/demands.ts";
import type { TestContext } from "../helpers/context.ts";
import type { Member, Site, WebClient } from "../helpers/web.ts";

export interface LegalStaff extends Person {
  actor: LegalActor;
  secret: string;
}

/** The next TOTP code: the clock moves on one 30-second step, so a code is never reused. */
export function nextCode(ctx: TestContext, secret: string): string {
  ctx.clock.advance(30_000);
  return totp(secret, ctx.clock.now());
}

/** Enrols a legal-role person's second factor through the service and confirms it with a code. */
export async function enrol(ctx: TestContext, p: Person): Promise<string> {
  const { secret } = await ctx.services.legal.access.beginEnrolment(p.viewer, p.account.handle);
  await ctx.services.legal.access.verifySession(
    { account: p.account, viewer: p.viewer, sessionId: `enrol-${p.account.id}` },
    nextCode(ctx, secret),
  );
  return secret;
}

/** A named person with the legal role (and any others), enrolled, with an actor from a fresh code. */
export async function legalStaff(
  ctx: TestContext,
  name: FixtureName,
  roles: string[] = ["legal"],
): Promise<LegalStaff> {
  const p = await person(ctx, name, { roles });
  const secret = await enrol(ctx, p);
  const actor = await ctx.services.legal.access.forCode(p.account.handle, nextCode(ctx, secret));
  return { ...p, actor, secret };
}

/** The fixture as a demand file's JSON, with any fields replaced. */
export function demandJson(name: DemandFixture, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(JSON.parse(JSON.stringify(demands[name])) as Record<string, unknown>), ...overrides };
}

/** Records a fixture demand through the service (its document, if named, is a small PDF). */
export async function addDemand(
  ctx: AppContext,
  actor: LegalActor,
  name: DemandFixture,
  overrides: Record<string, unknown> = {},
): Promise<Demand> {
  const parsed = parseDemand(demandJson(name, overrides));
  assert.ok(parsed.ok, `fixture ${name} is valid: ${JSON.stringify(!parsed.ok && parsed.errors)}`);
  const doc = parsed.value.documentPath ? pdf(`${name} ${parsed.value.reference}`) : null;
  return ctx.services.legal.demands.add(actor, parsed.value, doc);
}

/** A multipart/form-data body. */
export function multipart(
  fields: Record<string, string | string[]>,
  files: Record<string, { filename: string; type: string; data: Buffer }> = {},
): { body: Buffer; contentType: string } {
  const boundary = `----publius${randomBytes(8).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`));
    }
  }
  for (const [name, f] of Object.entries(files)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`,
      ),
      f.data,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function postMultipart(
  client: WebClient,
  url: string,
  fields: Record<string, string | string[]>,
  files: Record<string, { filename: string; type: string; data: Buffer }> = {},
) {
  const { body, contentType } = multipart({ csrf: await client.ensureCsrf(), ...fields }, files);
  return client.send("POST", url, body, { "content-type": contentType });
}

/**
 * A member with the legal role who set up the second factor through the console's pages, as a person
 * would: reads the secret off the enrolment page and types a code.
 */
export async function consoleMember(
  site: Site,
  name: FixtureName,
  roles: string[] = ["legal"],
): Promise<Member & { secret: string }> {
  const m = await site.member(name, { roles });
  const first = await m.client.get("/staff/legal");
  assert.equal(first.statusCode, 303);
  assert.match(String(first.headers.location), /^\/staff\/legal\/second-factor/);
  await m.client.post("/staff/legal/second-factor/enrol", { next: "/staff/legal" });
  const page = await m.client.get("/staff/legal/second-factor");
  const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.body)?.[1]?.replaceAll(" ", "");
  assert.ok(secret, "the enrolment page shows the secret as text");
  assert.match(page.body, /otpauth:\/\/totp\//);
  const res = await m.client.post("/staff/legal/second-factor", {
    code: nextCode(site.ctx, secret),
    next: "/staff/legal",
  });
  assert.equal(res.statusCode, 303, "the code opens the console");
  return { ...m, secret };
}

/** Form fields of the console's intake form for a fixture (names are the JSON paths). */
export function intakeFields(name: DemandFixture): Record<string, string | string[]> {
  const d = demands[name] as unknown as Record<string, any>;
  const ndo = d.nondisclosure_order as { court: string; docket: string; end_date: string | null } | null | undefined;
  return {
    process: d.process,
    agency: d.agency,
    country: d.country,
    "requester.name": d.requester.name,
    "requester.contact": d.requester.contact ?? "",
    authority: d.authority,
    reference: d.reference ?? "",
    received: d.received,
    due: d.due ?? "",
    targets: (d.targets as string[]).join("\n"),
    "requested.verbatim": d.requested.verbatim,
    "requested.categories": [...d.requested.categories],
    ...(d.secrecy_requested ? { secrecy_requested: "yes" } : {}),
    ...(ndo
      ? {
          "nondisclosure_order.court": ndo.court,
          "nondisclosure_order.docket": ndo.docket,
          "nondisclosure_order.end_date": ndo.end_date ?? "",
        }
      : {}),
  };
}

/**
 * Gives an account `posts` public posts (and `privatePosts` followers-only ones) and `followers`
 * followers, by batched inserts straight into the tables: the 2017 replay needs thousands of posts
 * and 32,000 followers, which the services would take minutes to make one by one.
 */
export async function seedSpeaker(
  ctx: AppContext,
  accountId: string,
  counts: { posts: number; privatePosts?: number; followers: number },
): Promise<void> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const day = dayOf(now);
  // Within SQLite's 32,766 bound parameters per statement (18 columns a row).
  const batch = 1500;
  const total = counts.posts + (counts.privatePosts ?? 0);
  for (let start = 0; start < total; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(total, start + batch); i++) {
      const text = i < counts.posts ? `Post ${i} from inside USCIS` : `Followers-only note ${i}`;
      rows.push({
        id: timeIdFor(now.getTime() - (total - i) * 60_000, 0),
        account_id: accountId,
        in_reply_to_id: null,
        in_reply_to_account_id: null,
        reblog_of_id: null,
        text,
        content: `<p>${text}</p>`,
        spoiler_text: "",
        sensitive: 0,
        visibility: i < counts.posts ? "public" : "private",
        language: "en",
        created_at: new Date(now.getTime() - (total - i) * 60_000).toISOString(),
        edited_at: null,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
      });
    }
    await db.insertInto("statuses").values(rows).execute();
  }
  const prefix = randomBytes(3).toString("hex");
  for (let start = 0; start < counts.followers; start += batch) {
    const accounts = [];
    for (let i = start; i < Math.min(counts.followers, start + batch); i++) {
      const handle = `f${prefix}_${i}`;
      accounts.push({
        id: `2${prefix.replace(/[a-f]/g, "0")}${String(i).padStart(11, "0")}`,
        handle,
        handle_lower: handle,
        display_name: "",
        note: "",
        locked: 0,
        password_hash: "$argon2id$seeded",
        state: "active",
        registration_reason: null,
        suspended: 0,
        created_day: day,
        followers_count: 0,
        following_count: 1,
        statuses_count: 0,
        last_status_day: null,
        avatar_file: null,
        header_file: null,
        default_language: null,
      });
    }
    await db.insertInto("accounts").values(accounts).execute();
    await db
      .insertInto("follows")
      .values(accounts.map((a) => ({ id: randomSerial(), account_id: a.id, target_account_id: accountId })))
      .execute();
  }
  await db
    .updateTable("accounts")
    .set({ followers_count: counts.followers, statuses_count: total, last_status_day: day })
    .where("id", "=", accountId)
    .execute();
  // Fresh planner statistics, as autovacuum would gather them in a while: without them PostgreSQL
  // plans the timelines as if the tables were still empty.
  if (ctx.store.dialect === "postgres") await sql`ANALYZE`.execute(db);
}

/** The environment for running `publius` against a test context's database. */
export async function cliEnv(ctx: AppContext & { dataDir: string }, extra: Record<string, string> = {}) {
  const env: Record<string, string> = { PUBLIUS_DATA_DIR: ctx.dataDir, PUBLIUS_LOG_LEVEL: "silent", ...extra };
  if (ctx.store.dialect === "postgres") {
    const { rows } = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(ctx.store.db);
    const url = new URL(process.env.PUBLIUS_TEST_DATABASE_URL as string);
    url.searchParams.set("options", `-c search_path=${rows[0]?.s}`);
    env.PUBLIUS_DATABASE_URL = url.toString();
  }
  return env;
}

/** A current code by the real clock (the command line keeps real time). */
export function realCode(secret: string): string {
  return totp(secret, new Date());
}
