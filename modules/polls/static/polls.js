// Open pages showing a poll fetch their own view of its results when someone answers (host.live.publish in routes.ts).
document.addEventListener("agora:live", (event) => {
  const { module, name, data } = event.detail;
  if (module !== "polls" || name !== "results") return;
  for (const box of document.querySelectorAll(`[data-poll-results="${Number(data.contentId)}"]`)) {
    fetch(`/polls/${Number(data.contentId)}/results`, { headers: { accept: "text/html" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (html !== null) box.innerHTML = html;
      })
      .catch(() => {});
  }
});
