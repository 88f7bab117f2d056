// An open server that asks web sign-ups for a proof of work tells apps their sign-ups are reviewed.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { apiClient, useApiSite } from "../helpers/api.ts";

describe("instance registrations with the sign-up proof of work on", () => {
  const site = useApiSite({ env: { PUBLIUS_REGISTRATION: "open", PUBLIUS_SIGNUP_POW_BITS: "18" } });

  test("v1 and v2 say approval is required for apps, and why", async () => {
    const api = apiClient(site.app);
    const v2 = (await api.get("/api/v2/instance")).json() as { registrations: Record<string, unknown> };
    assert.equal(v2.registrations.enabled, true);
    assert.equal(v2.registrations.approval_required, true);
    assert.match(String(v2.registrations.message), /website to join at once/);
    const v1 = (await api.get("/api/v1/instance")).json() as Record<string, unknown>;
    assert.equal(v1.approval_required, true);
  });
});

describe("instance registrations with the proof of work off", () => {
  const site = useApiSite({ env: { PUBLIUS_REGISTRATION: "open", PUBLIUS_SIGNUP_POW_BITS: "0" } });

  test("open means open", async () => {
    const v2 = (await apiClient(site.app).get("/api/v2/instance")).json() as { registrations: Record<string, unknown> };
    assert.equal(v2.registrations.approval_required, false);
    assert.equal(v2.registrations.message, null);
  });
});
