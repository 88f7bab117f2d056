// The warrant canary's signed statement (issue 6): what it says, how it is serialised for the
// signature, and how anyone checks it. The signature is Ed25519 over the UTF-8 bytes of the
// statement's canonical JSON (keys sorted, no spaces), detached and base64 — the same key and the
// same scheme as production manifests. Staff with the legal role renew it (console or command
// line); the page and JSON say it has expired, computed at request time, once its renewal day
// has passed.
import { createPublicKey } from "node:crypto";
import { DAY, dayOf } from "../../domain/clock.ts";
import { unprocessable } from "../../domain/errors.ts";
import { canonicalJson } from "../../domain/legal/canonical.ts";
import { PROCESS_TYPES, type ProcessType } from "../../domain/legal/process.ts";
import type { ServiceDeps } from "../deps.ts";
import { type LegalActor, requireLegal } from "./access.ts";
import type { AuditLog, SignedAuditHead } from "./audit.ts";
import { fingerprintOf, type InstanceKey, verifySignature } from "./signing.ts";

export const CANARY_TYPE = "publius-warrant-canary";
export const DEFAULT_CANARY_DAYS = 90;
export const MAX_CANARY_DAYS = 366;
export const MAX_STATEMENTS = 40;
export const MAX_STATEMENT_LENGTH = 500;

/** Said when no order in force forbids saying anything; dropped, never negated, when one does. */
export const NO_GAG_STATEMENT = "No order forbids us from saying something on this page.";

/** What the operator states unless they write their own (one per line in the console or a file). */
export const DEFAULT_CANARY_STATEMENTS: readonly string[] = [
  "We have never received a national security letter.",
  "We have never received an order of the Foreign Intelligence Surveillance Court.",
  "No one has made us change our software, add a way into it, or hand over our signing key.",
  "No one has made us keep data about our users that Publius does not keep by design.",
];

export interface ReceivedCount {
  process_type: ProcessType;
  title: string;
  /** Demands of this kind recorded since the server began. */
  count: number;
}

/** The signed statement. Every field is covered by the signature. */
export interface CanaryStatement {
  type: typeof CANARY_TYPE;
  version: 1;
  instance: string;
  /** The day it was signed (UTC). */
  issued_day: string;
  /** The day by which a new statement will be published; after it, this one has expired. */
  next_renewal_day: string;
  /** Derived from the demand records: how many demands of each kind were ever received. */
  received: ReceivedCount[];
  /** Plain sentences; the no-gag sentence is among them only while no order forbids it. */
  statements: string[];
  /** The legal audit log's head hash when it was signed. */
  audit_head: string;
  key_fingerprint: string;
}

/** What /canary.json serves, and what `publius canary verify` reads. */
export interface PublishedCanary {
  canary: CanaryStatement;
  /** Base64 Ed25519 signature over canonicalCanary(canary). */
  signature: string;
  algorithm: "Ed25519";
  public_key_pem: string;
  key_fingerprint: string;
  expired: boolean;
  /** The audit log's head named in the statement, signed on its own (`publius audit verify --head`). */
  audit_head_signed?: SignedAuditHead | undefined;
}

export function canonicalCanary(statement: CanaryStatement): Buffer {
  return Buffer.from(canonicalJson(statement), "utf8");
}

export function receivedFromCounts(counts: ReadonlyMap<string, number>): ReceivedCount[] {
  return PROCESS_TYPES.map((p) => ({ process_type: p.id, title: p.title, count: counts.get(p.id) ?? 0 }));
}

/** One sentence for a count ("We have received no search warrant." / "… 2 of: search warrant."). */
export function receivedSentence(r: ReceivedCount): string {
  return r.count === 0
    ? `We have received no ${r.title}.`
    : `We have received ${r.count} ${r.count === 1 ? "demand" : "demands"} of this kind: ${r.title}.`;
}

/** Cleans operator statements: trimmed, non-empty, bounded; the no-gag line is Publius's to add. */
export function cleanStatements(lines: readonly string[]): string[] {
  const out = lines.map((l) => l.replace(/\s+/g, " ").trim()).filter((l) => l.length > 0 && l !== NO_GAG_STATEMENT);
  if (out.length > MAX_STATEMENTS) throw new Error(`at most ${MAX_STATEMENTS} statements`);
  for (const l of out) {
    if (l.length > MAX_STATEMENT_LENGTH) throw new Error(`a statement is at most ${MAX_STATEMENT_LENGTH} characters`);
  }
  return out;
}

/** Expired once the renewal day has passed without a new statement (or when there is none). */
export function isExpired(statement: CanaryStatement | undefined, today: string): boolean {
  return !statement || today > statement.next_renewal_day;
}

export interface CanaryCheck {
  ok: boolean;
  /** Why not, when not. */
  problems: string[];
  fingerprint: string | undefined;
  /** True when the key came from --key rather than the document itself. */
  keyGiven: boolean;
  expiredOn: (today: string) => boolean;
}

/**
 * Checks a published canary (parsed JSON): the signature over the statement's canonical bytes, with
 * the given public key or, failing that, the one the document carries; and that the fingerprints
 * named agree with the key.
 */
export function checkCanary(json: unknown, keyPem?: string): CanaryCheck {
  const problems: string[] = [];
  const doc = (json && typeof json === "object" ? json : {}) as Partial<PublishedCanary>;
  const statement = doc.canary;
  const pem = keyPem ?? doc.public_key_pem;
  let fingerprint: string | undefined;
  if (!statement || typeof statement !== "object" || statement.type !== CANARY_TYPE) {
    problems.push("not a Publius warrant canary (no canary statement)");
  }
  if (typeof doc.signature !== "string" || doc.signature === "") problems.push("no signature");
  if (typeof pem !== "string") problems.push("no public key (give --key)");
  else {
    try {
      fingerprint = fingerprintOf(createPublicKey(pem));
    } catch {
      problems.push("the public key cannot be read");
    }
  }
  if (problems.length === 0 && statement && typeof doc.signature === "string" && typeof pem === "string") {
    if (!verifySignature(pem, canonicalCanary(statement), doc.signature)) {
      problems.push("the signature does not match the statement: it was changed, or signed with another key");
    }
    if (statement.key_fingerprint !== fingerprint) {
      problems.push(`the statement names key ${statement.key_fingerprint}, but the key is ${fingerprint}`);
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    fingerprint,
    keyGiven: keyPem !== undefined,
    expiredOn: (today) => isExpired(statement, today),
  };
}

export interface CurrentCanary {
  published: PublishedCanary;
  /** Earlier statements, newest first (day and renewal day only). */
  history: { issued_day: string; next_renewal_day: string }[];
}

export class CanaryService {
  readonly #deps: ServiceDeps;
  readonly #audit: AuditLog;
  readonly #key: InstanceKey;

  constructor(deps: ServiceDeps, audit: AuditLog, key: InstanceKey) {
    this.#deps = deps;
    this.#audit = audit;
    this.#key = key;
  }

  /** The newest statement, with "expired" computed now from the clock; undefined if none was ever signed. */
  async current(): Promise<CurrentCanary | undefined> {
    const rows = await this.#deps.db
      .selectFrom("warrant_canaries")
      .select(["statement", "signature", "issued_day", "next_renewal_day"])
      .orderBy("id", "desc")
      .limit(20)
      .execute();
    const [row, ...older] = rows;
    if (!row) return undefined;
    const canary = JSON.parse(row.statement) as CanaryStatement;
    const info = this.#key.info();
    return {
      published: {
        canary,
        signature: row.signature,
        algorithm: "Ed25519",
        public_key_pem: info.publicKeyPem,
        key_fingerprint: info.fingerprint,
        expired: isExpired(canary, dayOf(this.#deps.clock.now())),
        audit_head_signed: await this.#audit.keptHead("canary", canary.audit_head),
      },
      history: older.map((r) => ({ issued_day: r.issued_day, next_renewal_day: r.next_renewal_day })),
    };
  }

  /** The operator statements of the newest canary, or the defaults: what a renewal repeats unless told otherwise. */
  async lastStatements(): Promise<string[]> {
    const current = await this.current();
    return current ? cleanStatements(current.published.canary.statements) : [...DEFAULT_CANARY_STATEMENTS];
  }

  /** Whether a non-disclosure order is in force today (not lifted, and with no end or an end not yet passed). */
  async #gagged(today: string): Promise<boolean> {
    const row = await this.#deps.db
      .selectFrom("legal_nondisclosure_orders")
      .select("id")
      .where("lifted_day", "is", null)
      .where((eb) => eb.or([eb("end_day", "is", null), eb("end_day", ">=", today)]))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Signs and publishes a new statement. Legal role and second factor required. The received counts
   * come from the demand records; the no-gag sentence is added only while no order is in force.
   */
  async sign(
    actor: LegalActor,
    input: { statements?: readonly string[] | undefined; days?: number | undefined },
  ): Promise<PublishedCanary> {
    requireLegal(actor);
    const days = input.days ?? DEFAULT_CANARY_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > MAX_CANARY_DAYS) {
      throw unprocessable(`The renewal period is a whole number of days from 1 to ${MAX_CANARY_DAYS}.`, {
        days: `From 1 to ${MAX_CANARY_DAYS} days.`,
      });
    }
    let statements: string[];
    try {
      statements = input.statements ? cleanStatements(input.statements) : await this.lastStatements();
    } catch (e) {
      throw unprocessable(`The statements cannot be used: ${(e as Error).message}.`, {
        statements: (e as Error).message,
      });
    }
    const now = this.#deps.clock.now();
    const today = dayOf(now);
    const counts = await this.#deps.db
      .selectFrom("legal_demands")
      .select(["process_type", (eb) => eb.fn.countAll<number | string | bigint>().as("n")])
      .groupBy("process_type")
      .execute();
    const received = receivedFromCounts(new Map(counts.map((c) => [c.process_type, Number(c.n)])));
    if (!(await this.#gagged(today))) statements.push(NO_GAG_STATEMENT);
    const info = this.#key.info();
    const head = await this.#audit.head();
    const canary: CanaryStatement = {
      type: CANARY_TYPE,
      version: 1,
      instance: this.#deps.config.publicUrl,
      issued_day: today,
      next_renewal_day: dayOf(new Date(now.getTime() + days * DAY)),
      received,
      statements,
      audit_head: head.hash,
      key_fingerprint: info.fingerprint,
    };
    const bytes = canonicalCanary(canary);
    const signature = this.#key.sign(bytes);
    const signedHead = await this.#deps.db.transaction().execute(async (tx) => {
      // The head the statement names is published, signed on its own, with the canary.
      const published = await this.#audit.publishHead("canary", head, tx);
      await tx
        .insertInto("warrant_canaries")
        .values({
          issued_day: canary.issued_day,
          next_renewal_day: canary.next_renewal_day,
          statement: bytes.toString("utf8"),
          signature,
          key_fingerprint: info.fingerprint,
        })
        .execute();
      await this.#audit.append(tx, {
        actorId: actor.accountId,
        action: "canary.signed",
        detail: { issued_day: canary.issued_day, next_renewal_day: canary.next_renewal_day, via: actor.via },
      });
      return published;
    });
    return {
      canary,
      signature,
      algorithm: "Ed25519",
      public_key_pem: info.publicKeyPem,
      key_fingerprint: info.fingerprint,
      expired: false,
      audit_head_signed: signedHead,
    };
  }
}
