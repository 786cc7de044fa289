// Search as you type: an input with data-live fetches its list's rows (HTML rendered and
// escaped by the server) and replaces data-target's content with them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-live]")) {
    const target = document.querySelector(input.dataset.target);
    let timer = null;
    let asked = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const ask = ++asked;
        const query = new URLSearchParams({ q: input.value, fragment: "1" });
        const answer = await fetch(`${input.dataset.live}?${query}`, { credentials: "same-origin" });
        if (ask !== asked || !answer.ok) return;
        target.innerHTML = await answer.text();
        history.replaceState(null, "", `${input.dataset.live}?${new URLSearchParams({ q: input.value })}`);
      }, 150);
    });
  }
});
