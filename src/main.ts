// read config -> open store -> migrate -> build app -> listen; graceful shutdown on SIGTERM/SIGINT.

import { buildApp } from "./app.ts";
import type { Config } from "./config/config.ts";
import { createContext } from "./context.ts";
import { HOUR } from "./domain/clock.ts";
import { createLogger } from "./http/logging.ts";
import { DRAIN_MS, installGracefulShutdown, SHUTDOWN_LIMIT_MS } from "./http/shutdown.ts";
import { migrate, openStore, secureDataDir } from "./store/store.ts";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  handleSignals?: boolean;
  /** Where log lines go (standard output unless given; tests capture them). */
  writeLog?: (line: string) => void;
}

export async function serve(config: Config, options: ServeOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.writeLog);
  // Files the server writes are its user's alone; an existing data folder open to others is closed.
  process.umask(0o077);
  const { tightenedFrom } = secureDataDir(config.dataDir);
  if (tightenedFrom !== undefined) {
    logger.info(`the data folder was mode ${tightenedFrom.toString(8).padStart(4, "0")}; it is now 0700`);
  }
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    timeoutMs: config.databaseTimeoutMs,
    sqliteSynchronous: config.sqliteSynchronous,
    onConnectionError: (message) => logger.error(message),
  });
  // Migrations may rightly run long on a big database: on PostgreSQL they get a connection without
  // the request timeouts (SQLite has none to lift).
  let applied: string[];
  if (config.databaseUrl) {
    const untimed = await openStore({ databaseUrl: config.databaseUrl, timeoutMs: 0 });
    try {
      applied = await migrate(untimed);
    } finally {
      await untimed.close();
    }
  } else applied = await migrate(store);
  if (applied.length) logger.info(`applied migrations: ${applied.join(", ")}`);
  const ctx = createContext({ config, store });
  const app = await buildApp(ctx, { logger });

  const housekeeping = async () => {
    try {
      await ctx.services.sessions.purgeExpired();
      // Apps with no token and no code, unused for a week (oauth.ts: expireUnusedApps).
      await ctx.services.oauth.purgeExpiredCodes();
      await ctx.services.oauth.expireUnusedApps();
      await store.db.deleteFrom("idempotency_keys").where("expires_at", "<", ctx.clock.now().toISOString()).execute();
      // Uploads never attached for a day, then every media file no row names any more.
      await ctx.services.media.purgeUnattached();
      // What was deleted since leaves the search index's pages and the WAL (SQLite).
      await ctx.services.forgetting.regularly();
    } catch (e) {
      logger.error("housekeeping failed", e);
    }
  };
  await housekeeping();
  // Account deletions a stopped process left midway finish now (the accounts are hidden meanwhile).
  const resuming = ctx.services.accounts.resumeDeletions().then(
    (n) => {
      if (n) logger.info(`finished deleting ${n} accounts whose deletion was interrupted`);
    },
    (e) => logger.error("finishing interrupted account deletions failed", e),
  );
  const timer = setInterval(housekeeping, HOUR);
  timer.unref();

  // Delayed and scheduled posts: the queue is in the database, so a restart loses nothing.
  let publishing = false;
  const publishDue = async () => {
    if (publishing) return;
    publishing = true;
    try {
      await ctx.services.scheduling.publishDue();
    } catch (e) {
      logger.error("publishing scheduled posts failed", e);
    } finally {
      publishing = false;
    }
  };
  await publishDue();
  const publisher = setInterval(publishDue, 15_000);
  publisher.unref();

  // Web Push: the queue is a table; new notifications are pushed soon after they are made, and a
  // round every 30 seconds sends retries and whatever a restart left. The VAPID key pair is made
  // on the first start (<dataDir>/vapid.key).
  ctx.services.push.vapid.keys();
  const pushRound = () => ctx.services.push.soon((e) => logger.error("sending push notifications failed", e));
  const unsubscribePush = ctx.events.subscribe((event) => {
    if (event.type === "notification.created") pushRound();
  });
  pushRound();
  const pushTimer = setInterval(pushRound, 30_000);
  pushTimer.unref();

  // Legal: the signing key exists from the first start; notices whose non-disclosure order ended
  // go out, and expired preservations are destroyed. Both queues are tables: restarts lose nothing.
  if (ctx.services.legal.key.ensure().created) {
    logger.info(`made the instance signing key: ${ctx.services.legal.key.info().fingerprint}`);
  }
  // TOTP secrets written before they were sealed at rest are sealed now (key: <dataDir>/secrets.key).
  const sealed = await ctx.services.legal.access.sealStoredSecrets();
  if (sealed) logger.info(`sealed ${sealed} second-factor secrets stored in clear`);
  let legalRunning = false;
  const legalDue = async () => {
    if (legalRunning) return;
    legalRunning = true;
    try {
      await ctx.services.legal.runDue();
    } catch (e) {
      logger.error("legal notices and preservation expiry failed", e);
    } finally {
      legalRunning = false;
    }
  };
  await legalDue();
  const legalTimer = setInterval(legalDue, 60_000);
  legalTimer.unref();

  const graceful = installGracefulShutdown(app);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    `Publius is serving ${config.publicUrl} on ${url} (${store.dialect === "sqlite" ? `SQLite in ${config.dataDir}` : "PostgreSQL"})`,
  );

  let closing: Promise<void> | undefined;
  /** drainMs: how long to keep answering (with Connection: close) before no longer accepting. */
  const close = (drainMs = 0) => {
    closing ??= (async () => {
      clearInterval(timer);
      clearInterval(publisher);
      clearInterval(legalTimer);
      clearInterval(pushTimer);
      unsubscribePush();
      // Answers what was accepted, stops accepting, lets requests in flight finish (at most
      // SHUTDOWN_LIMIT_MS), ends streams; then the database closes.
      const { cut } = await graceful.shutdown(drainMs);
      if (cut) logger.info(`shutdown: cut ${cut} connections still open after ${SHUTDOWN_LIMIT_MS / 1000} s`);
      // Live updates and media clean-up still under way finish before the database closes.
      await resuming;
      await ctx.services.streaming.settled();
      await ctx.services.media.settled();
      await ctx.services.forgetting.settled();
      await ctx.services.push.settled();
      await store.close();
      logger.info("Publius stopped");
    })();
    return closing;
  };
  if (options.handleSignals) {
    const onSignal = () => {
      logger.info(`shutting down: finishing requests in flight (at most ${SHUTDOWN_LIMIT_MS / 1000} s)`);
      // Whatever hangs after the bound (a database that does not answer its close) does not hold the exit.
      setTimeout(() => {
        logger.error("shutdown took too long; exiting now");
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS + 3000).unref();
      close(DRAIN_MS).then(
        () => process.exit(0),
        (e) => {
          logger.error("shutdown failed", e);
          process.exit(1);
        },
      );
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
  return { url, close: () => close() };
}
