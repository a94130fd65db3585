// Stream enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Drafts: what is typed in a composer is kept in this browser until it is published, so a crash,
  // a closed tab or an expired session never loses it.
  document.querySelectorAll("form[data-draft]").forEach((form) => {
    const key = `agora.draft.${form.dataset.draft}`;
    // Cleared once the post is accepted: the next page shows the "published" message.
    if (document.querySelector(".flash-success")) window.localStorage.removeItem(key);
    const fields = [...form.querySelectorAll("input[name=title], textarea[name=body]")];
    let saved = {};
    try {
      saved = JSON.parse(window.localStorage.getItem(key) || "{}");
    } catch {
      saved = {};
    }
    fields.forEach((field) => {
      if (!field.value && saved[field.name]) {
        field.value = saved[field.name];
        // A kept draft shows: the light composer opens on it.
        const box = form.closest("details.composer-box");
        if (box) box.open = true;
      }
      field.addEventListener("input", () => {
        const draft = Object.fromEntries(fields.map((f) => [f.name, f.value]));
        if (Object.values(draft).some(Boolean)) window.localStorage.setItem(key, JSON.stringify(draft));
        else window.localStorage.removeItem(key);
      });
    });
  });

  // Composer kinds: each tab is a link to the page with that kind open; here it switches the form in place
  // (the kind's fields, the text box and file input it takes, where the form posts, the places it may go).
  document.querySelectorAll("form[data-composer-kinds]").forEach((form) => {
    const tabs = [...form.querySelectorAll(".composer-kinds a[data-kind]")];
    const text = form.querySelector("[data-composer-text]");
    const body = text && text.querySelector("textarea");
    const label = text && text.querySelector("label");
    const files = form.querySelector("[data-composer-files]");
    const target = form.querySelector("select[name=target]");
    const open = (tab) => {
      const kind = tab.dataset.kind;
      tabs.forEach((other) => (other === tab ? other.setAttribute("aria-current", "true") : other.removeAttribute("aria-current")));
      form.querySelectorAll("fieldset.composer-kind[data-kind]").forEach((fields) => {
        fields.hidden = fields.dataset.kind !== kind;
        fields.disabled = fields.hidden;
      });
      form.action = tab.dataset.action;
      if (body) {
        text.hidden = tab.dataset.text === "none";
        body.disabled = text.hidden;
        body.required = tab.dataset.text === "required";
        label.textContent = tab.dataset.textLabel;
      }
      if (files) {
        files.hidden = tab.dataset.files !== "yes";
        files.disabled = files.hidden;
      }
      if (target) {
        const options = [...target.options];
        options.forEach((option) => {
          option.disabled = Boolean(option.dataset.kinds) && !option.dataset.kinds.split(" ").includes(kind);
          option.hidden = option.disabled;
        });
        if (target.selectedOptions[0] && target.selectedOptions[0].disabled) target.value = (options.find((option) => !option.disabled) || {}).value;
      }
    };
    tabs.forEach((tab) =>
      tab.addEventListener("click", (event) => {
        event.preventDefault();
        open(tab);
        window.history.replaceState(window.history.state, "", tab.href);
      }),
    );
  });

  // "Load more" becomes infinite scroll: the next page is fetched as a fragment and appended.
  const loadMore = (link) => {
    if (link.dataset.loading) return;
    link.dataset.loading = "1";
    const url = new URL(link.href, window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, { credentials: "same-origin", headers: { accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
      .then((html) => {
        const holder = document.createElement("div");
        holder.innerHTML = html;
        const page = holder.querySelector(".stream-page");
        const container = link.closest(".load-more");
        if (page && container) container.replaceWith(...page.childNodes);
        observe();
      })
      .catch(() => {
        // The plain link still works.
        delete link.dataset.loading;
        window.location.href = link.href;
      });
  };
  const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => entries.forEach((entry) => entry.isIntersecting && loadMore(entry.target)), { rootMargin: "400px" }) : null;
  const observe = () => document.querySelectorAll("a[data-load-more]:not([data-observed])").forEach((link) => {
    link.dataset.observed = "1";
    observer?.observe(link);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      loadMore(link);
    });
  });
  observe();
});
