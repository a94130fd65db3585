// Progressive enhancement of reactions and replies. Without this file every reaction chip is a plain form post
// that comes back to the same page, "React" opens the who-reacted page (where every kind can be chosen), and
// "Reply" opens the post's page with that thread's reply form.
(() => {
  /** The page's one set of reaction buttons (layout.njk), copied under the "React" that was clicked. */
  const reactionOptions = () => document.getElementById("reaction-options")?.content ?? null;

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

  const closeChoice = (form) => {
    form.querySelector(".reaction-options")?.remove();
    form.querySelector("[data-react]")?.setAttribute("aria-expanded", "false");
  };

  /** Opens the choice of kinds under "React", the viewer's own kind pressed; a second click closes it. */
  const toggleChoice = (add) => {
    const form = add.closest(".reaction-form");
    const options = reactionOptions();
    if (!form || !options) return false;
    if (form.querySelector(".reaction-options")) {
      closeChoice(form);
      return true;
    }
    document.querySelectorAll(".reaction-form").forEach(closeChoice);
    const mine = form.querySelector(".reaction-chip.is-mine")?.value ?? null;
    const box = document.createElement("div");
    box.className = "reaction-options";
    box.append(options.cloneNode(true));
    for (const option of box.querySelectorAll(".reaction-option")) {
      option.classList.toggle("is-mine", option.value === mine);
      option.setAttribute("aria-pressed", String(option.value === mine));
    }
    add.after(box);
    add.setAttribute("aria-expanded", "true");
    box.querySelector("button")?.focus();
    return true;
  };

  /** Redraws a reactions bar from the server's answer: { kind, total, counts, totalLabel }. */
  const redraw = (bar, form, answer) => {
    form.querySelectorAll(".reaction-chip").forEach((chip) => chip.remove());
    const add = form.querySelector("[data-react]");
    for (const option of reactionOptions()?.querySelectorAll(".reaction-option") ?? []) {
      const count = answer.counts[option.value] ?? 0;
      if (count > 0) form.insertBefore(chipFor(option, count, option.value === answer.kind), add);
    }
    closeChoice(form);
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

  const react = async (button) => {
    const form = button.form;
    const bar = form.closest("[data-reactions]");
    if (form.dataset.busy) return;
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
  };

  /**
   * "Reply" under a thread: a copy of the entry's own comment form, made a reply to that thread, opened in
   * place of the link (the same form the post's page shows; the server checks it as any other).
   */
  const openReply = (link) => {
    const section = link.closest(".comments");
    const template = section?.querySelector(":scope > form.comment-form");
    if (!section || !template) return false;
    const holder = link.closest(".comment-reply");
    const opened = holder.querySelector("form.comment-form");
    if (opened) {
      opened.querySelector("textarea")?.focus();
      return true;
    }
    const form = template.cloneNode(true);
    const parentId = link.dataset.reply;
    const parent = document.createElement("input");
    parent.type = "hidden";
    parent.name = "parentId";
    parent.value = parentId;
    form.elements._csrf.after(parent);
    // Ids must stay unique on the page: every id and reference to one gets this thread's suffix.
    for (const element of form.querySelectorAll("[id], [for], [aria-describedby]")) {
      for (const attribute of ["id", "for", "aria-describedby"]) {
        const value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replace(/-new(?=$|-)/, `-${parentId}`));
      }
    }
    form.querySelectorAll(".error, .flash").forEach((message) => message.remove());
    const body = form.querySelector("textarea");
    body.value = "";
    body.removeAttribute("aria-invalid");
    body.placeholder = section.dataset.replyPlaceholder ?? body.placeholder;
    const label = form.querySelector(`label[for="${body.id}"]`);
    if (label && section.dataset.replyLabel) label.textContent = section.dataset.replyLabel;
    const submit = form.querySelector("button[type='submit']");
    if (submit && section.dataset.replySubmit) submit.textContent = section.dataset.replySubmit;
    form.querySelectorAll("input[type='file']").forEach((input) => (input.value = ""));
    holder.append(form);
    link.setAttribute("aria-expanded", "true");
    body.focus();
    return true;
  };

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const button = target?.closest(".reaction-form button[name='kind']");
    if (button) {
      // Outside a bar the form posts as it would without this file; a second click while one is on its way does nothing.
      if (!button.form.closest("[data-reactions]")) return;
      event.preventDefault();
      react(button);
      return;
    }
    const add = target?.closest("[data-react]");
    if (add) {
      if (toggleChoice(add)) event.preventDefault();
      return;
    }
    const reply = target?.closest("[data-reply]");
    if (reply) {
      if (openReply(reply)) event.preventDefault();
      return;
    }
    // A click elsewhere closes an open choice of reactions.
    if (!target?.closest(".reaction-options")) document.querySelectorAll(".reaction-form").forEach(closeChoice);
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const form = document.activeElement?.closest?.(".reaction-form");
    if (form?.querySelector(".reaction-options")) {
      closeChoice(form);
      form.querySelector("[data-react]")?.focus();
    }
  });
})();
