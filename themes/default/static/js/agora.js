// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // On small screens the navigation starts folded; on wide screens it is always shown by CSS.
  const sidebar = document.querySelector("details.sidebar");
  if (sidebar && window.matchMedia("(max-width: 47.99rem)").matches) sidebar.removeAttribute("open");
  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details.user-menu[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  // Forms that ask for confirmation (data-confirm) before a destructive action.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
