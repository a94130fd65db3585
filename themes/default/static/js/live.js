// Live updates over Server-Sent Events: the bell's unread count and, on the dashboard, "N new posts".
// Everything here only enhances: without it the count is right on every page load.
document.addEventListener("DOMContentLoaded", () => {
  if (!document.body.classList.contains("signed-in") || !("EventSource" in window)) return;
  const filters = document.querySelector(".stream-filters");
  const isDashboard = window.location.pathname === "/" && filters !== null;
  // Containers the page shows (data-live-watch="group:12"): modules' live events for them come too.
  const watched = [...new Set([...document.querySelectorAll("[data-live-watch]")].map((element) => element.dataset.liveWatch))].slice(0, 5);
  const query = new URLSearchParams({ ...(isDashboard ? { stream: "dashboard" } : {}), ...(watched.length ? { watch: watched.join(",") } : {}) });
  const source = new EventSource(`/live/events${query.size ? `?${query}` : ""}`);
  const read = (event) => {
    try {
      return JSON.parse(event.data);
    } catch {
      return null;
    }
  };

  // A module's event: its own script listens with document.addEventListener("agora:live", ...).
  source.addEventListener("module", (event) => {
    const data = read(event);
    if (data) document.dispatchEvent(new CustomEvent("agora:live", { detail: data }));
  });

  source.addEventListener("unread", (event) => {
    const data = read(event);
    const badge = document.querySelector("[data-unread-count]");
    if (!data || !badge) return;
    badge.textContent = data.label;
    badge.hidden = data.count === 0;
  });

  source.addEventListener("posts", (event) => {
    const data = read(event);
    if (!data || !isDashboard) return;
    let banner = document.querySelector("[data-live-posts]");
    if (!banner) {
      banner = document.createElement("p");
      banner.className = "new-posts";
      banner.setAttribute("role", "status");
      banner.dataset.livePosts = "";
      const link = document.createElement("a");
      link.href = "/";
      banner.append(link);
      (document.querySelector("[data-new-posts]") ?? filters).after(banner);
    }
    banner.querySelector("a").textContent = data.text;
  });
});
