// Issue 9, finding 19, as it was demonstrated: in a real Chromium, a page on another port of the same
// host (127.0.0.1) plants `publius_csrf` for the paths /statuses and /oauth/authorize and submits
// forms with the same value while the victim is signed in. Both must now be refused (403), nothing
// published, no code issued; and the victim's own forms still work with the planted cookie present.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { test } from "node:test";
import { browserSkipReason, launchBrowser, publish, signUp, startServer, watchedContext } from "./harness.ts";

const skip = browserSkipReason();
const PLANTED = "A".repeat(43);

function attackPage(target: string, fields: Record<string, string>, cookiePath: string): string {
  const inputs = Object.entries({ csrf: PLANTED, ...fields })
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, "&quot;")}">`)
    .join("");
  return `<!doctype html><title>next door</title>
<form id="f" method="post" action="${target}">${inputs}</form>
<script>
document.cookie = "publius_csrf=${PLANTED}; path=${cookiePath}";
document.getElementById("f").submit();
</script>`;
}

test("a page on another port of the same host cannot post or approve an app as the signed-in person", {
  skip,
  timeout: 90_000,
}, async (t) => {
  const server = await startServer();
  const pages = new Map<string, string>();
  const nextDoor: Server = createServer((req, res) => {
    const body = pages.get(req.url ?? "");
    res.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(body ?? "");
  });
  await new Promise<void>((resolve) => nextDoor.listen(0, "127.0.0.1", resolve));
  const address = nextDoor.address();
  const attacker = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await new Promise((resolve) => nextDoor.close(resolve));
    await server.close();
  });

  // The attacker's app, registered through the API like any client.
  const registered = await fetch(`${server.origin}/api/v1/apps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "Next door", redirect_uris: `${attacker}/callback`, scopes: "read write" }),
  });
  assert.equal(registered.status, 200);
  const app = (await registered.json()) as { client_id: string };

  pages.set(
    "/post.html",
    attackPage(
      `${server.origin}/statuses`,
      { text: "Published by the page next door", visibility: "public", idempotency: "next-door" },
      "/statuses",
    ),
  );
  pages.set(
    "/approve.html",
    attackPage(
      `${server.origin}/oauth/authorize`,
      {
        response_type: "code",
        client_id: app.client_id,
        redirect_uri: `${attacker}/callback`,
        scope: "read write",
        decision: "approve",
      },
      "/oauth/authorize",
    ),
  );

  // The victim signs up with the server's own forms (JavaScript on: the attack page needs it).
  const victim = await watchedContext(browser, server.origin, { javaScriptEnabled: true });
  const page = victim.page;
  await signUp(page, "victim");

  for (const [path, target] of [
    ["/post.html", "/statuses"],
    ["/approve.html", "/oauth/authorize"],
  ] as const) {
    const answered = page.waitForResponse((r) => r.url() === `${server.origin}${target}`);
    await page.goto(`${attacker}${path}`);
    const response = await answered;
    assert.equal(response.status(), 403, `${target} from next door`);
    assert.equal((await response.request().allHeaders())["sec-fetch-site"], "same-site", "Chromium calls it same-site");
    const planted = (await victim.context.cookies(`${server.origin}${target}`)).find(
      (c) => c.name === "publius_csrf" && c.path === target,
    );
    assert.equal(planted?.value, PLANTED, "the cookie was planted, as in the demonstration");
    assert.ok(!page.url().startsWith(`${attacker}/callback`), "no code went to the attacker");
  }

  const timeline = await fetch(`${server.origin}/api/v1/timelines/public`);
  assert.doesNotMatch(await timeline.text(), /page next door/, "nothing was published");
  const approvals = await server.tablesContaining(app.client_id);
  assert.deepEqual(approvals, ["oauth_apps"], "no code nor token for the attacker's app");

  // The victim's own forms still work, planted cookie and all.
  const path = await publish(page, "Still mine to write");
  assert.match(path, /^\/@victim\/\d+$/);
});
