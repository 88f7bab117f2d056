// Publius sign-up: solves the page's proof-of-work challenge, so that open registration costs an
// automated sign-up some seconds of computing while a person barely notices. Finds a counter such
// that SHA-256(challenge + ":" + counter) starts with the required number of zero bits, in small
// batches so that the page stays responsive. Without JavaScript this file never runs, and the page
// offers an invite code or an application to the staff instead.

(() => {
  const form = document.querySelector("form[data-pow-bits]");
  if (!form || !globalThis.crypto?.subtle) return;
  const bits = Number(form.getAttribute("data-pow-bits"));
  const challenge = form.querySelector('input[name="pow_challenge"]')?.value ?? "";
  const answer = form.querySelector('input[name="pow_counter"]');
  const status = document.getElementById("pow-status");
  const button = form.querySelector('button[type="submit"]');
  if (!answer || !status || !button || !challenge) return;
  const encoder = new TextEncoder();
  const BATCH = 1024;

  const zeroBits = (bytes) => {
    let left = bits;
    let i = 0;
    while (left >= 8) {
      if (bytes[i] !== 0) return false;
      i += 1;
      left -= 8;
    }
    return left === 0 || bytes[i] >> (8 - left) === 0;
  };

  const say = (text) => {
    status.hidden = false;
    status.textContent = text;
  };

  let wantsSubmit = false;
  let solved = false;
  button.disabled = true;
  say("Checking that you are not a robot… (this takes a few seconds)");
  // Enter in a field still sends the form once the answer is found.
  form.addEventListener("submit", (event) => {
    if (solved) return;
    event.preventDefault();
    wantsSubmit = true;
  });

  // One batch: its digests run together, then the first solution among them, if any.
  const work = async (start) => {
    const tries = [];
    for (let counter = start; counter < start + BATCH; counter++) {
      tries.push(crypto.subtle.digest("SHA-256", encoder.encode(`${challenge}:${counter}`)));
    }
    const digests = await Promise.all(tries);
    const found = digests.findIndex((digest) => zeroBits(new Uint8Array(digest)));
    return found < 0 ? -1 : start + found;
  };

  const run = async () => {
    let start = 0;
    for (;;) {
      const found = await work(start);
      if (found >= 0) {
        answer.value = String(found);
        solved = true;
        button.disabled = false;
        say("Check done: you can sign up now.");
        if (wantsSubmit) form.requestSubmit(button);
        return;
      }
      start += BATCH;
      say(`Checking that you are not a robot… ${start.toLocaleString()} tries so far.`);
      // Let the page breathe between batches.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  run().catch(() => {
    button.disabled = false;
    say("Your browser could not finish the check. Use an invite code or ask the staff to let you in below.");
  });
})();
