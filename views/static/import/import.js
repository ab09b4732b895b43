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
