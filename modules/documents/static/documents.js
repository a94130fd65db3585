// documents: upload forms send with a progress bar and take files dropped on them. Without JavaScript
// the same forms post as they are and the server redirects.
(() => {
  for (const form of document.querySelectorAll("form[data-documents-upload]")) {
    const input = form.querySelector('input[type="file"]');
    const progress = form.querySelector(".documents-progress");
    form.addEventListener("dragover", (event) => {
      event.preventDefault();
      form.classList.add("is-dragging");
    });
    form.addEventListener("dragleave", () => form.classList.remove("is-dragging"));
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      form.classList.remove("is-dragging");
      if (input && event.dataTransfer && event.dataTransfer.files.length) input.files = event.dataTransfer.files;
    });
    form.addEventListener("submit", (event) => {
      if (!progress || typeof XMLHttpRequest === "undefined") return;
      event.preventDefault();
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      // The server then answers where to go instead of redirecting (the flash message waits for that page).
      request.setRequestHeader("X-Documents-Upload", "1");
      request.setRequestHeader("Accept", "text/html");
      progress.hidden = false;
      request.upload.addEventListener("progress", (step) => {
        if (step.lengthComputable) progress.value = Math.round((step.loaded / step.total) * 100);
      });
      // The server says where to go (or answers with the refusal's page, shown as it is).
      request.addEventListener("load", () => {
        let location = null;
        try {
          location = request.status < 400 ? JSON.parse(request.responseText).location : null;
        } catch {
          location = null;
        }
        if (typeof location === "string" && location.startsWith("/")) window.location.assign(location);
        else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener("error", () => form.submit());
      request.send(new FormData(form));
    });
  }
})()
