// Recognition: the wall offers new kudos as they come (host.live); the office display hears its own live feed (below).
document.addEventListener("agora:live", (event) => {
  const { module, name } = event.detail;
  if (module !== "recognition" || name !== "kudos") return;
  const notice = document.querySelector("[data-recognition-new]");
  if (notice) notice.hidden = false;
});
// The office display: its list is fetched again as soon as its live feed (authorised by the display link)
// tells of a new kudos in the company stream, and every two minutes besides (a kudos deleted); without
// EventSource, every 20 s. A revoked link's feed ends and its list then answers 404: the screen empties.
(function refreshDisplay() {
  const list = document.querySelector("[data-recognition-display]");
  if (!list) return;
  const refresh = async () => {
    try {
      const response = await fetch(`${location.pathname}?partial=1`, { headers: { accept: "text/html" }, credentials: "omit" });
      if (response.status === 404) list.innerHTML = "";
      else if (response.ok) list.innerHTML = await response.text();
    } catch {
      /* the next round tries again; the page also reloads itself every two minutes without JavaScript */
    }
  };
  const feed = list.dataset.recognitionFeed;
  if (!feed || !("EventSource" in window)) {
    setInterval(refresh, 20000);
    return;
  }
  const source = new EventSource(feed);
  source.addEventListener("module", (event) => {
    const { module, name } = JSON.parse(event.data);
    if (module === "recognition" && name === "kudos") void refresh();
  });
  // The browser reconnects by itself after a dropped feed; an answer other than a stream (a revoked link) stops it.
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) void refresh();
  });
  setInterval(refresh, 120000);
})();
