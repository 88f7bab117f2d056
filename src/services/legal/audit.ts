// The audit log: append-only and hash-chained. Each entry's hash is the SHA-256 of its canonical
// form, which includes its position and the previous entry's hash, so changing, deleting,
// inserting or reordering any entry breaks the chain from that point on. Deleting entries from the
// end leaves a shorter chain that is still consistent; that is caught by checking a head hash
// published earlier (/audit-head shows the current one) with `publius audit verify --head <hash>`.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { canonicalJson } from "../../domain/legal/canonical.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import { type LegalActor, requireLegal } from "./access.ts";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditInput {
  actorId: string | null;
  action: string;
  demandId?: string | null;
  subject?: string;
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  demandId: string | null;
  subject: string;
  detail: string;
  prevHash: string;
  hash: string;
}

export interface AuditHead {
  seq: number;
  hash: string;
  at: string | null;
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  head: AuditHead;
  problems: string[];
}

/** The hash an entry must carry: over every field, its position and its predecessor's hash. */
export function entryHash(e: Omit<AuditEntry, "hash">): string {
  const canonical = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actorId,
    action: e.action,
    demand: e.demandId,
    subject: e.subject,
    detail: e.detail,
    prev: e.prevHash,
  });
  return createHash("sha256").update(canonical).digest("hex");
}

/** An arbitrary key for PostgreSQL's advisory lock that serialises appends. */
const APPEND_LOCK = 0x5055_424c;

export class AuditLog {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Appends inside the caller's transaction, so an event and its audit entry are written together
   * or not at all. On PostgreSQL an advisory lock held to the end of the transaction keeps two
   * writers from reading the same head; SQLite's writes are serial already.
   */
  async append(tx: Queryable, input: AuditInput): Promise<AuditEntry> {
    if (this.#deps.dialect === "postgres") await sql`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`.execute(tx);
    const last = await tx
      .selectFrom("legal_audit_log")
      .select(["seq", "hash"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const base = {
      seq: Number(last?.seq ?? 0) + 1,
      at: this.#deps.clock.now().toISOString(),
      actorId: input.actorId,
      action: input.action,
      demandId: input.demandId ?? null,
      subject: input.subject ?? "",
      detail: canonicalJson(input.detail ?? {}),
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const entry: AuditEntry = { ...base, hash: entryHash(base) };
    await tx
      .insertInto("legal_audit_log")
      .values({
        seq: entry.seq,
        at: entry.at,
        actor_account_id: entry.actorId,
        action: entry.action,
        demand_id: entry.demandId,
        subject: entry.subject,
        detail: entry.detail,
        prev_hash: entry.prevHash,
        hash: entry.hash,
      })
      .execute();
    return entry;
  }

  /** Appends in a transaction of its own (views and exports, which write nothing else). */
  async record(input: AuditInput): Promise<AuditEntry> {
    return this.#deps.db.transaction().execute((tx) => this.append(tx, input));
  }

  async head(): Promise<AuditHead> {
    const last = await this.#deps.db
      .selectFrom("legal_audit_log")
      .select(["seq", "hash", "at"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    return last ? { seq: Number(last.seq), hash: last.hash, at: last.at } : { seq: 0, hash: GENESIS_HASH, at: null };
  }

  /** The console's audit page: the chain's verification, the newest entries and who made them. */
  async overview(
    actor: LegalActor,
    demandId?: string,
  ): Promise<{ check: AuditVerification; entries: AuditEntry[]; handles: Map<string, string> }> {
    requireLegal(actor);
    const check = await this.verify();
    const entries = await this.recent(200, demandId);
    const ids = [...new Set(entries.map((e) => e.actorId).filter((a): a is string => !!a))];
    const handles = new Map<string, string>();
    if (ids.length) {
      const rows = await this.#deps.db.selectFrom("accounts").select(["id", "handle"]).where("id", "in", ids).execute();
      for (const r of rows) handles.set(r.id, r.handle);
    }
    return { check, entries, handles };
  }

  /** The newest entries first. */
  async recent(limit = 200, demandId?: string): Promise<AuditEntry[]> {
    let q = this.#deps.db.selectFrom("legal_audit_log").selectAll().orderBy("seq", "desc").limit(limit);
    if (demandId) q = q.where("demand_id", "=", demandId);
    return (await q.execute()).map(toEntry);
  }

  /**
   * Walks the whole chain in order. Reports every entry whose hash does not match its contents
   * (changed), every gap in the positions (deleted), and every entry that does not follow its
   * predecessor (inserted or reordered). With `expectHead`, a head published earlier must still be
   * in the chain (catches entries cut from the end, or a rewritten history).
   */
  async verify(options: { expectHead?: string | undefined } = {}): Promise<AuditVerification> {
    const problems: string[] = [];
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    let sawHead = options.expectHead === undefined || options.expectHead === GENESIS_HASH;
    let last: AuditHead = { seq: 0, hash: GENESIS_HASH, at: null };
    const pageSize = 1000;
    let after = 0;
    for (;;) {
      const rows = await this.#deps.db
        .selectFrom("legal_audit_log")
        .selectAll()
        .where("seq", ">", after)
        .orderBy("seq")
        .limit(pageSize)
        .execute();
      for (const row of rows) {
        const e = toEntry(row);
        count += 1;
        if (e.seq !== expectedSeq) {
          problems.push(
            e.seq === expectedSeq + 1
              ? `entry ${expectedSeq} is missing (deleted)`
              : e.seq > expectedSeq
                ? `entries ${expectedSeq}–${e.seq - 1} are missing (deleted)`
                : `entry ${e.seq} appears out of order`,
          );
        }
        if (e.prevHash !== prevHash) {
          problems.push(
            `entry ${e.seq} does not follow the entry before it (an entry was inserted, deleted or reordered)`,
          );
        }
        if (entryHash(e) !== e.hash) problems.push(`entry ${e.seq} does not match its hash (it was changed)`);
        if (e.hash === options.expectHead) sawHead = true;
        prevHash = e.hash;
        expectedSeq = e.seq + 1;
        last = { seq: e.seq, hash: e.hash, at: e.at };
      }
      if (rows.length < pageSize) break;
      after = Number(rows[rows.length - 1]?.seq);
    }
    if (!sawHead) {
      problems.push(
        `the head ${options.expectHead} published earlier is not in the log (entries were removed from the end, or history was rewritten)`,
      );
    }
    return { ok: problems.length === 0, count, head: last, problems };
  }
}

function toEntry(row: {
  seq: number;
  at: string;
  actor_account_id: string | null;
  action: string;
  demand_id: string | null;
  subject: string;
  detail: string;
  prev_hash: string;
  hash: string;
}): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actorId: row.actor_account_id,
    action: row.action,
    demandId: row.demand_id,
    subject: row.subject,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
