// Production: only the approved categories for the approved accounts, as a signed package. The
// two-person rule: a package is released only when two different legal-role staff have approved
// it, each approving the exact manifest hash they were shown (the files are checked again at
// every approval). Nobody, an admin included, can release alone, and nobody can download a package
// before it is released.
import { cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PubliusError } from "../../domain/errors.ts";
import { randomId } from "../../domain/ids.ts";
import { isIdentifying } from "../../domain/legal/categories.ts";
import { deriveApprovedScope } from "../../domain/legal/states.ts";
import type { ServiceDeps } from "../deps.ts";
import type { HoldingsService } from "../privacy/holdings.ts";
import { type LegalActor, requireLegal } from "./access.ts";
import type { AuditLog } from "./audit.ts";
import { type LegalFiles, randomName } from "./files.ts";
import {
  DATA_FILE,
  MANIFEST_FILE,
  type Manifest,
  PACKAGE_FORMAT,
  type ProducedCategory,
  type ProductionData,
  REPORT_FILE,
  SIGNATURE_FILE,
  sha256Hex,
  verifyPackage,
} from "./package.ts";
import { appendEvent, type Demand, gateOf, loadDemand } from "./records.ts";
import { productionReportHtml } from "./report.ts";
import { type InstanceKey, SIGNING_KEY_PATH } from "./signing.ts";

export const APPROVALS_NEEDED = 2;

export interface Production {
  id: string;
  demandId: string;
  manifestSha256: string;
  createdAt: string;
  releasedAt: string | null;
  approvals: { actorId: string; handle: string; at: string }[];
  /** Only the latest prepared package of a demand can be approved. */
  current: boolean;
}

export interface ProductionView extends Production {
  files: { name: string; sha256: string; bytes: number }[];
  report: string;
  data: string;
  fingerprint: string;
  intact: boolean;
  problems: string[];
}

export class ProductionService {
  readonly #deps: ServiceDeps;
  readonly #audit: AuditLog;
  readonly #files: LegalFiles;
  readonly #holdings: HoldingsService;
  readonly #key: InstanceKey;

  constructor(deps: ServiceDeps, audit: AuditLog, files: LegalFiles, holdings: HoldingsService, key: InstanceKey) {
    this.#deps = deps;
    this.#audit = audit;
    this.#files = files;
    this.#holdings = holdings;
    this.#key = key;
  }

  /** Builds, signs and stores the package for an approved demand. It still needs two approvals. */
  async prepare(actor: LegalActor, demandId: string): Promise<Production> {
    requireLegal(actor);
    const demand = await loadDemand(this.#deps.db, demandId);
    if (demand.state !== "approved") throw new PubliusError(409, "Only an approved demand can be produced.");
    const scope = deriveApprovedScope(demand.events);
    if (!scope || scope.targets.length === 0 || scope.categories.length === 0) {
      throw new PubliusError(409, "The approval names nothing to produce.");
    }
    // Checked again here: an approval alone must never be enough to unmask.
    requireGate(demand);
    const now = this.#deps.clock.now();
    const data: ProductionData = {
      format: PACKAGE_FORMAT,
      instance: this.#deps.config.publicUrl,
      generated_at: now.toISOString(),
      demand: {
        id: demand.id,
        process: demand.process,
        agency: demand.agency,
        country: demand.country,
        authority: demand.authority,
        reference: demand.reference,
        received: demand.receivedDay,
        requested_verbatim: demand.verbatim,
      },
      targets: [],
    };
    for (const t of demand.targets) {
      if (!t.accountId || !scope.targets.includes(t.accountId) || !t.account) continue;
      const h = await this.#holdings.forAccount(t.accountId, { categories: scope.categories });
      data.targets.push({
        handle: h.handle,
        account_id: h.accountId,
        categories: h.categories.map(
          (c): ProducedCategory => ({
            id: c.category.id,
            title: c.category.title,
            state: c.state,
            statement:
              c.state === "not_collected"
                ? "Not collected by design: this server never collects this kind of data."
                : c.state === "none"
                  ? "None held for this account."
                  : `${c.records.length} ${c.records.length === 1 ? "record" : "records"} held, listed below.`,
            records: c.records,
          }),
        ),
      });
    }
    if (data.targets.length === 0) throw new PubliusError(409, "None of the approved accounts exists any more.");
    const key = this.#key.info();
    const json = `${JSON.stringify(data, null, 2)}\n`;
    const report = productionReportHtml(data, {
      fingerprint: key.fingerprint,
      keyUrl: `${this.#deps.config.publicUrl}${SIGNING_KEY_PATH}`,
    });
    const files = [
      { name: DATA_FILE, body: Buffer.from(json) },
      { name: REPORT_FILE, body: Buffer.from(report) },
    ];
    const manifest: Manifest = {
      format: PACKAGE_FORMAT,
      instance: this.#deps.config.publicUrl,
      demand_id: demand.id,
      reference: demand.reference,
      created_at: now.toISOString(),
      signing_key: {
        algorithm: "Ed25519",
        fingerprint: key.fingerprint,
        public_key_pem: key.publicKeyPem,
        url: `${this.#deps.config.publicUrl}${SIGNING_KEY_PATH}`,
      },
      files: files.map((f) => ({ name: f.name, sha256: sha256Hex(f.body), bytes: f.body.length })),
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const folder = randomName();
    const dir = join(this.#files.folder("productions"), folder);
    mkdirSync(dir, { mode: 0o700 });
    const id = randomId();
    try {
      for (const f of files) this.#files.write("productions", join(folder, f.name), f.body);
      this.#files.write("productions", join(folder, MANIFEST_FILE), manifestBytes);
      this.#files.write("productions", join(folder, SIGNATURE_FILE), `${this.#key.sign(manifestBytes)}\n`);
      const manifestSha256 = sha256Hex(manifestBytes);
      await this.#deps.db.transaction().execute(async (tx) => {
        const again = await loadDemand(tx, demandId);
        if (again.state !== "approved") throw new PubliusError(409, "The demand changed meanwhile; try again.");
        await tx
          .insertInto("legal_productions")
          .values({
            id,
            demand_id: demandId,
            folder,
            manifest_sha256: manifestSha256,
            created_at: now.toISOString(),
            released_at: null,
          })
          .execute();
        await appendEvent(tx, this.#audit, now, {
          demandId,
          kind: "production_prepared",
          actorId: actor.accountId,
          reason: "Package prepared; it needs the approval of two legal staff.",
          data: {
            production: id,
            manifest_sha256: manifestSha256,
            targets: data.targets.map((t) => t.account_id),
            categories: scope.categories,
          },
        });
      });
    } catch (e) {
      this.#files.remove("productions", folder);
      throw e;
    }
    return this.#get(demandId, id);
  }

  async list(actor: LegalActor, demandId: string): Promise<Production[]> {
    requireLegal(actor);
    const rows = await this.#deps.db
      .selectFrom("legal_productions")
      .select("id")
      .where("demand_id", "=", demandId)
      .orderBy("created_at")
      .execute();
    const out: Production[] = [];
    for (const r of rows) out.push(await this.#get(demandId, r.id));
    return out;
  }

  async #get(demandId: string, productionId: string): Promise<Production> {
    const row = await this.#deps.db
      .selectFrom("legal_productions")
      .selectAll()
      .where("id", "=", productionId)
      .where("demand_id", "=", demandId)
      .executeTakeFirst();
    if (!row) throw new PubliusError(404, "No such production.");
    const latest = await this.#deps.db
      .selectFrom("legal_productions")
      .select("id")
      .where("demand_id", "=", demandId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const demand = await loadDemand(this.#deps.db, demandId);
    const approvalEvents = demand.events.filter(
      (e) => e.kind === "production_approved" && e.data.production === productionId,
    );
    const ids = [...new Set(approvalEvents.map((e) => e.actorId).filter((a): a is string => !!a))];
    const handles = new Map<string, string>();
    if (ids.length) {
      for (const r of await this.#deps.db
        .selectFrom("accounts")
        .select(["id", "handle"])
        .where("id", "in", ids)
        .execute()) {
        handles.set(r.id, r.handle);
      }
    }
    return {
      id: row.id,
      demandId,
      manifestSha256: row.manifest_sha256,
      createdAt: row.created_at,
      releasedAt: row.released_at,
      approvals: approvalEvents.map((e) => ({
        actorId: e.actorId as string,
        handle: handles.get(e.actorId as string) ?? "(deleted)",
        at: e.createdAt,
      })),
      current: latest?.id === productionId,
    };
  }

  #dir(folder: string): string {
    return join(this.#files.folder("productions"), folder);
  }

  async #folder(demandId: string, productionId: string): Promise<string> {
    const row = await this.#deps.db
      .selectFrom("legal_productions")
      .select("folder")
      .where("id", "=", productionId)
      .where("demand_id", "=", demandId)
      .executeTakeFirst();
    if (!row) throw new PubliusError(404, "No such production.");
    return this.#dir(row.folder);
  }

  /** The exact package, as the approvers see it. Audited (it is non-public data). */
  async view(actor: LegalActor, demandId: string, productionId: string): Promise<ProductionView> {
    requireLegal(actor);
    const p = await this.#get(demandId, productionId);
    const dir = await this.#folder(demandId, productionId);
    const check = verifyPackage(dir, { publicKeyPem: this.#key.info().publicKeyPem });
    const intact = check.ok && check.manifestSha256 === p.manifestSha256;
    const problems = [...check.problems];
    if (check.ok && !intact) problems.push("the manifest is not the one recorded when the package was prepared");
    await this.#audit.record({
      actorId: actor.accountId,
      action: "view.production",
      demandId,
      subject: productionId,
      detail: { manifest_sha256: p.manifestSha256, via: actor.via },
    });
    const read = (name: string) =>
      existsSync(join(dir, name)) ? this.#files.read("productions", join(dirName(dir), name)).toString("utf8") : "";
    return {
      ...p,
      files: check.manifest?.files ?? [],
      report: read(REPORT_FILE),
      data: read(DATA_FILE),
      fingerprint: check.fingerprint ?? "",
      intact,
      problems,
    };
  }

  /**
   * One approval of the package whose manifest hash the approver saw. The second approval by a
   * different legal-role staff member releases it: the demand becomes produced.
   */
  async approve(
    actor: LegalActor,
    demandId: string,
    productionId: string,
    manifestSha256: string,
  ): Promise<Production> {
    requireLegal(actor);
    const p = await this.#get(demandId, productionId);
    if (p.releasedAt) throw new PubliusError(409, "This package was released already.");
    if (!p.current) throw new PubliusError(409, "A newer package was prepared for this demand; approve that one.");
    if (manifestSha256.trim().toLowerCase() !== p.manifestSha256) {
      throw new PubliusError(409, "The package changed since you looked at it: look at it again before approving.");
    }
    const dir = await this.#folder(demandId, productionId);
    const check = verifyPackage(dir, { publicKeyPem: this.#key.info().publicKeyPem });
    if (!check.ok || check.manifestSha256 !== p.manifestSha256) {
      throw new PubliusError(
        409,
        `The package on disk does not verify: ${check.problems.join("; ") || "manifest changed"}.`,
      );
    }
    if (p.approvals.some((a) => a.actorId === actor.accountId)) {
      throw new PubliusError(
        409,
        "You have approved this package already. A second, different member of the legal staff must approve it: nobody can release a production alone.",
      );
    }
    const now = this.#deps.clock.now();
    await this.#deps.db.transaction().execute(async (tx) => {
      const demand = await loadDemand(tx, demandId);
      if (demand.state !== "approved") throw new PubliusError(409, "The demand is no longer approved.");
      // Checked again at every approval, so at release too: the gate may have closed since the package was made.
      requireGate(demand);
      const before = demand.events.filter(
        (e) => e.kind === "production_approved" && e.data.production === productionId,
      );
      const approvers = new Set(before.map((e) => e.actorId));
      if (approvers.has(actor.accountId)) throw new PubliusError(409, "You have approved this package already.");
      await appendEvent(tx, this.#audit, now, {
        demandId,
        kind: "production_approved",
        actorId: actor.accountId,
        reason: `Approved the package with manifest SHA-256 ${p.manifestSha256}.`,
        data: { production: productionId, manifest_sha256: p.manifestSha256 },
      });
      approvers.add(actor.accountId);
      if (approvers.size >= APPROVALS_NEEDED) {
        await tx
          .updateTable("legal_productions")
          .set({ released_at: now.toISOString() })
          .where("id", "=", productionId)
          .execute();
        const handles = [...p.approvals.map((a) => `@${a.handle}`), `@${actor.handle}`];
        await appendEvent(tx, this.#audit, now, {
          demandId,
          kind: "produced",
          actorId: actor.accountId,
          reason: `Released after approval by ${handles.join(" and ")}.`,
          data: { production: productionId, manifest_sha256: p.manifestSha256 },
        });
      }
    });
    return this.#get(demandId, productionId);
  }

  /** A file of a released package (download). Audited as an export. */
  async file(actor: LegalActor, demandId: string, productionId: string, name: string): Promise<Buffer> {
    requireLegal(actor);
    const p = await this.#get(demandId, productionId);
    if (!p.releasedAt)
      throw new PubliusError(409, "A package can be downloaded only after two legal staff approved it.");
    if (![DATA_FILE, REPORT_FILE, MANIFEST_FILE, SIGNATURE_FILE].includes(name))
      throw new PubliusError(404, "No such file.");
    const dir = await this.#folder(demandId, productionId);
    const data = this.#files.read("productions", join(dirName(dir), name));
    await this.#audit.record({
      actorId: actor.accountId,
      action: "export.production_file",
      demandId,
      subject: productionId,
      detail: { file: name, via: actor.via },
    });
    return data;
  }

  /** Copies the released package to a folder (the command line). Audited as an export. */
  async exportTo(actor: LegalActor, demandId: string, target: string): Promise<Production> {
    requireLegal(actor);
    const released = (await this.list(actor, demandId)).filter((p) => p.releasedAt);
    const p = released[released.length - 1];
    if (!p)
      throw new PubliusError(409, "This demand has no released production: two legal staff must approve one first.");
    if (existsSync(target) && readdirSync(target).length > 0) throw new PubliusError(409, `${target} is not empty.`);
    const dir = await this.#folder(demandId, p.id);
    cpSync(dir, target, { recursive: true });
    await this.#deps.db.transaction().execute(async (tx) => {
      await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
        demandId,
        kind: "production_exported",
        actorId: actor.accountId,
        reason: `Exported by @${actor.handle}.`,
        data: { production: p.id, manifest_sha256: p.manifestSha256 },
      });
    });
    return p;
  }
}

/** Identifying data in the approved scope needs the unmasking gate open, now. */
function requireGate(demand: Demand): void {
  const scope = deriveApprovedScope(demand.events);
  if (scope?.categories.some(isIdentifying) && !gateOf(demand).open) {
    throw new PubliusError(409, "The unmasking gate is closed: identifying data cannot be produced.");
  }
}

function dirName(dir: string): string {
  return dir.split(/[\\/]/).pop() as string;
}
