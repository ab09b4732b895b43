/* Flask-Admin's list controls (select-all and row check boxes, the search box) carry only a title or a
 * placeholder; give them an aria-label from it, so screen readers name them. Fields with a label are left alone.
 */
(function () {
  "use strict";
  document.querySelectorAll("input[title], input[placeholder]").forEach(function (input) {
    if (!input.labels.length && !input.hasAttribute("aria-label") && !input.hasAttribute("aria-labelledby")) {
      input.setAttribute("aria-label", input.title || input.placeholder);
    }
  });
}());
