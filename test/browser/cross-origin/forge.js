// A hostile page on another port of the same host: it tries to post through the web's compose form
// with the visitor's session — first with a guessed token, then after planting its own CSRF cookie
// for the server's paths (cookies are not kept apart by port), the double-submit bypass.
const here = new URL(location.href);
const server = here.searchParams.get("server");
const mode = here.searchParams.get("mode");
const token = "A".repeat(43);
// biome-ignore lint/suspicious/noDocumentCookie: planting a cookie the way a hostile page would is the point
if (mode === "toss") document.cookie = `publius_csrf=${token}; path=/statuses`;
const form = document.createElement("form");
form.method = "post";
form.action = `${server}/statuses`;
for (const [name, value] of Object.entries({ text: `forged by ${mode}`, visibility: "public", csrf: token })) {
  const input = document.createElement("input");
  input.type = "hidden";
  input.name = name;
  input.value = value;
  form.append(input);
}
document.body.append(form);
form.submit();
