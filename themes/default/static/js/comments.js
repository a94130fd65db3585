// Progressive enhancement of reactions: a click toggles the reaction in place instead of reloading the
// page. Without this file every reaction button is a plain form post that comes back to the same page.
(() => {
  const chipFor = (option, count, isMine) => {
    const emoji = option.querySelector("[aria-hidden]")?.textContent ?? "";
    const label = option.textContent.replace(emoji, "").trim();
    const chip = document.createElement("button");
    chip.type = "submit";
    chip.name = "kind";
    chip.value = option.value;
    chip.className = `reaction-chip${isMine ? " is-mine" : ""}`;
    chip.title = label;
    chip.setAttribute("aria-pressed", String(isMine));
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = emoji;
    const name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = label;
    const number = document.createElement("span");
    number.className = "reaction-count";
    number.textContent = String(count);
    chip.append(icon, name, " ", number);
    return chip;
  };

  /** Redraws a reactions bar from the server's answer: { kind, total, counts, totalLabel }. */
  const redraw = (bar, form, answer) => {
    form.querySelectorAll(".reaction-chip").forEach((chip) => chip.remove());
    const picker = form.querySelector(".reaction-picker");
    for (const option of form.querySelectorAll(".reaction-option")) {
      const isMine = option.value === answer.kind;
      option.classList.toggle("is-mine", isMine);
      option.setAttribute("aria-pressed", String(isMine));
      const count = answer.counts[option.value] ?? 0;
      if (count > 0) form.insertBefore(chipFor(option, count, isMine), picker);
    }
    picker?.removeAttribute("open");
    let link = bar.querySelector(".reaction-who");
    if (answer.total > 0) {
      if (!link) {
        link = document.createElement("a");
        link.className = "reaction-who";
        link.href = bar.dataset.listUrl;
        bar.append(link);
      }
      link.textContent = answer.totalLabel;
    } else link?.remove();
  };

  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest(".reaction-form button[name='kind']") : null;
    if (!button) return;
    const form = button.form;
    const bar = form.closest("[data-reactions]");
    if (!bar || form.dataset.busy) return;
    event.preventDefault();
    form.dataset.busy = "1";
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ kind: button.value, _csrf: form.elements._csrf.value }),
      });
      if (!response.ok) throw new Error(`reaction refused: ${response.status}`);
      redraw(bar, form, await response.json());
    } catch {
      // Let the server answer with a page (an error page says why).
      const kind = document.createElement("input");
      kind.type = "hidden";
      kind.name = "kind";
      kind.value = button.value;
      form.append(kind);
      form.submit();
    } finally {
      delete form.dataset.busy;
    }
  });
})();
