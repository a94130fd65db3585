// Live updates over Server-Sent Events: the bell's unread count and, on the dashboard, "N new posts".
// Everything here only enhances: without it the count is right on every page load.
document.addEventListener("DOMContentLoaded", () => {
  if (!document.body.classList.contains("signed-in") || !("EventSource" in window)) return;
  const filters = document.querySelector(".stream-filters");
  const isDashboard = window.location.pathname === "/" && filters !== null;
  const source = new EventSource(`/live/events${isDashboard ? "?stream=dashboard" : ""}`);
  const read = (event) => {
    try {
      return JSON.parse(event.data);
    } catch {
      return null;
    }
  };

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
