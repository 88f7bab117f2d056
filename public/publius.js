// Publius: the one small script of the pages, and only an enhancement — every page and form works
// the same without it (Tor Browser at "Safest" never runs it). With it:
// - Like, Repost, Bookmark and Follow happen in place: the form is sent as it would be, the page it
//   leads back to is read, and the post (or profile) is swapped for its new state. Focus stays on
//   the button. Any failure falls back to the ordinary submission.
// - The compose box shows how many characters are left, counted as the server counts them
//   (characters as a person sees them; every link as 23).
(() => {
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.inplace) return;
    const holder = form.closest("article[id], section[id]");
    if (!holder || !window.fetch || !window.DOMParser) return;
    event.preventDefault();
    const kind = form.dataset.inplace;
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        redirect: "follow",
      });
      if (!response.ok) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(holder.id);
      if (!fresh) throw new Error("not on the page");
      const id = holder.id;
      holder.replaceWith(document.importNode(fresh, true));
      const again = document.getElementById(id)?.querySelector(`form[data-inplace="${kind}"] button`);
      if (again instanceof HTMLElement) again.focus();
    } catch {
      if (button) button.disabled = false;
      form.submit();
    }
  });

  const segmenter = window.Intl?.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : undefined;
  const length = (text) => {
    const linksAs23 = text.replace(/https?:\/\/[^\s<>"]+/gi, "x".repeat(23));
    return segmenter ? [...segmenter.segment(linksAs23)].length : [...linksAs23].length;
  };
  for (const area of document.querySelectorAll("textarea[data-counter]")) {
    const max = Number(area.dataset.counter);
    const out = area.form?.querySelector("output.counter");
    if (!out || !max) continue;
    const count = () => {
      const left = max - length(area.value);
      out.hidden = false;
      out.textContent = left >= 0 ? `${left} left` : `${-left} too many`;
      out.classList.toggle("over", left < 0);
    };
    area.addEventListener("input", count);
    count();
  }
})();
