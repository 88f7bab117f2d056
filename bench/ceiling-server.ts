// The ceiling: a bare Fastify hello-world, run as its own process like the real server, so the
// benchmark can say how close Publius comes to what Fastify and this machine can do at all.
import Fastify from "fastify";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write("usage: node bench/ceiling-server.ts PORT\n");
  process.exit(2);
}
const app = Fastify({ logger: false });
app.get("/", async () => ({ hello: "world" }));
await app.listen({ port, host: "127.0.0.1" });
const stop = () => {
  app.close().then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
