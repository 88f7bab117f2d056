// What anyone may check about the legal office: the instance's signing key (productions are signed
// with it) and the audit log's current head hash, so history cannot be quietly rewritten.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { html } from "../../present/web/html.ts";
import { SIGNING_KEY_PATH } from "../../services/legal/signing.ts";
import { sendPage } from "./request.ts";

export function legalPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { key, audit } = ctx.services.legal;

  app.get(SIGNING_KEY_PATH, async (_request, reply) => {
    const info = key.info();
    reply.header("cache-control", "public, max-age=300");
    return {
      algorithm: info.algorithm,
      fingerprint: info.fingerprint,
      public_key_pem: info.publicKeyPem,
      instance: ctx.config.publicUrl,
      used_for: ["legal productions (manifest.sig over manifest.json)", "the warrant canary (/canary.json)"],
    };
  });

  app.get(`${SIGNING_KEY_PATH}.pem`, async (_request, reply) => {
    reply.header("cache-control", "public, max-age=300");
    return reply.type("application/x-pem-file").send(key.info().publicKeyPem);
  });

  // The current head, signed with the instance key (kept once per head, so a later rewrite of the
  // log is found by `publius audit verify`), with the heads published with canaries and reports.
  app.get("/audit-head.json", async (_request, reply) => {
    const head = await audit.head();
    const signed = await audit.publishHead("published", head);
    reply.header("cache-control", "no-cache");
    return {
      seq: head.seq,
      hash: head.hash,
      day: head.at?.slice(0, 10) ?? null,
      instance: ctx.config.publicUrl,
      signed,
      published: (await audit.publishedHeads(20)).map((p) => ({ occasion: p.occasion, ...p.signed })),
    };
  });

  app.get("/audit-head", async (request, reply) => {
    const head = await audit.head();
    const signed = await audit.publishHead("published", head);
    const info = key.info();
    reply.header("cache-control", "no-cache");
    return sendPage(
      ctx,
      request,
      reply,
      "Audit log head",
      () => html`<section class="panel"><h1>The legal audit log's head</h1>
<p>Every legal demand this server receives, every step taken on it, and every time staff look at or export data that is not public, is written to an audit log in which each entry commits to the one before it by its hash. The newest entry's hash is shown here. Anyone may note it down; if history were later rewritten or cut short, the noted hash would no longer be found in the log (<code>publius audit verify --head &lt;hash&gt;</code>).</p>
<dl><dt>Entries</dt><dd>${head.seq}</dd>
<dt>Head hash (SHA-256)</dt><dd><code id="audit-head">${head.hash}</code></dd>
${head.at ? html`<dt>Newest entry</dt><dd>${head.at.slice(0, 10)}</dd>` : ""}
<dt>Signature (Ed25519, over the head's canonical JSON)</dt><dd><code id="audit-head-signature">${signed.signature}</code></dd></dl>
<p>Also as JSON, signed: <a href="/audit-head.json">/audit-head.json</a>. Save that file: <code>publius audit verify --head &lt;file&gt;</code> checks its signature and fails if the log no longer extends it, even if every hash in the log was recomputed. Signed heads are also published with each warrant canary and each complete transparency period.</p>
<h2>Signing key</h2>
<p>Legal productions are signed with this server's Ed25519 key, fingerprint <code>${info.fingerprint}</code>, published at <a href="${SIGNING_KEY_PATH}">${SIGNING_KEY_PATH}</a> (PEM at <a href="${SIGNING_KEY_PATH}.pem">${SIGNING_KEY_PATH}.pem</a>).</p>
</section>`,
    );
  });
}
