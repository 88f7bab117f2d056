// /api/v1/streaming: the Mastodon streaming API over WebSocket (one connection, many streams,
// {"type":"subscribe",...} messages) and as server-sent events (one stream per request). What each
// stream carries is decided by the fan-out (services/streaming/fanout.ts) with the timelines' own
// rules; this module only authenticates, subscribes to the viewer's hub channels and writes the
// messages out in Mastodon's shapes.
//
// The token comes as Sec-WebSocket-Protocol (what browsers and masto.js send), an Authorization
// header, or ?access_token= (never logged: the request log has only the route pattern).
import fastifyWebsocket from "@fastify/websocket";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import { hasScope } from "../../domain/scopes.ts";
import { normalizeTag } from "../../domain/text.ts";
import { notificationToApi } from "../../present/mastodon/notification.ts";
import { statusToApi } from "../../present/mastodon/status.ts";
import type { Authenticated } from "../../services/oauth/oauth.ts";
import { channelName, type StreamHub, type StreamListener, type StreamMessage } from "../../services/streaming/hub.ts";
import { rehome, requestOrigin } from "../origin.ts";

/** Server-sent events: a comment this often keeps proxies from closing an idle stream. */
const SSE_HEARTBEAT_MS = 15_000;
/** WebSocket: a ping this often; a client that has not answered the last one is dropped. */
const WS_PING_MS = 30_000;
/** A revoked token, or a suspended or deleted account, loses its streams within this time. */
const REAUTH_MS = 60_000;
/** After a close frame at shutdown, how long a client gets to answer before it is cut off. */
const CLOSE_GRACE_MS = 2_000;
/**
 * Each subscription costs memory and a hub channel, so a connection holds a bounded number, a token
 * a bounded number of open streams, and a tag a bounded length (no hashtag in a post is longer).
 * Real clients use a handful: the user stream, a public one, a few hashtags and lists.
 */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;
export const MAX_STREAMS_PER_TOKEN = 16;
export const MAX_TAG_LENGTH = 100;

interface StreamParams {
  tag?: string | undefined;
  list?: string | undefined;
}

interface ResolvedStream {
  /** Identifies the subscription within a connection (subscribing twice is once). */
  key: string;
  /** The `stream` field of each message, e.g. ["hashtag", "Publius"]. */
  label: string[];
  channels: string[];
  onlyMedia: boolean;
  /** A list stream: subscribing first checks that the list is the viewer's. */
  listId?: string;
}

type StreamError = { status: number; error: string };

/** A stream name and its parameters -> hub channels, with the scope rules of Mastodon's server. */
export function resolveStream(name: string, params: StreamParams, auth: Authenticated): ResolvedStream | StreamError {
  const viewerId = auth.viewer?.accountId ?? null;
  const scopes = auth.token.scopes;
  const plain = (channels: string[], onlyMedia = false): ResolvedStream => ({
    key: name,
    label: [name],
    channels,
    onlyMedia,
  });
  switch (name) {
    case "user":
    case "user:notification": {
      if (viewerId === null) return { status: 401, error: "This stream requires an authenticated user" };
      const notifications = hasScope(scopes, "read:notifications");
      if (name === "user") {
        if (!hasScope(scopes, "read:statuses"))
          return { status: 401, error: "Access token does not have the required scopes" };
        // Notifications join the user stream only when the token may read them (as in Mastodon).
        return plain([channelName.home(viewerId), ...(notifications ? [channelName.notifications(viewerId)] : [])]);
      }
      if (!notifications) return { status: 401, error: "Access token does not have the required scopes" };
      return plain([channelName.notifications(viewerId)]);
    }
    // Without federation every post is local: "public" is "public:local", and remote is empty.
    case "public":
    case "public:local":
      return plain([channelName.local(viewerId)]);
    case "public:media":
    case "public:local:media":
      return plain([channelName.local(viewerId)], true);
    case "public:remote":
    case "public:remote:media":
      return plain([]);
    case "hashtag":
    case "hashtag:local": {
      const tag = params.tag?.replace(/^#/, "");
      if (!tag) return { status: 400, error: "Missing tag name parameter" };
      if (tag.length > MAX_TAG_LENGTH)
        return { status: 422, error: `Tag name is too long (at most ${MAX_TAG_LENGTH} characters)` };
      return {
        key: `${name}\n${normalizeTag(tag)}`,
        label: [name, params.tag as string],
        channels: [channelName.hashtag(viewerId, normalizeTag(tag))],
        onlyMedia: false,
      };
    }
    case "direct":
      // Publius keeps no private messages, so there are never any to stream.
      if (viewerId === null) return { status: 401, error: "This stream requires an authenticated user" };
      return plain([]);
    case "list": {
      if (!params.list) return { status: 400, error: "Missing list name parameter" };
      if (viewerId === null) return { status: 401, error: "This stream requires an authenticated user" };
      if (!hasScope(scopes, "read:lists"))
        return { status: 401, error: "Access token does not have the required scopes" };
      // Whether the list is the viewer's is asked of the database when subscribing (StreamSession).
      return {
        key: `list\n${params.list}`,
        label: [name, params.list],
        channels: [channelName.list(viewerId, params.list)],
        onlyMedia: false,
        listId: params.list,
      };
    }
    default:
      return { status: 400, error: "Unknown stream type" };
  }
}

type Output = (stream: string[], event: string, payload: string) => void;
/** Whether the list exists and belongs to the account. */
type ListCheck = (accountId: string, listId: string) => Promise<boolean>;
type Render = (message: StreamMessage) => { event: string; payload: string };

/** One connection's subscriptions. */
class StreamSession {
  readonly #hub: StreamHub;
  readonly #auth: Authenticated;
  readonly #render: Render;
  readonly #output: Output;
  readonly #ownsList: ListCheck;
  readonly #subscriptions = new Map<string, { channels: string[]; listener: StreamListener }>();
  #closed = false;

  constructor(hub: StreamHub, auth: Authenticated, render: Render, output: Output, ownsList: ListCheck) {
    this.#hub = hub;
    this.#auth = auth;
    this.#render = render;
    this.#output = output;
    this.#ownsList = ownsList;
  }

  async subscribe(name: string, params: StreamParams): Promise<StreamError | undefined> {
    const stream = resolveStream(name, params, this.#auth);
    if ("error" in stream) return stream;
    if (stream.listId !== undefined) {
      const accountId = this.#auth.viewer?.accountId;
      // Another's list and a missing one answer alike (as Mastodon's streaming server).
      if (!accountId || !(await this.#ownsList(accountId, stream.listId).catch(() => false)))
        return { status: 401, error: "Not authorized to stream this list" };
      if (this.#closed) return undefined;
    }
    if (this.#subscriptions.has(stream.key)) return undefined;
    if (this.#subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return {
        status: 429,
        error: `Too many subscriptions on this connection (at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION})`,
      };
    }
    // A stream of two channels (user: home and notifications) may hear of one deletion twice.
    const deleted: string[] = [];
    const listener: StreamListener = (message) => {
      if (message.event === "update" || message.event === "status.update") {
        if (stream.onlyMedia && message.status.media.length === 0) return;
      } else if (message.event === "delete") {
        if (deleted.includes(message.statusId)) return;
        deleted.push(message.statusId);
        if (deleted.length > 100) deleted.shift();
      }
      const { event, payload } = this.#render(message);
      this.#output(stream.label, event, payload);
    };
    for (const channel of stream.channels) this.#hub.subscribe(channel, listener);
    this.#subscriptions.set(stream.key, { channels: stream.channels, listener });
    return undefined;
  }

  unsubscribe(name: string, params: StreamParams): void {
    const stream = resolveStream(name, params, this.#auth);
    if ("error" in stream) return;
    const sub = this.#subscriptions.get(stream.key);
    if (!sub) return;
    for (const channel of sub.channels) this.#hub.unsubscribe(channel, sub.listener);
    this.#subscriptions.delete(stream.key);
  }

  unsubscribeAll(): void {
    this.#closed = true;
    for (const sub of this.#subscriptions.values()) {
      for (const channel of sub.channels) this.#hub.unsubscribe(channel, sub.listener);
    }
    this.#subscriptions.clear();
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h === "string" && /^bearer /i.test(h)) return h.slice(7).trim();
  return undefined;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  return undefined;
}

function paramsOf(request: FastifyRequest): StreamParams & { stream: string | undefined; onlyMedia: boolean } {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const onlyMedia = firstString(q.only_media);
  return {
    stream: firstString(q.stream),
    tag: firstString(q.tag),
    list: firstString(q.list),
    onlyMedia: onlyMedia === "true" || onlyMedia === "1",
  };
}

const SSE_STREAMS: Record<string, (p: { onlyMedia: boolean }) => string> = {
  "/api/v1/streaming/user": () => "user",
  "/api/v1/streaming/user/notification": () => "user:notification",
  "/api/v1/streaming/public": (p) => (p.onlyMedia ? "public:media" : "public"),
  "/api/v1/streaming/public/local": (p) => (p.onlyMedia ? "public:local:media" : "public:local"),
  "/api/v1/streaming/public/remote": (p) => (p.onlyMedia ? "public:remote:media" : "public:remote"),
  "/api/v1/streaming/hashtag": () => "hashtag",
  "/api/v1/streaming/hashtag/local": () => "hashtag:local",
  "/api/v1/streaming/list": () => "list",
  "/api/v1/streaming/direct": () => "direct",
};

export function streamingRoutes(api: FastifyInstance, ctx: AppContext): void {
  const hub = ctx.services.streaming.hub;
  const ownsList: ListCheck = async (accountId, listId) => (await ctx.services.lists.ownerOf(listId)) === accountId;
  /** The token each streaming request authenticated with, to check it again while it streams. */
  const tokens = new WeakMap<FastifyRequest, string>();
  /** How to end each open connection, for shutdown. */
  const open = new Set<() => void>();
  /** Open streams (WebSocket or SSE) per token id, against MAX_STREAMS_PER_TOKEN. */
  const perToken = new Map<string, number>();
  const tooManyStreams = (auth: Authenticated) => (perToken.get(auth.token.id) ?? 0) >= MAX_STREAMS_PER_TOKEN;
  const TOO_MANY_STREAMS = `Too many open streams for this access token (at most ${MAX_STREAMS_PER_TOKEN})`;
  /** Counts a stream for its token; the function given back uncounts it (once). */
  const countStream = (auth: Authenticated) => {
    const id = auth.token.id;
    perToken.set(id, (perToken.get(id) ?? 0) + 1);
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      const left = (perToken.get(id) ?? 1) - 1;
      if (left <= 0) perToken.delete(id);
      else perToken.set(id, left);
    };
  };

  // A message is rendered once per origin (public or onion) however many connections receive it.
  const rendered = new Map<string, WeakMap<StreamMessage, { event: string; payload: string }>>();
  const renderFor =
    (origin: string): Render =>
    (message) => {
      let cache = rendered.get(origin);
      if (!cache) {
        cache = new WeakMap();
        rendered.set(origin, cache);
      }
      let out = cache.get(message);
      if (!out) {
        let payload: string;
        if (message.event === "delete") payload = message.statusId;
        else if (message.event === "notification")
          payload = JSON.stringify(notificationToApi(origin, message.notification));
        else payload = JSON.stringify(statusToApi(origin, message.status));
        // Links stored in post HTML name the public origin; onion readers get the onion's.
        out = { event: message.event, payload: rehome(ctx.config, origin, payload) };
        cache.set(message, out);
      }
      return out;
    };

  const authenticate = async (request: FastifyRequest) => {
    const fromQuery = firstString((request.query as Record<string, unknown> | undefined)?.access_token);
    const protocol = request.headers["sec-websocket-protocol"];
    const fromProtocol = typeof protocol === "string" ? protocol.split(",")[0]?.trim() : undefined;
    const token = bearerToken(request) ?? fromQuery ?? fromProtocol;
    if (!token) throw new PubliusError(401, "Missing access token");
    const auth = request.api ?? (await ctx.services.oauth.authenticate(token));
    if (!auth) throw new PubliusError(401, "Invalid access token");
    // Refused before the upgrade, so the client sees a plain 429.
    if (tooManyStreams(auth)) throw new PubliusError(429, TOO_MANY_STREAMS);
    request.api = auth;
    tokens.set(request, token);
  };

  /** Ends the connection when its token stops being valid. */
  const watchToken = (request: FastifyRequest, end: () => void) => {
    const token = tokens.get(request);
    const timer = setInterval(() => {
      ctx.services.oauth.authenticate(token).then(
        (still) => {
          if (!still) end();
        },
        () => {},
      );
    }, REAUTH_MS);
    timer.unref();
    return () => clearInterval(timer);
  };

  api.register(async (scope) => {
    await scope.register(fastifyWebsocket, {
      options: { maxPayload: 64 * 1024 },
      // At shutdown every stream is ended (WebSockets with 1001 "going away", event streams
      // closed), so open connections do not hold the server open.
      preClose(this: FastifyInstance, done) {
        for (const end of [...open]) end();
        this.websocketServer.close(() => done());
      },
    });

    // Load balancers and clients ask here whether streaming works: it does not without the database.
    scope.get("/api/v1/streaming/health", async (_request, reply) => {
      const up = await ctx.services.instance.databaseAnswers();
      return reply
        .status(up ? 200 : 503)
        .type("text/plain; charset=utf-8")
        .send(up ? "OK" : "The database is unavailable.");
    });

    scope.get(
      "/api/v1/streaming",
      { websocket: true, preValidation: authenticate },
      (socket: WebSocket, request: FastifyRequest) => {
        const auth = request.api as Authenticated;
        // Several upgrades of one token may have passed the check together: the count decides.
        if (tooManyStreams(auth)) {
          socket.send(JSON.stringify({ status: 429, error: TOO_MANY_STREAMS }));
          socket.close(1008, "Too many open streams for this access token");
          return;
        }
        const uncount = countStream(auth);
        const render = renderFor(requestOrigin(ctx.config, request));
        const session = new StreamSession(
          hub,
          auth,
          render,
          (stream, event, payload) => {
            if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ stream, event, payload }));
          },
          ownsList,
        );
        const report = (error: StreamError | undefined) => {
          if (error && socket.readyState === socket.OPEN) socket.send(JSON.stringify(error));
        };
        // Messages are handled in order: a subscribe that waits on the database is not overtaken
        // by the unsubscribe sent after it.
        let pending: Promise<void> = Promise.resolve();
        const inOrder = (work: () => Promise<void> | void) => {
          pending = pending.then(work).catch(() => {});
        };

        let alive = true;
        const ping = setInterval(() => {
          if (!alive) return socket.terminate();
          alive = false;
          socket.ping();
        }, WS_PING_MS);
        ping.unref();
        socket.on("pong", () => {
          alive = true;
        });

        const end = () => {
          socket.close(1001, "The server is shutting down or the token is no longer valid");
          setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
        };
        const stopWatching = watchToken(request, end);
        open.add(end);
        socket.on("close", () => {
          uncount();
          open.delete(end);
          clearInterval(ping);
          stopWatching();
          session.unsubscribeAll();
        });

        socket.on("message", (data, isBinary) => {
          if (isBinary) return;
          let message: unknown;
          try {
            message = JSON.parse(data.toString());
          } catch {
            return; // as Mastodon: what cannot be read is ignored
          }
          if (!message || typeof message !== "object") return;
          const m = message as Record<string, unknown>;
          const stream = firstString(m.stream);
          if (!stream) return;
          const params = { tag: firstString(m.tag), list: firstString(m.list) };
          if (m.type === "subscribe") inOrder(async () => report(await session.subscribe(stream, params)));
          else if (m.type === "unsubscribe") inOrder(() => session.unsubscribe(stream, params));
        });

        const initial = paramsOf(request);
        const first = initial.stream;
        if (first) inOrder(async () => report(await session.subscribe(first, initial)));
      },
    );

    for (const [path, streamFor] of Object.entries(SSE_STREAMS)) {
      // No HEAD route: a HEAD request would open a stream that can never carry anything.
      const options = { preValidation: authenticate, exposeHeadRoute: false };
      scope.get(path, options, async (request: FastifyRequest, reply: FastifyReply) => {
        const params = paramsOf(request);
        const auth = request.api as Authenticated;
        const name = streamFor(params);
        const checked = resolveStream(name, params, auth);
        if ("error" in checked) throw new PubliusError(checked.status, checked.error);
        const listId = checked.listId;
        if (listId !== undefined && !(await ownsList(auth.viewer?.accountId ?? "", listId)))
          throw new PubliusError(401, "Not authorized to stream this list");
        if (tooManyStreams(auth)) throw new PubliusError(429, TOO_MANY_STREAMS);
        const uncount = countStream(auth);

        reply.hijack();
        const raw = reply.raw;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
        raw.writeHead(200, {
          ...headers,
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          // nginx would otherwise hold events back to fill its buffers.
          "x-accel-buffering": "no",
        });
        // Nothing is written once the stream has ended (a late message must not raise an error).
        const write = (text: string) => {
          if (!raw.writableEnded && !raw.destroyed) raw.write(text);
        };
        write(":)\n");
        const render = renderFor(requestOrigin(ctx.config, request));
        const session = new StreamSession(
          hub,
          auth,
          render,
          (_stream, event, payload) => {
            write(`event: ${event}\ndata: ${payload}\n\n`);
          },
          // Checked above, before the stream began.
          async () => true,
        );
        await session.subscribe(name, params);

        const heartbeat = setInterval(() => write(":thump\n"), SSE_HEARTBEAT_MS);
        heartbeat.unref();
        const end = () => raw.end();
        const stopWatching = watchToken(request, end);
        open.add(end);
        raw.on("close", () => {
          uncount();
          open.delete(end);
          clearInterval(heartbeat);
          stopWatching();
          session.unsubscribeAll();
        });
      });
    }
  });
}
