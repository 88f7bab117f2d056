// Push delivery posts to a URL the client chose: a server-side request forgery vector. Endpoints
// must be https, name a host that resolves only to public addresses, and are connected to at the
// very address that was checked (so a DNS answer that changes between check and connect cannot
// point the request inside). Redirects are never followed. For tests, one explicit setting allows
// plain http to 127.0.0.1 and nothing else.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  PRIVATE.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 32],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  PRIVATE.addSubnet(net, bits, "ipv6");
}

/** Whether an address is one a push service could not be at (loopback, private, link-local, ...). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d, or ::ffff:0a00:0001 as URLs normalise it): judged as IPv4. (Node's
    // BlockList would match every IPv4 address against a ::ffff:0:0/96 rule, so there is none.)
    const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (dotted?.[1]) return isPrivateAddress(dotted[1]);
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hex?.[1] && hex[2]) {
      const hi = Number.parseInt(hex[1], 16);
      const lo = Number.parseInt(hex[2], 16);
      return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return PRIVATE.check(address, "ipv6");
  }
  return PRIVATE.check(address, "ipv4");
}

export interface EndpointRules {
  /** Tests only: http://127.0.0.1:<port>/… is allowed (and nothing else that is not public https). */
  allowLoopbackHttp: boolean;
}

export const MAX_ENDPOINT_LENGTH = 2000;

/** Why an endpoint is refused, or undefined when its form is acceptable (the address is checked at send time). */
export function endpointProblem(value: string, rules: EndpointRules): string | undefined {
  if (value.length > MAX_ENDPOINT_LENGTH) return `is longer than ${MAX_ENDPOINT_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.username || url.password) return "must not carry a user name or password";
  if (url.hash) return "must not have a fragment";
  if (rules.allowLoopbackHttp && url.protocol === "http:" && url.hostname === "127.0.0.1") return undefined;
  if (url.protocol !== "https:") return "must be an https URL";
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (isIP(host) !== 0) return isPrivateAddress(host) ? "must not point at a private address" : undefined;
  if (!host.includes(".") || /\.(localhost|local|internal|onion|home\.arpa)$/i.test(host) || host === "localhost") {
    return "must name a public host";
  }
  return undefined;
}

/** The address to connect to for an endpoint, checked; throws when there is none acceptable. */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

export async function vettedAddress(
  endpoint: string,
  rules: EndpointRules,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: 4 | 6 }> {
  const problem = endpointProblem(endpoint, rules);
  if (problem) throw new PushEndpointError(`the endpoint ${problem}`);
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (rules.allowLoopbackHttp && url.protocol === "http:" && host === "127.0.0.1") return { address: host, family: 4 };
  const literal = isIP(host);
  if (literal !== 0) return { address: host, family: literal as 4 | 6 };
  const answers = await resolve(host);
  if (answers.length === 0) throw new PushEndpointError("the endpoint's host does not resolve");
  // Every answer must be public: a host that answers with one private address is refused outright.
  if (answers.some((a) => isPrivateAddress(a.address))) {
    throw new PushEndpointError("the endpoint's host resolves to a private address");
  }
  const first = answers[0] as { address: string; family: number };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

export class PushEndpointError extends Error {
  override name = "PushEndpointError";
}
