import { html, type SafeHtml } from "./html.ts";
import { csrfField, type PageContext } from "./page.ts";

export function exportPage(pc: PageContext, handle: string): SafeHtml {
  return html`<h1>Download your data</h1>
<form method="post" action="/settings/export" class="panel">
  ${csrfField(pc)}
  <p>Download one archive (a <code>.tar.gz</code> file) of what you put into <strong>@${handle}</strong>: your profile, your posts with every earlier version of each, who you follow and who follows you, the posts you liked and bookmarked, and your images as this server stores them.</p>
  <p class="hint">The archive is made as it downloads: it is not kept on the server and the download is not logged. It holds no time finer than what Publius already shows. The archive's <code>README.txt</code> explains each file. See also <a href="/settings/privacy">what we hold about you</a>.</p>
  <button type="submit">Download my data</button>
</form>`;
}
