/* 匯入: a form marked js-once can be submitted only once; its button says what is happening meanwhile.
 * (The server refuses a second confirmation of the same upload anyway: its token is used up.)
 */
(function () {
  "use strict";
  document.querySelectorAll("form.js-once").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "true";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
        if (button.dataset.busy) {
          button.textContent = button.dataset.busy;
        }
      });
    });
  });
}());

/* A running import: poll its status, show the sheet and rows done; once it ends, load its result page. */
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status || status.state !== "running") {
          window.location.assign(box.dataset.doneUrl);
          return;
        }
        if (status.percent !== null && status.percent !== undefined) {
          bar.style.width = status.percent + "%";
          bar.setAttribute("aria-valuenow", status.percent);
        }
        text.textContent = status.message;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
}());
