// "Read more" on a long post unfolds it in place instead of opening its page (which it does without JavaScript).
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-unfold]") : null;
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  const body = document.getElementById(link.dataset.unfold);
  if (!body) return;
  event.preventDefault();
  body.classList.remove("folded");
  link.setAttribute("aria-expanded", "true");
  link.hidden = true;
  body.setAttribute("tabindex", "-1");
  body.focus({ preventScroll: true });
});
