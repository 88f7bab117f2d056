// The audit log: append-only and hash-chained. Each entry's hash is the SHA-256 of its canonical
// form, which includes its position and the previous entry's hash, so changing, deleting,
// inserting or reordering any entry breaks the chain from that point on.
//
// A chain alone can be rewritten whole: whoever can write the database can recompute every hash
// (issue 9, finding 12). So heads are signed with the instance's Ed25519 key (a file in the data
// folder, never in the database) and published — with each warrant canary, with each complete
// transparency period, and at /audit-head — and kept in legal_audit_heads. `verify` checks that the
// log still extends every signed head it knows of (and a head file given with --head), that every
// canary's head is still in the log, and that every legal_events row and every production approval
// and release matches its audit entry: a demand record changed without an audit entry is found.
import { createHash, createPublicKey } from "node:crypto";
import { sql } from "kysely";
import { canonicalJson } from "../../domain/legal/canonical.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import { type LegalActor, requireLegal } from "./access.ts";
import { fingerprintOf, type InstanceKey, verifySignature } from "./signing.ts";

export const GENESIS_HASH = "0".repeat(64);
export const AUDIT_HEAD_TYPE = "publius-audit-head";

/** The statement signed for a head: the entry it is at, its hash and day, and the key. */
export interface AuditHeadStatement {
  type: typeof AUDIT_HEAD_TYPE;
  version: 1;
  instance: string;
  seq: number;
  hash: string;
  day: string | null;
  key_fingerprint: string;
}

/** A signed head as published (/audit-head.json's `signed`, the canary's `audit_head_signed`). */
export interface SignedAuditHead {
  head: AuditHeadStatement;
  /** Base64 Ed25519 signature over the statement's canonical JSON. */
  signature: string;
  algorithm: "Ed25519";
  public_key_pem: string;
}

/** Checks a signed head's signature (with the given key, else the one it carries). */
export function checkSignedHead(
  json: unknown,
  keyPem?: string,
): { ok: true; head: AuditHeadStatement } | { ok: false; problem: string } {
  const doc = (json && typeof json === "object" ? json : {}) as Partial<SignedAuditHead> & {
    signed?: SignedAuditHead;
    audit_head_signed?: SignedAuditHead;
  };
  // Accept the head itself, /audit-head.json (under "signed") or a canary (under "audit_head_signed").
  const signed = doc.head ? (doc as SignedAuditHead) : (doc.signed ?? doc.audit_head_signed);
  if (!signed?.head || signed.head.type !== AUDIT_HEAD_TYPE || typeof signed.signature !== "string") {
    return { ok: false, problem: "not a signed audit head" };
  }
  const pem = keyPem ?? signed.public_key_pem;
  if (typeof pem !== "string") return { ok: false, problem: "no public key to check the head with" };
  let fingerprint: string;
  try {
    fingerprint = fingerprintOf(createPublicKey(pem));
  } catch {
    return { ok: false, problem: "the public key cannot be read" };
  }
  if (!verifySignature(pem, Buffer.from(canonicalJson(signed.head), "utf8"), signed.signature)) {
    return { ok: false, problem: `the signature on the head at entry ${signed.head.seq} does not verify` };
  }
  if (signed.head.key_fingerprint !== fingerprint) {
    return { ok: false, problem: `the head names key ${signed.head.key_fingerprint}, but the key is ${fingerprint}` };
  }
  return { ok: true, head: signed.head };
}

export interface AuditInput {
  actorId: string | null;
  action: string;
  demandId?: string | null;
  subject?: string;
  detail?: Record<string, unknown>;
  /** The time of the record written with it (a demand event), so both carry the same. */
  at?: Date;
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
  readonly #key: InstanceKey;
  constructor(deps: ServiceDeps, key: InstanceKey) {
    this.#deps = deps;
    this.#key = key;
  }

  /** A head signed with the instance key (the current one unless given). */
  async signHead(at?: AuditHead): Promise<SignedAuditHead> {
    const head = at ?? (await this.head());
    const info = this.#key.info();
    const statement: AuditHeadStatement = {
      type: AUDIT_HEAD_TYPE,
      version: 1,
      instance: this.#deps.config.publicUrl,
      seq: head.seq,
      hash: head.hash,
      day: head.at?.slice(0, 10) ?? null,
      key_fingerprint: info.fingerprint,
    };
    return {
      head: statement,
      signature: this.#key.sign(Buffer.from(canonicalJson(statement), "utf8")),
      algorithm: "Ed25519",
      public_key_pem: info.publicKeyPem,
    };
  }

  /**
   * Signs a head and keeps it (legal_audit_heads), once per occasion and head: what is published
   * with a canary, a transparency period or /audit-head. Returns the kept one if there is one.
   */
  async publishHead(occasion: string, at?: AuditHead, tx: Queryable = this.#deps.db): Promise<SignedAuditHead> {
    const head = at ?? (await this.head());
    const kept = await tx
      .selectFrom("legal_audit_heads")
      .select(["statement", "signature"])
      .where("occasion", "=", occasion)
      .where("seq", "=", head.seq)
      .where("hash", "=", head.hash)
      .limit(1)
      .executeTakeFirst();
    const info = this.#key.info();
    if (kept) {
      return {
        head: JSON.parse(kept.statement) as AuditHeadStatement,
        signature: kept.signature,
        algorithm: "Ed25519",
        public_key_pem: info.publicKeyPem,
      };
    }
    const signed = await this.signHead(head);
    await tx
      .insertInto("legal_audit_heads")
      .values({
        seq: head.seq,
        hash: head.hash,
        day: signed.head.day,
        occasion,
        statement: canonicalJson(signed.head),
        signature: signed.signature,
        key_fingerprint: signed.head.key_fingerprint,
      })
      .execute();
    return signed;
  }

  /** The head kept for an occasion at a hash, if one was. */
  async keptHead(occasion: string, hash: string): Promise<SignedAuditHead | undefined> {
    const row = await this.#deps.db
      .selectFrom("legal_audit_heads")
      .select(["statement", "signature"])
      .where("occasion", "=", occasion)
      .where("hash", "=", hash)
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      head: JSON.parse(row.statement) as AuditHeadStatement,
      signature: row.signature,
      algorithm: "Ed25519",
      public_key_pem: this.#key.info().publicKeyPem,
    };
  }

  /** The newest heads kept, newest first (the public page lists them). */
  async publishedHeads(limit = 20): Promise<{ occasion: string; signed: SignedAuditHead }[]> {
    const rows = await this.#deps.db
      .selectFrom("legal_audit_heads")
      .select(["occasion", "statement", "signature"])
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    const pem = this.#key.info().publicKeyPem;
    return rows.map((r) => ({
      occasion: r.occasion,
      signed: {
        head: JSON.parse(r.statement) as AuditHeadStatement,
        signature: r.signature,
        algorithm: "Ed25519",
        public_key_pem: pem,
      },
    }));
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
      at: (input.at ?? this.#deps.clock.now()).toISOString(),
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
   * predecessor (inserted or reordered). With `expectHead` (a hash), a head published earlier must
   * still be in the chain; with `signedHeads`, each must be signed by the instance key and the log
   * must extend it (its entry at that position has that hash). Every head kept in legal_audit_heads
   * and every canary's head is checked the same way, and every demand event and production
   * approval is compared with its audit entry.
   */
  async verify(
    options: {
      expectHead?: string | undefined;
      signedHeads?: readonly unknown[] | undefined;
      keyPem?: string | undefined;
    } = {},
  ): Promise<AuditVerification> {
    const problems: string[] = [];
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    let sawHead = options.expectHead === undefined || options.expectHead === GENESIS_HASH;
    let last: AuditHead = { seq: 0, hash: GENESIS_HASH, at: null };
    const hashAt = new Map<number, string>();
    const hashes = new Set<string>([GENESIS_HASH]);
    const demandEntries = new Map<string, AuditEntry[]>();
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
        hashAt.set(e.seq, e.hash);
        hashes.add(e.hash);
        if (e.demandId && e.action.startsWith("demand.")) {
          const list = demandEntries.get(e.demandId) ?? [];
          list.push(e);
          demandEntries.set(e.demandId, list);
        }
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
    const keyPem = options.keyPem ?? this.#key.info().publicKeyPem;
    const extends_ = (head: AuditHeadStatement, what: string) => {
      if (head.seq === 0 ? head.hash !== GENESIS_HASH : hashAt.get(head.seq) !== head.hash) {
        problems.push(
          `the log does not extend the signed head ${what} (entry ${head.seq}, ${head.hash}): history was rewritten or cut short`,
        );
      }
    };
    for (const given of options.signedHeads ?? []) {
      const check = checkSignedHead(given, keyPem);
      if (!check.ok) problems.push(`the head given: ${check.problem}`);
      else extends_(check.head, "given");
    }
    const kept = await this.#deps.db
      .selectFrom("legal_audit_heads")
      .select(["occasion", "statement", "signature"])
      .orderBy("id")
      .execute();
    for (const k of kept) {
      let statement: unknown;
      try {
        statement = JSON.parse(k.statement);
      } catch {
        statement = undefined;
      }
      // A head kept under an earlier key (the key file was replaced) cannot be checked with this one.
      if (
        (statement as { key_fingerprint?: string } | undefined)?.key_fingerprint !==
        fingerprintOf(createPublicKey(keyPem))
      ) {
        continue;
      }
      const check = checkSignedHead({ head: statement, signature: k.signature }, keyPem);
      if (!check.ok) problems.push(`a head kept for ${k.occasion}: ${check.problem}`);
      else extends_(check.head, `published with ${k.occasion}`);
    }
    const canaries = await this.#deps.db.selectFrom("warrant_canaries").select(["id", "statement"]).execute();
    for (const c of canaries) {
      const head = (JSON.parse(c.statement) as { audit_head?: string }).audit_head;
      if (head && !hashes.has(head)) {
        problems.push(
          `the head ${head} signed in the warrant canary ${c.id} is not in the log (history was rewritten)`,
        );
      }
    }
    // The records are compared with a chain that holds together; a broken chain is reported above.
    if (problems.length === 0) await this.#compareRecords(demandEntries, problems);
    return { ok: problems.length === 0, count, head: last, problems };
  }

  /** Every demand event and production must match the audit entries written with them. */
  async #compareRecords(entries: Map<string, AuditEntry[]>, problems: string[]): Promise<void> {
    const events = await this.#deps.db.selectFrom("legal_events").selectAll().orderBy("id").execute();
    const byDemand = new Map<string, typeof events>();
    for (const e of events) {
      const list = byDemand.get(e.demand_id) ?? [];
      list.push(e);
      byDemand.set(e.demand_id, list);
    }
    for (const demandId of new Set([...byDemand.keys(), ...entries.keys()])) {
      const rows = byDemand.get(demandId) ?? [];
      const logged = entries.get(demandId) ?? [];
      const n = Math.max(rows.length, logged.length);
      for (let i = 0; i < n; i++) {
        const row = rows[i];
        const entry = logged[i];
        if (!row) {
          problems.push(
            `demand ${demandId}: audit entry ${entry?.seq} (${entry?.action}) has no demand event (one was deleted)`,
          );
          continue;
        }
        if (!entry) {
          problems.push(
            `demand ${demandId}: event ${row.id} (${row.kind}) has no audit entry (it was added outside Publius)`,
          );
          continue;
        }
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(row.data) as Record<string, unknown>;
        } catch {
          data = { unreadable: row.data };
        }
        const same =
          entry.action === `demand.${row.kind}` &&
          entry.actorId === row.actor_account_id &&
          // Written in the same transaction; entries before the event's time was shared differ by milliseconds.
          Math.abs(Date.parse(entry.at) - Date.parse(row.created_at)) < 60_000 &&
          entry.detail === canonicalJson({ reason: row.reason, ...data });
        if (!same) {
          problems.push(
            `demand ${demandId}: event ${row.id} (${row.kind}) does not match audit entry ${entry.seq} (${entry.action}): the demand record was changed`,
          );
        }
      }
    }
    const productions = await this.#deps.db.selectFrom("legal_productions").selectAll().execute();
    for (const p of productions) {
      const logged = (entries.get(p.demand_id) ?? []).map((e) => ({ e, d: safeParse(e.detail) }));
      const mine = logged.filter((x) => x.d.production === p.id);
      const prepared = mine.find((x) => x.e.action === "demand.production_prepared");
      if (!prepared || prepared.d.manifest_sha256 !== p.manifest_sha256) {
        problems.push(`production ${p.id}: its manifest is not the one the audit log recorded when it was prepared`);
      }
      const approvers = new Set(
        mine
          .filter((x) => x.e.action === "demand.production_approved" && x.d.manifest_sha256 === p.manifest_sha256)
          .map((x) => x.e.actorId),
      );
      const released = mine.some((x) => x.e.action === "demand.produced");
      if (p.released_at !== null && (approvers.size < 2 || !released)) {
        problems.push(
          `production ${p.id} is marked released, but the audit log shows ${approvers.size} approval(s)${released ? "" : " and no release"}`,
        );
      }
      if (p.released_at === null && released) {
        problems.push(`production ${p.id}: the audit log shows it released, but the record says it was not`);
      }
    }
  }
}

function safeParse(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
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
