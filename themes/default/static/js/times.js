// Relative times: every <time data-relative> of the last seven days reads "5 min ago" / "il y a 5 min"
// (the exact date stays in its title and datetime), kept current each minute, including entries that live
// updates add. Without JavaScript the page shows the exact date, which cached entries carry.
(() => {
  const lang = document.documentElement.lang || "en";
  // As the server says dates: British English for English (core/views/environment.ts).
  const locale = lang === "en" ? "en-GB" : lang;
  let format;
  try {
    format = new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "short" });
  } catch {
    return;
  }
  const steps = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7]];

  function relative(date, now) {
    let amount = (date.getTime() - now) / 1000;
    if (amount > 60) return null;
    for (const [unit, size] of steps) {
      if (Math.abs(amount) < size) return unit === "second" ? format.format(0, "second") : format.format(Math.round(amount), unit);
      amount /= size;
    }
    return null;
  }

  function refresh(root) {
    const now = Date.now();
    for (const element of root.querySelectorAll("time[data-relative]")) {
      const date = new Date(element.getAttribute("datetime"));
      if (Number.isNaN(date.getTime())) continue;
      const text = relative(date, now);
      // Past a week the exact date (the title) reads better, as the server writes it.
      const shown = text ?? element.getAttribute("title");
      if (shown && element.textContent !== shown) element.textContent = shown;
    }
  }

  refresh(document);
  setInterval(() => refresh(document), 60_000);
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) if (node.nodeType === 1) refresh(node);
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
