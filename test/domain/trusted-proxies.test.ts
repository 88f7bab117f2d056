import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/config.ts";

test("trusted proxies: none by default, addresses and CIDR ranges accepted, nonsense refused", () => {
  assert.deepEqual(loadConfig({}).trustedProxies, []);
  assert.deepEqual(loadConfig({ PUBLIUS_TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8,::1" }).trustedProxies, [
    "127.0.0.1",
    "10.0.0.0/8",
    "::1",
  ]);
  assert.throws(() => loadConfig({ PUBLIUS_TRUSTED_PROXIES: "everyone" }), ConfigError);
  assert.throws(() => loadConfig({ PUBLIUS_TRUSTED_PROXIES: "10.0.0.0/40" }), /not an address or CIDR range/);
});
