// The image viewer: a tile of a post's gallery (attachmentList in stream/entry-macros.njk) opens its image in a modal
// <dialog> (layout.njk's <template id="gallery-viewer">) instead of leaving the page. Left/Right arrows, the on-screen
// buttons and a swipe move between the gallery's images; Escape or the close button closes it and focus goes back to
// the tile. Without JavaScript (or without the template) every tile stays a plain link to the full image.
(() => {
  const source = document.getElementById("gallery-viewer");
  if (!(source instanceof HTMLTemplateElement) || typeof HTMLDialogElement !== "function") return;
  // The grid shows four tiles and "+N" only now that the images past the fourth can be reached in the viewer.
  document.documentElement.classList.add("gallery-enhanced");

  let dialog = null;
  let parts = {};
  let items = [];
  let index = 0;
  let opener = null;

  function build() {
    dialog = source.content.firstElementChild.cloneNode(true);
    document.body.append(dialog);
    for (const name of ["counter", "position", "name", "original", "close", "stage", "image", "prev", "next"]) {
      parts[name] = dialog.querySelector(`[data-viewer-${name}]`);
    }
    parts.close.addEventListener("click", () => dialog.close());
    parts.prev.addEventListener("click", () => show(index - 1));
    parts.next.addEventListener("click", () => show(index + 1));
    dialog.addEventListener("keydown", onKey);
    dialog.addEventListener("close", onClose);
    listenForSwipes(parts.stage);
  }

  /** The gallery's images, hidden "+N" ones included: each tile's link, its file name and its full size. */
  function itemsOf(gallery) {
    return [...gallery.querySelectorAll("a.gallery-tile")].map((link) => {
      const image = link.querySelector("img");
      return { link, url: link.getAttribute("href"), name: image ? image.alt : "", width: link.dataset.width, height: link.dataset.height };
    });
  }

  function show(position) {
    index = (position + items.length) % items.length;
    const item = items[index];
    const image = parts.image;
    // A new element each time: the previous image never shows, stretched, while the next one loads.
    const next = image.cloneNode(false);
    next.src = item.url;
    next.alt = item.name;
    if (item.width && item.height) {
      next.width = Number(item.width);
      next.height = Number(item.height);
    } else {
      next.removeAttribute("width");
      next.removeAttribute("height");
    }
    image.replaceWith(next);
    parts.image = next;
    parts.counter.textContent = `${index + 1} / ${items.length}`;
    parts.position.textContent = dialog.dataset.position.replace("{current}", String(index + 1)).replace("{total}", String(items.length));
    parts.name.textContent = item.name;
    parts.original.href = item.url;
    const single = items.length < 2;
    parts.prev.hidden = single;
    parts.next.hidden = single;
    // The neighbours load now, so that moving on shows them at once.
    if (!single) for (const near of [items[(index + 1) % items.length], items[(index - 1 + items.length) % items.length]]) new Image().src = near.url;
  }

  function open(gallery, link) {
    if (!dialog) build();
    items = itemsOf(gallery);
    opener = link;
    show(Math.max(0, items.findIndex((item) => item.link === link)));
    dialog.showModal();
    parts.close.focus();
  }

  /** Tab and Shift+Tab go round the viewer's controls: a modal dialog alone would let focus out to the browser. */
  function keepFocusInside(event) {
    const controls = [...dialog.querySelectorAll("a[href], button")].filter((control) => !control.hidden);
    const first = controls[0];
    const last = controls[controls.length - 1];
    if (event.shiftKey ? document.activeElement !== first : document.activeElement !== last) return;
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  }

  function onKey(event) {
    if (event.key === "Tab") return keepFocusInside(event);
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const moves = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: items.length - 1 };
    if (!(event.key in moves) || items.length < 2) return;
    event.preventDefault();
    show(moves[event.key]);
  }

  function onClose() {
    parts.image.removeAttribute("src");
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  }

  /** A horizontal swipe on a touch screen (or with a pen or mouse drag) moves to the next or previous image. */
  function listenForSwipes(stage) {
    let start = null;
    stage.addEventListener("pointerdown", (event) => {
      if (event.isPrimary) start = { x: event.clientX, y: event.clientY, id: event.pointerId };
    });
    stage.addEventListener("pointercancel", () => {
      start = null;
    });
    stage.addEventListener("pointerup", (event) => {
      if (!start || event.pointerId !== start.id) return;
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      start = null;
      if (items.length < 2 || Math.abs(dx) < 40 || Math.abs(dx) < Math.abs(dy) * 1.5) return;
      show(dx < 0 ? index + 1 : index - 1);
    });
    // A dragged image would otherwise be picked up by the browser instead of swiped.
    stage.addEventListener("dragstart", (event) => event.preventDefault());
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a.gallery-tile") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
    const gallery = link.closest("[data-gallery]");
    if (!gallery) return;
    event.preventDefault();
    open(gallery, link);
  });
})();
