// documents: upload forms send with a progress bar and take files dropped on them. Without JavaScript
// the same forms post as they are (the server answers with a redirect either way).
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
      progress.hidden = false;
      request.upload.addEventListener("progress", (step) => {
        if (step.lengthComputable) progress.value = Math.round((step.loaded / step.total) * 100);
      });
      // The server redirects to the folder (or shows the refusal): show whatever page it answered with.
      request.addEventListener("load", () => {
        if (request.responseURL && request.status < 400) window.location.assign(request.responseURL);
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
