// A small browser-based Mastodon client, as Elk or Phanpy would be: served from its own origin,
// it talks to the server only with a bearer token over CORS. Loaded by client.html; the server's
// origin comes from the page's ?server= parameter (kept in sessionStorage across the OAuth trip).
const here = new URL(location.href);
const server = here.searchParams.get("server") || sessionStorage.getItem("server");
sessionStorage.setItem("server", server);
const redirectUri = `${location.origin}/client.html`;
const results = { steps: [] };
window.__results = results;

function step(name, detail) {
  results.steps.push(detail === undefined ? name : `${name}: ${detail}`);
}

async function json(res, what) {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function start() {
  const app = await json(
    await fetch(`${server}/api/v1/apps`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_name: "Cross-origin test client",
        redirect_uris: redirectUri,
        scopes: "read write",
      }),
    }),
    "register app",
  );
  sessionStorage.setItem("app", JSON.stringify(app));
  step("registered app", app.client_id ? "ok" : "no client_id");
  const q = new URLSearchParams({
    client_id: app.client_id,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "read write",
  });
  location.href = `${server}/oauth/authorize?${q}`;
}

async function finish(code) {
  const app = JSON.parse(sessionStorage.getItem("app"));
  const token = await json(
    await fetch(`${server}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        client_id: app.client_id,
        client_secret: app.client_secret,
        redirect_uri: redirectUri,
        scope: "read write",
      }),
    }),
    "token",
  );
  const auth = { authorization: `Bearer ${token.access_token}` };
  step("token", token.token_type);

  const me = await json(await fetch(`${server}/api/v1/accounts/verify_credentials`, { headers: auth }), "me");
  step("signed in as", me.username);

  // Posts (JSON with a bearer token: a preflighted request).
  const posted = [];
  for (const n of [1, 2, 3]) {
    const s = await json(
      await fetch(`${server}/api/v1/statuses`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json", "idempotency-key": `cross-origin-${n}` },
        body: JSON.stringify({ status: `cross-origin post ${n}`, visibility: "public" }),
      }),
      "post",
    );
    posted.push(s.id);
  }
  step("posted", posted.length);

  // The home timeline, two at a time, paging through the Link header (exposed to this origin).
  const seen = [];
  let url = `${server}/api/v1/timelines/home?limit=2`;
  let pages = 0;
  while (url && pages < 5) {
    const res = await fetch(url, { headers: auth });
    const page = await json(res, "home");
    const link = res.headers.get("link");
    const remaining = res.headers.get("x-ratelimit-remaining");
    if (pages === 0) step("rate limit readable", remaining !== null ? "yes" : "no");
    if (page.length === 0) break;
    seen.push(...page.map((s) => s.id));
    pages++;
    const next = link && /<([^>]+)>;\s*rel="next"/.exec(link);
    url = next ? next[1] : null;
  }
  step("home pages", pages);
  results.homeIds = seen;
  results.postedIds = posted;

  // The streaming socket: open it, post, and receive the update.
  const streamUrl = `${server.replace(/^http/, "ws")}/api/v1/streaming?stream=user`;
  const update = await new Promise((resolve, reject) => {
    const ws = new WebSocket(streamUrl, token.access_token);
    const timer = setTimeout(() => reject(new Error("no update on the stream")), 8000);
    ws.onerror = () => reject(new Error("the socket failed"));
    ws.onopen = async () => {
      step("socket", "open");
      await fetch(`${server}/api/v1/statuses`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ status: "streamed across origins", visibility: "public" }),
      });
    };
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.event === "update" && JSON.parse(m.payload).content.includes("streamed across origins")) {
        clearTimeout(timer);
        ws.close();
        resolve(m.event);
      }
    };
  });
  step("stream", update);

  // What this origin must NOT get: the signed-in web pages (the browser sends the session cookie,
  // but without CORS headers the answer is unreadable).
  for (const path of ["/home", "/settings", "/settings/privacy.json"]) {
    try {
      const res = await fetch(`${server}${path}`, { credentials: "include" });
      step(`read ${path}`, `READABLE ${res.status}`);
    } catch {
      step(`read ${path}`, "blocked");
    }
  }
  // A credentialed API call is refused by the browser too: the API never allows credentials.
  try {
    await fetch(`${server}/api/v1/instance`, { credentials: "include" });
    step("credentialed api", "READABLE");
  } catch {
    step("credentialed api", "blocked");
  }
  results.done = true;
}

const code = here.searchParams.get("code");
(code ? finish(code) : start()).catch((e) => {
  results.error = String(e?.message ?? e);
  results.done = true;
});
