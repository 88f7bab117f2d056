// Sends one encrypted push message (RFC 8030 §5) to the address endpoint.ts vetted. The response
// body is never read beyond a few bytes; redirects are not followed; nothing about the request is
// logged.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { type EndpointRules, vettedAddress } from "./endpoint.ts";

export const PUSH_TIMEOUT_MS = 15_000;

export interface PushRequest {
  endpoint: string;
  headers: Record<string, string | number>;
  body: Buffer | null;
}

/** The push service's HTTP status; throws on a refused endpoint or a network failure. */
export async function sendPush(request: PushRequest, rules: EndpointRules): Promise<number> {
  const { address, family } = await vettedAddress(request.endpoint, rules);
  const url = new URL(request.endpoint);
  // Connects to the checked address whatever the name resolves to now; TLS still verifies the name.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<number>((resolve, reject) => {
    // The whole exchange has one deadline: a push service dripping bytes cannot hold the worker.
    const deadline = setTimeout(
      () => req.destroy(new Error("the push service did not answer in time")),
      PUSH_TIMEOUT_MS,
    );
    deadline.unref();
    const req = client.request(
      url,
      {
        method: "POST",
        headers: request.headers as http.OutgoingHttpHeaders,
        lookup: pinned,
        timeout: PUSH_TIMEOUT_MS,
        agent: false,
      },
      (res) => {
        clearTimeout(deadline);
        // Only the status matters; the body is not read at all.
        res.on("error", () => {});
        res.destroy();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("timeout", () => req.destroy(new Error("the push service did not answer in time")));
    req.on("error", (e) => {
      clearTimeout(deadline);
      reject(e);
    });
    req.end(request.body ?? undefined);
  });
}
