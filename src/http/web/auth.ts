// Sign up, sign in, sign out. Only a handle and a password are asked; nothing else.
import { readFileSync } from "node:fs";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import { DAY } from "../../domain/clock.ts";
import { PubliusError } from "../../domain/errors.ts";
import { signInPage, signUpPage } from "../../present/web/auth.ts";
import { SESSION_DAYS } from "../../services/accounts/sessions.ts";
import { SignUpChallenges } from "../../services/accounts/signup-challenge.ts";
import { limitSignIns, limitSignUps } from "../rate-limit.ts";
import {
  clearSessionCookie,
  cookieOptions,
  field,
  safeBack,
  sendPage,
  sessionCookieName,
  withNotice,
} from "./request.ts";

export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  const mode = ctx.config.registration;
  // Open registration asks the browser for a proof of work (see signup-challenge.ts); the key that
  // signs the challenges lives in this process only.
  const challenges =
    mode === "open" && ctx.config.signupPowBits > 0
      ? new SignUpChallenges(ctx.clock, ctx.config.signupPowBits)
      : undefined;
  const pow = () => (challenges ? { challenge: challenges.issue(), bits: challenges.bits } : undefined);

  // The new session gives the forms a new token (csrf.ts); the anonymous one ends with the cookie.
  const startSession = (reply: FastifyReply, token: string) => {
    reply.setCookie(sessionCookieName(ctx), token, cookieOptions(ctx, (SESSION_DAYS * DAY) / 1000));
    reply.clearCookie(app.formTokens.cookieName, cookieOptions(ctx));
  };

  const powScript = readFileSync(new URL("../../../public/pow.js", import.meta.url));
  app.get("/static/pow.js", async (_request, reply) =>
    reply.header("cache-control", "public, max-age=3600").type("text/javascript; charset=utf-8").send(powScript),
  );

  const pageScript = readFileSync(new URL("../../../public/publius.js", import.meta.url));
  app.get("/static/publius.js", async (_request, reply) =>
    reply.header("cache-control", "public, max-age=3600").type("text/javascript; charset=utf-8").send(pageScript),
  );

  app.get("/signup", async (request, reply) => {
    if (request.auth) return reply.redirect("/home", 303);
    const q = request.query as Record<string, string>;
    return sendPage(ctx, request, reply, "Sign up", (pc) =>
      signUpPage(pc, {
        mode,
        pow: pow(),
        values: { handle: "", invite: typeof q.invite === "string" ? q.invite : "", reason: "" },
      }),
    );
  });

  // Where the address is everyone's (onion), a solved proof of work is the cost of a sign-up and the
  // shared per-address bucket counts only sign-ups without one, so one visitor cannot use it up for all.
  const limitUnpaidSignUps = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.server.sharedAddress(request)) await limitSignUps(request, reply);
  };

  app.post("/signup", { preHandler: limitUnpaidSignUps }, async (request, reply) => {
    const values = {
      handle: field(request.body, "handle"),
      invite: field(request.body, "invite"),
      reason: field(request.body, "reason"),
    };
    const password = field(request.body, "password");
    const confirm = field(request.body, "password_confirmation");
    try {
      if (password !== confirm) {
        throw new PubliusError(422, "The two passwords differ.", {
          fields: { password_confirmation: "The two passwords differ." },
        });
      }
      // Without a solved puzzle, open registration falls back to an invite code or staff approval.
      let registerAs: "approval" | undefined;
      if (challenges) {
        const counter = field(request.body, "pow_counter");
        if (!counter || !challenges.redeem(field(request.body, "pow_challenge"), counter)) {
          if (request.server.sharedAddress(request)) await limitSignUps(request, reply);
          registerAs = "approval";
          if (!values.invite.trim() && !values.reason.trim()) {
            const message = counter
              ? "The anti-robot check on the page had expired or was already used, and it has been renewed. Send the form again — or enter an invite code, or tell the staff why you would like to join."
              : "Without JavaScript, this server needs an invite code, or a few words to the staff on why you would like to join (your account then waits for their approval).";
            throw new PubliusError(422, message, { fields: { pow: message } });
          }
        }
      }
      if (!challenges && request.server.sharedAddress(request)) await limitSignUps(request, reply);
      const account = await ctx.services.accounts.register(
        { handle: values.handle, password, reason: values.reason, inviteCode: values.invite },
        registerAs ? { mode: registerAs } : {},
      );
      if (account.state === "pending") return reply.redirect(withNotice("/signin", "pending"), 303);
      const token = await ctx.services.sessions.create(account.id);
      startSession(reply, token);
      return reply.redirect("/home", 303);
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      return sendPage(
        ctx,
        request,
        reply,
        "Sign up",
        (pc) => signUpPage(pc, { mode, pow: pow(), values, error: e.publicMessage, fields: e.fields }),
        422,
      );
    }
  });

  app.get("/signin", async (request, reply) => {
    const next = safeBack((request.query as Record<string, unknown>).next, "/home");
    if (request.auth) return reply.redirect(next, 303);
    return sendPage(ctx, request, reply, "Sign in", (pc) => signInPage(pc, { handle: "", next }));
  });

  app.post("/signin", { preHandler: limitSignIns }, async (request, reply) => {
    const handle = field(request.body, "handle");
    const next = safeBack(field(request.body, "next"), "/home");
    try {
      const { token, approvedNow } = await ctx.services.sessions.signIn(handle, field(request.body, "password"));
      startSession(reply, token);
      return reply.redirect(approvedNow ? withNotice(next, "approved") : next, 303);
    } catch (e) {
      if (!(e instanceof PubliusError) || ![401, 403, 429].includes(e.status)) throw e;
      return sendPage(
        ctx,
        request,
        reply,
        "Sign in",
        (pc) => signInPage(pc, { handle, next, error: e.publicMessage }),
        e.status,
      );
    }
  });

  app.post("/signout", async (request, reply) => {
    await ctx.services.sessions.signOut(request.cookies[sessionCookieName(ctx)]);
    clearSessionCookie(ctx, reply);
    return reply.redirect(withNotice("/signin", "signedout"), 303);
  });
}
