import type { Status } from "../../domain/status.ts";
import { composeForm, defaultCompose } from "./compose.ts";
import { html, type SafeHtml } from "./html.ts";
import type { PageContext } from "./page.ts";
import { type PagerState, pager, statusList } from "./status.ts";

export function timelinePage(
  pc: PageContext,
  p: {
    title: string;
    intro?: string;
    statuses: Status[];
    basePath: string;
    empty: string;
    compose?: boolean;
    paging: PagerState;
  },
): SafeHtml {
  return html`<h1>${p.title}</h1>
${p.intro ? html`<p class="intro">${p.intro}</p>` : ""}
${p.compose && pc.me ? html`<section class="panel compose" aria-labelledby="compose-heading"><h2 id="compose-heading">New post</h2>${composeForm(pc, { values: defaultCompose() })}</section>` : ""}
<section aria-label="${p.title}">
${statusList(pc, p.statuses, p.empty)}
${pager(p.basePath, p.statuses, p.paging)}
</section>`;
}
