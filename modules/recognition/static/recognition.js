// Recognition: the wall offers new kudos as they come (host.live); the office display fetches its list again every 20 s.
document.addEventListener("agora:live", (event) => {
  const { module, name } = event.detail;
  if (module !== "recognition" || name !== "kudos") return;
  const notice = document.querySelector("[data-recognition-new]");
  if (notice) notice.hidden = false;
});
(function refreshDisplay() {
  const list = document.querySelector("[data-recognition-display]");
  if (!list) return;
  setInterval(async () => {
    try {
      const response = await fetch(`${location.pathname}?partial=1`, { headers: { accept: "text/html" }, credentials: "omit" });
      if (response.status === 404) list.innerHTML = "";
      else if (response.ok) list.innerHTML = await response.text();
    } catch {
      /* the next round tries again; the page also reloads itself every two minutes */
    }
  }, 20000);
})();
