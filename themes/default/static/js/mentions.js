// @mention autocomplete for fields marked data-mentions; without this file the fields are plain text.
// data-mentions (textareas): typing "@ana" offers people and inserts "@username ".
// data-mentions="single" (a one-person field): what is typed is looked up and replaced by the username.
(() => {
  let listCount = 0;

  const attach = (field) => {
    const isSingle = field.dataset.mentions === "single";
    const list = document.createElement("ul");
    list.className = "mention-suggestions";
    list.id = `mention-suggestions-${++listCount}`;
    list.setAttribute("role", "listbox");
    // A listbox needs a name: the field's own label says what is being completed.
    const label = field.labels?.[0]?.textContent?.trim() || field.getAttribute("aria-label");
    if (label) list.setAttribute("aria-label", label);
    list.hidden = true;
    document.body.appendChild(list);
    // ARIA 1.2 allows the combobox role (and so aria-expanded) on a one-line input only; a textarea
    // stays a textbox, which may still name its list (aria-controls) and its highlighted option.
    const isCombobox = field.tagName === "INPUT";
    const setExpanded = (isExpanded) => {
      if (isCombobox) field.setAttribute("aria-expanded", String(isExpanded));
    };
    if (isCombobox) field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", list.id);
    setExpanded(false);

    let people = [];
    let active = -1;
    let timer = 0;
    let sequence = 0;

    const close = () => {
      list.hidden = true;
      people = [];
      active = -1;
      setExpanded(false);
      field.removeAttribute("aria-activedescendant");
    };

    const highlight = (index) => {
      active = index;
      [...list.children].forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) field.setAttribute("aria-activedescendant", `${list.id}-${index}`);
    };

    const pick = (person) => {
      // The word under the caret now, not when the answer came: the user may have typed on since.
      const current = typed();
      if (!person || !current) return close();
      const { start, end } = current;
      const insert = isSingle ? person.username : `@${person.username} `;
      field.value = field.value.slice(0, start) + insert + field.value.slice(end);
      const caret = start + insert.length;
      field.focus();
      field.setSelectionRange(caret, caret);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      close();
    };

    const show = (found) => {
      // A newer answer for the same word must not move the highlight the user chose with the arrow keys.
      const chosen = people[active]?.username;
      people = found;
      list.replaceChildren();
      if (people.length === 0) return close();
      people.forEach((person, index) => {
        const item = document.createElement("li");
        item.id = `${list.id}-${index}`;
        item.setAttribute("role", "option");
        if (typeof person.photoUrl === "string" && person.photoUrl.startsWith("/")) {
          const image = document.createElement("img");
          image.src = person.photoUrl;
          image.alt = "";
          item.appendChild(image);
        }
        const text = document.createElement("span");
        const name = document.createElement("strong");
        name.textContent = person.displayName;
        const detail = document.createElement("small");
        detail.textContent = `@${person.username}${person.jobTitle ? ` · ${person.jobTitle}` : ""}`;
        text.append(name, detail);
        item.appendChild(text);
        // mousedown, not click: the field must not lose focus (and close the list) first.
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pick(person);
        });
        list.appendChild(item);
      });
      const box = field.getBoundingClientRect();
      list.style.left = `${Math.max(8, box.left + window.scrollX)}px`;
      list.style.top = `${box.bottom + window.scrollY + 2}px`;
      list.hidden = false;
      setExpanded(true);
      highlight(Math.max(0, people.findIndex((person) => person.username === chosen)));
    };

    /** What is being typed: the @word just before the caret (or the whole single field), and where it is. */
    const typed = () => {
      const caret = field.selectionStart ?? field.value.length;
      if (isSingle) {
        const value = field.value.trim().replace(/^@/, "");
        return value ? { query: value, start: 0, end: field.value.length } : null;
      }
      const match = /(?:^|[\s(])@([\p{L}\p{N}._-]{1,64})$/u.exec(field.value.slice(0, caret));
      return match ? { query: match[1], start: caret - match[1].length - 1, end: caret } : null;
    };

    field.addEventListener("input", () => {
      window.clearTimeout(timer);
      const current = typed();
      if (!current) return close();
      timer = window.setTimeout(() => {
        const mine = ++sequence;
        fetch(`/people/suggest?q=${encodeURIComponent(current.query)}`, { credentials: "same-origin", headers: { accept: "application/json" } })
          .then((response) => (response.ok ? response.json() : []))
          .then((found) => {
            // An older answer arriving late must not replace a newer one.
            if (mine !== sequence) return;
            show(Array.isArray(found) ? found : []);
          })
          .catch(close);
      }, 150);
    });

    field.addEventListener("keydown", (event) => {
      if (list.hidden || people.length === 0) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + people.length) % people.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pick(people[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    field.addEventListener("blur", () => window.setTimeout(close, 100));
  };

  // Fields added later (a reply form opened by comments.js, a page of entries loaded by stream.js) are
  // taken on when they first get the focus.
  const attached = new WeakSet();
  const attachOnce = (field) => {
    if (attached.has(field)) return;
    attached.add(field);
    attach(field);
  };
  const fields = "textarea[data-mentions], input[data-mentions]";
  const start = () => document.querySelectorAll(fields).forEach(attachOnce);
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof Element && event.target.matches(fields)) attachOnce(event.target);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
