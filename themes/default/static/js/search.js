// Autocomplete for the top search box (#top-search): people and groups as you type, from /search/suggest.
// Without this file the box is a plain GET form to /search. Enter without a highlighted item still submits it.
(() => {
  const start = () => {
    const field = document.getElementById("top-search");
    if (!field || !window.fetch) return;
    const list = document.createElement("ul");
    list.className = "mention-suggestions search-suggestions";
    list.id = "top-search-suggestions";
    list.setAttribute("role", "listbox");
    const label = field.labels?.[0]?.textContent?.trim();
    if (label) list.setAttribute("aria-label", label);
    list.hidden = true;
    document.body.appendChild(list);
    field.setAttribute("role", "combobox");
    field.setAttribute("autocomplete", "off");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", list.id);
    field.setAttribute("aria-expanded", "false");

    let items = [];
    let active = -1;
    let timer = 0;
    let sequence = 0;

    const close = () => {
      list.hidden = true;
      items = [];
      active = -1;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    };

    const highlight = (index) => {
      active = index;
      [...list.querySelectorAll("[role=option]")].forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) field.setAttribute("aria-activedescendant", `${list.id}-${index}`);
      else field.removeAttribute("aria-activedescendant");
    };

    // Only same-site paths are followed, whatever the answer holds.
    const isLocal = (url) => typeof url === "string" && /^\/(?![/\\])/.test(url);

    const option = (label, detail, url) => {
      const item = document.createElement("li");
      item.id = `${list.id}-${items.length}`;
      item.setAttribute("role", "option");
      const text = document.createElement("span");
      const name = document.createElement("strong");
      name.textContent = label;
      text.appendChild(name);
      if (detail) {
        const small = document.createElement("small");
        small.textContent = detail;
        text.appendChild(small);
      }
      item.appendChild(text);
      // mousedown, not click: the field must not lose focus (and close the list) first.
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        window.location.assign(url);
      });
      items.push(url);
      list.appendChild(item);
    };

    const heading = (label) => {
      if (!label) return;
      const item = document.createElement("li");
      item.setAttribute("role", "presentation");
      item.className = "muted";
      item.textContent = label;
      list.appendChild(item);
    };

    const show = (found, query) => {
      list.replaceChildren();
      items = [];
      const people = Array.isArray(found.people) ? found.people.filter((person) => isLocal(person.url)) : [];
      const containers = Array.isArray(found.containers) ? found.containers.filter((container) => isLocal(container.url)) : [];
      const labels = found.labels || {};
      if (people.length) heading(labels.people);
      people.forEach((person) => option(person.displayName, person.jobTitle || `@${person.username}`, person.url));
      if (containers.length) heading(labels.containers);
      containers.forEach((container) => option(container.name, "", container.url));
      if (items.length === 0) return close();
      option(`${labels.all || "→"} “${query}”`, "", `/search?q=${encodeURIComponent(query)}`);
      const box = field.getBoundingClientRect();
      list.style.left = `${Math.max(8, box.left + window.scrollX)}px`;
      list.style.top = `${box.bottom + window.scrollY + 2}px`;
      list.style.minWidth = `${box.width}px`;
      list.hidden = false;
      field.setAttribute("aria-expanded", "true");
      highlight(-1);
    };

    field.addEventListener("input", () => {
      window.clearTimeout(timer);
      const query = field.value.trim();
      if (query.length < 2) return close();
      timer = window.setTimeout(() => {
        const mine = ++sequence;
        fetch(`/search/suggest?q=${encodeURIComponent(query.slice(0, 64))}`, { credentials: "same-origin", headers: { accept: "application/json" } })
          .then((response) => (response.ok ? response.json() : {}))
          .then((found) => {
            // An older answer arriving late must not replace a newer one.
            if (mine === sequence) show(found || {}, query);
          })
          .catch(close);
      }, 150);
    });

    field.addEventListener("keydown", (event) => {
      if (list.hidden || items.length === 0) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight(active < 0 && step < 0 ? items.length - 1 : (active + step + items.length) % items.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(items[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    field.addEventListener("blur", () => window.setTimeout(close, 100));
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
