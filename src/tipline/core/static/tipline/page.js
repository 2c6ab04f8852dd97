/* The header's menu on a narrow screen: a button that shows and hides the sections. Without
   this script the sections simply wrap under the bar (tipline.css), so the menu works anyway.
   Also: a table box that scrolls sideways (a wide table on a narrow screen) is made
   reachable by keyboard, named after its table's caption or the heading before it. */
(function () {
  "use strict";
  var button = document.querySelector("header.site .menu-toggle");
  var header = document.querySelector("header.site");
  if (button && header) {
    header.classList.add("has-menu-toggle");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
  }

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim();
    }
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) {
        return el.textContent.trim();
      }
    }
    return document.title.split(" · ")[0];
  }

  function reachable() {
    var boxes = document.querySelectorAll("main .table-wrap, main table.data, main pre");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          if (box.tagName !== "TABLE") {
            box.setAttribute("role", "region");
          }
          box.setAttribute("aria-label", nameOf(box));
        }
      }
    });
  }

  reachable();
  window.addEventListener("resize", reachable);
})();
