// The legal office at the command line:
//   publius demand add <file.json> --as <handle> --code <totp>
//   publius demand list [--all] --as <handle> --code <totp>
//   publius demand show <id> --as <handle> --code <totp>
//   publius production export <demand-id> <dir> --as <handle> --code <totp>
//   publius production verify <dir> [--key <pem file>]
//   publius audit verify [--head <hash or signed head file>] [--key <public-key.pem>]
//   publius second-factor reset <handle>
//   publius second-factor unlock <handle>
// Commands that read or change demands act as a named legal-role staff member and need a current
// code from their authenticator, exactly as the console does. Verification reveals nothing and
// must be possible for anyone holding a package or a published head, so it needs no identity.
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config/config.ts";
import { type AppContext, createContext } from "../context.ts";
import { categoryInfo } from "../domain/data-inventory.ts";
import { PubliusError } from "../domain/errors.ts";
import { parseDemand } from "../domain/legal/intake.ts";
import { processWithArticle } from "../domain/legal/process.ts";
import { STATE_TITLES } from "../domain/legal/states.ts";
import type { LegalActor } from "../services/legal/access.ts";
import { documentTooLarge } from "../services/legal/files.ts";
import { verifyPackage } from "../services/legal/package.ts";
import { migrate, openStore } from "../store/store.ts";

export const LEGAL_HELP = `  publius demand add <file.json> --as <handle> --code <totp>
                                         record a legal demand from a JSON file (docs/legal-process.md)
  publius demand list [--all] --as <handle> --code <totp>
                                         open demands by due date, overdue first
  publius demand show <id> --as <handle> --code <totp>
                                         a demand's review: matrix, holdings, gate, history
  publius production export <demand-id> <dir> --as <handle> --code <totp>
                                         copy a released production package to a folder
  publius production verify <dir> [--key <public-key.pem>]
                                         check a production package's signature and files
  publius audit verify [--head <hash or signed head file>] [--key <public-key.pem>]
                                         check the legal audit log: its hash chain, every signed
                                         head published, and every demand record against it
  publius second-factor reset <handle>   remove a staff member's TOTP second factor (operator)
  publius second-factor unlock <handle>  unlock a second factor locked after too many wrong codes
                                         (operator; written to the audit log)
`;

type Out = (s: string) => void;

function usage(message: string): PubliusError {
  return new PubliusError(400, message);
}

async function withContext<T>(config: Config, run: (ctx: AppContext) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(store);
    return await run(createContext({ config, store }));
  } finally {
    await store.close();
  }
}

const ACTOR_OPTIONS = { as: { type: "string" }, code: { type: "string" } } as const;

async function actorFrom(
  ctx: AppContext,
  values: { as?: string | undefined; code?: string | undefined },
): Promise<LegalActor> {
  if (!values.as || !values.code) {
    throw usage(
      "Legal commands act as a legal-role staff member: give --as <handle> and --code <code from your authenticator>.",
    );
  }
  return ctx.services.legal.access.forCode(values.as, values.code);
}

export async function legalCommand(config: Config, command: string, args: string[], out: Out): Promise<number> {
  switch (command) {
    case "demand":
      return demandCommand(config, args, out);
    case "production":
      return productionCommand(config, args, out);
    case "audit":
      return auditCommand(config, args, out);
    case "second-factor":
      return secondFactorCommand(config, args, out);
    default:
      throw usage(`Unknown command "${command}".`);
  }
}

/** Reads a demand file; every problem is reported with its field, and nothing is written. */
export function readDemandFile(file: string, maxDocumentBytes: number) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw usage(`Cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw fieldErrors(file, { "": `not valid JSON (${(e as Error).message})` });
  }
  const parsed = parseDemand(json);
  if (!parsed.ok) throw fieldErrors(file, parsed.errors);
  let document: Buffer | null = null;
  if (parsed.value.documentPath) {
    const path = resolve(dirname(file), parsed.value.documentPath);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw fieldErrors(file, { document: `no file at ${path}` });
    }
    if (size > maxDocumentBytes) throw documentTooLarge(maxDocumentBytes);
    document = readFileSync(path);
  }
  return { input: parsed.value, document };
}

function fieldErrors(file: string, errors: Record<string, string>): PubliusError {
  const lines = Object.entries(errors).map(([path, message]) => `  ${path || "(file)"}: ${message}`);
  return new PubliusError(422, `${file}: the demand was not recorded (nothing was written):\n${lines.join("\n")}`, {
    fields: errors,
  });
}

async function demandCommand(config: Config, args: string[], out: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...ACTOR_OPTIONS, all: { type: "boolean" } },
  });
  const [sub, arg, ...extra] = positionals;
  if (extra.length) throw usage(`Unexpected arguments: ${extra.join(" ")}`);
  if (sub === "add") {
    if (!arg) throw usage("Usage: publius demand add <file.json> --as <handle> --code <totp>");
    return withContext(config, async (ctx) => {
      const actor = await actorFrom(ctx, values);
      const { input, document } = readDemandFile(resolve(arg), config.legal.maxDocumentBytes);
      const demand = await ctx.services.legal.demands.add(actor, input, document);
      out(`Recorded demand ${demand.id}: ${processWithArticle(demand.process)} from ${demand.agency}.\n`);
      for (const t of demand.targets) {
        out(
          t.account
            ? `  @${t.handle}: account ${t.account.id}\n`
            : `  @${t.handle}: UNKNOWN — no such account here (kept on the record)\n`,
        );
      }
      if (demand.document) out(`  document: ${demand.document.type}, SHA-256 ${demand.document.sha256}\n`);
      out(`  ${config.publicUrl}/staff/legal/demands/${demand.id}\n`);
      return 0;
    });
  }
  if (sub === "list") {
    return withContext(config, async (ctx) => {
      const actor = await actorFrom(ctx, values);
      const rows = await ctx.services.legal.demands.dashboard(actor, { all: values.all === true });
      if (rows.length === 0) out(values.all ? "No demands.\n" : "No open demands.\n");
      for (const r of rows) {
        out(
          `${r.id}  due ${r.dueDay ?? "—"}${r.overdue ? " OVERDUE" : ""}  ${STATE_TITLES[r.state]}  ${r.agency}  ${r.targets.map((t) => `@${t}`).join(", ")}\n`,
        );
      }
      return 0;
    });
  }
  if (sub === "show") {
    if (!arg) throw usage("Usage: publius demand show <id> --as <handle> --code <totp>");
    return withContext(config, async (ctx) => {
      const actor = await actorFrom(ctx, values);
      const r = await ctx.services.legal.demands.review(actor, arg);
      const d = r.demand;
      out(`${processWithArticle(d.process, true)} from ${d.agency} (${d.country}) — ${STATE_TITLES[d.state]}\n`);
      out(`Authority: ${d.authority}\nReceived ${d.receivedDay}, due ${d.dueDay ?? "—"}\nRequested: ${d.verbatim}\n`);
      out(`\n${r.assessment.summary}\n`);
      for (const c of r.assessment.categories) if (c.flag) out(`  - ${c.flag}\n`);
      for (const t of r.targets) {
        out(`\n@${t.handle}${t.account ? "" : ": UNKNOWN — no such account here"}\n`);
        for (const [category, h] of t.held) out(`  ${categoryInfo(category)?.title}: ${h.text}\n`);
      }
      out(
        `\nUnmasking gate: ${r.gate.open ? `open (${r.gate.via})` : r.gate.awaitingConfirmation ? "closed (every prong met; a second legal reviewer must confirm)" : `closed (${r.gate.missing.length} prongs not met)`}\n`,
      );
      for (const e of r.demand.events) out(`  ${e.createdAt}  ${e.kind}  ${e.reason}\n`);
      return 0;
    });
  }
  throw usage("Usage: publius demand add|list|show …");
}

async function productionCommand(config: Config, args: string[], out: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...ACTOR_OPTIONS, key: { type: "string" } },
  });
  const [sub, a, b, ...extra] = positionals;
  if (extra.length) throw usage(`Unexpected arguments: ${extra.join(" ")}`);
  if (sub === "verify") {
    if (!a || b) throw usage("Usage: publius production verify <dir> [--key <public-key.pem>]");
    const publicKeyPem = values.key ? readFileSync(values.key, "utf8") : undefined;
    const check = verifyPackage(resolve(a), { publicKeyPem });
    if (check.ok) {
      out(`OK: the signature and all ${check.manifest?.files.length} files verify.\n`);
      out(
        `Signed by ${check.fingerprint}${values.key ? " (the key given)" : ` — compare with ${check.manifest?.signing_key.url}`}\n`,
      );
      out(`Demand ${check.manifest?.demand_id}, made ${check.manifest?.created_at} by ${check.manifest?.instance}\n`);
      return 0;
    }
    out(`FAILED: the package does not verify:\n${check.problems.map((p) => `  - ${p}\n`).join("")}`);
    return 1;
  }
  if (sub === "export") {
    if (!a || !b) throw usage("Usage: publius production export <demand-id> <dir> --as <handle> --code <totp>");
    return withContext(config, async (ctx) => {
      const actor = await actorFrom(ctx, values);
      const p = await ctx.services.legal.productions.exportTo(actor, a, resolve(b));
      out(`Exported the package released ${p.releasedAt} (manifest SHA-256 ${p.manifestSha256}) to ${resolve(b)}\n`);
      return 0;
    });
  }
  throw usage("Usage: publius production verify|export …");
}

async function auditCommand(config: Config, args: string[], out: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { head: { type: "string", multiple: true }, key: { type: "string" } },
  });
  if (positionals[0] !== "verify" || positionals.length > 1) {
    throw usage("Usage: publius audit verify [--head <hash or signed head file>] [--key <public-key.pem>]");
  }
  // A bare hash, or a file holding a signed head (/audit-head.json, a canary's JSON, or the head itself).
  let expectHead: string | undefined;
  const signedHeads: unknown[] = [];
  for (const h of values.head ?? []) {
    if (/^[0-9a-f]{64}$/i.test(h)) {
      expectHead = h.toLowerCase();
      continue;
    }
    try {
      signedHeads.push(JSON.parse(readFileSync(h, "utf8")));
    } catch (e) {
      throw usage(`--head is a 64-hex hash or a signed head file; cannot read ${h}: ${(e as Error).message}`);
    }
  }
  const keyPem = values.key ? readFileSync(values.key, "utf8") : undefined;
  return withContext(config, async (ctx) => {
    const check = await ctx.services.legal.audit.verify({ expectHead, signedHeads, keyPem });
    if (check.ok) {
      out(`OK: ${check.count} entries, each committing to the one before.\nHead: ${check.head.hash}\n`);
      if (signedHeads.length) out(`The log extends the signed head${signedHeads.length > 1 ? "s" : ""} given.\n`);
      return 0;
    }
    out(`FAILED: the audit log does not verify:\n${check.problems.map((p) => `  - ${p}\n`).join("")}`);
    return 1;
  });
}

async function secondFactorCommand(config: Config, args: string[], out: Out): Promise<number> {
  const [sub, handle, ...extra] = args;
  if ((sub !== "reset" && sub !== "unlock") || !handle || extra.length) {
    throw usage("Usage: publius second-factor reset|unlock <handle>");
  }
  if (sub === "unlock") {
    return withContext(config, async (ctx) => {
      const { wasLocked } = await ctx.services.legal.access.unlock(null, handle);
      out(
        `@${handle.replace(/^@/, "")}: ${wasLocked ? "unlocked" : "was not locked"}; the count of wrong codes starts again at zero.\n`,
      );
      return 0;
    });
  }
  return withContext(config, async (ctx) => {
    await ctx.services.legal.access.reset(null, handle);
    out(`@${handle.replace(/^@/, "")} has no second factor now; they set up a new one in the legal console.\n`);
    return 0;
  });
}
