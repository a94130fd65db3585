// A live quiz's pages (participant, presenter, projector) fetch their own view again when the run moves or someone
// answers (host.live.publish in live/routes.ts sends ids and the step only). A participant's page waits for a move,
// so a half-chosen answer stays; without JavaScript each page has a refresh link.
document.addEventListener("agora:live", (event) => {
  const { module, name, data } = event.detail;
  if (module !== "polls" || name !== "live-quiz") return;
  for (const box of document.querySelectorAll(`[data-live-quiz="${Number(data.contentId)}"]`)) {
    if (box.dataset.liveQuizLeaving) continue;
    const shown = Number(box.querySelector("[data-live-quiz-step]")?.dataset.liveQuizStep ?? -1);
    if (box.dataset.liveQuizRole === "participant" && (data.change !== "move" || shown === Number(data.step))) continue;
    const url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, { headers: { accept: "text/html" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (html !== null) box.innerHTML = html;
      })
      .catch(() => {});
  }
});
// A form of the page is on its way (the presenter's move, an answer): the next page shows the new state, so no
// fetch is started that the navigation would cut short.
document.addEventListener("submit", (event) => {
  const box = event.target instanceof Element ? event.target.closest("[data-live-quiz]") : null;
  if (box) box.dataset.liveQuizLeaving = "1";
});
// Back on the page from the browser's history: it listens again.
window.addEventListener("pageshow", () => {
  for (const box of document.querySelectorAll("[data-live-quiz]")) delete box.dataset.liveQuizLeaving;
});
