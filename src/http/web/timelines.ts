// Home, local and hashtag timelines, and the start page.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { html } from "../../present/web/html.ts";
import { timelinePage } from "../../present/web/timelines.ts";
import { pageFrom, sendPage, signedIn, truthfulPage } from "./request.ts";

export function timelineRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/", async (request, reply) => {
    if (request.auth) return reply.redirect("/home", 303);
    const paged = await truthfulPage({ limit: 20 }, (page) => ctx.services.timelines.local(null, page));
    return sendPage(
      ctx,
      request,
      reply,
      "Welcome",
      (pc) =>
        html`<section class="panel hero">
  <h1>${ctx.config.instanceName}</h1>
  <p>A place to write under a pseudonym. This server asks for no e-mail address or phone number, never records IP addresses, and tells you about every legal demand for your data.</p>
  <p><a href="/signup" class="button">Sign up</a> <a href="/signin" class="button secondary">Sign in</a></p>
</section>
${timelinePage(pc, { title: "Latest public posts", statuses: paged.items, basePath: "/local", empty: "Nobody has posted yet.", paging: { older: paged.older, newer: false } })}`,
    );
  });

  app.get("/home", async (request, reply) => {
    const { viewer } = signedIn(request);
    const page = pageFrom(request.query);
    const paged = await truthfulPage(page, (p) => ctx.services.timelines.home(viewer, p));
    return sendPage(ctx, request, reply, "Home", (pc) =>
      timelinePage(pc, {
        title: "Home",
        statuses: paged.items,
        paging: paged,
        basePath: "/home",
        compose: !page.maxId,
        empty: page.maxId
          ? "No older posts."
          : "Your home timeline is empty. Follow people from the local timeline or search.",
      }),
    );
  });

  app.get("/local", async (request, reply) => {
    const paged = await truthfulPage(pageFrom(request.query), (p) =>
      ctx.services.timelines.local(request.auth?.viewer ?? null, p),
    );
    return sendPage(ctx, request, reply, "Local", (pc) =>
      timelinePage(pc, {
        title: "Local timeline",
        intro: "Every public post on this server.",
        statuses: paged.items,
        paging: paged,
        basePath: "/local",
        empty: "No posts here.",
      }),
    );
  });

  app.get<{ Params: { tag: string } }>("/tags/:tag", async (request, reply) => {
    const tag = request.params.tag.replace(/^#/, "");
    const paged = await truthfulPage(pageFrom(request.query), (p) =>
      ctx.services.timelines.hashtag(request.auth?.viewer ?? null, tag, p),
    );
    return sendPage(ctx, request, reply, `#${tag}`, (pc) =>
      timelinePage(pc, {
        title: `#${tag}`,
        statuses: paged.items,
        paging: paged,
        basePath: `/tags/${encodeURIComponent(tag)}`,
        empty: "No public posts with this hashtag.",
      }),
    );
  });
}
