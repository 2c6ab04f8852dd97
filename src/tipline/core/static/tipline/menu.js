/* The header's menu on a narrow screen: a button that shows and hides the sections. Without
   this script the sections simply wrap under the bar (tipline.css), so the menu works anyway. */
(function () {
  "use strict";
  var button = document.querySelector("header.site .menu-toggle");
  var header = document.querySelector("header.site");
  if (!button || !header) {
    return;
  }
  header.classList.add("has-menu-toggle");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  });
})();
