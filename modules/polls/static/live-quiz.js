// A live quiz's pages (participant, presenter, projector) fetch their own view again when the run moves or someone
// answers (host.live.publish in live/routes.ts sends ids and the step only), and every 15 s besides (an event missed
// while the feed reconnected). A participant's page is redrawn only when the run moved, so a half-chosen answer
// stays; without JavaScript each page has a refresh link.
(function liveQuiz() {
  const stepIn = (root) => Number(root.querySelector("[data-live-quiz-step]")?.dataset.liveQuizStep ?? -1);
  const refresh = (box, { onlyIfMoved }) => {
    if (box.dataset.liveQuizLeaving) return;
    const url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, { headers: { accept: "text/html" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (html === null || box.dataset.liveQuizLeaving) return;
        const fresh = document.createElement("template");
        fresh.innerHTML = html;
        if (onlyIfMoved && stepIn(fresh.content) === stepIn(box)) return;
        if (box.innerHTML.trim() !== html.trim()) box.innerHTML = html;
      })
      .catch(() => {});
  };
  const isParticipant = (box) => box.dataset.liveQuizRole === "participant";

  document.addEventListener("agora:live", (event) => {
    const { module, name, data } = event.detail;
    if (module !== "polls" || name !== "live-quiz") return;
    for (const box of document.querySelectorAll(`[data-live-quiz="${Number(data.contentId)}"]`)) {
      if (isParticipant(box) && (data.change !== "move" || stepIn(box) === Number(data.step))) continue;
      refresh(box, { onlyIfMoved: false });
    }
  });
  document.addEventListener("DOMContentLoaded", () => {
    if (!document.querySelector("[data-live-quiz]")) return;
    setInterval(() => {
      for (const box of document.querySelectorAll("[data-live-quiz]")) refresh(box, { onlyIfMoved: isParticipant(box) });
    }, 15000);
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
})();
