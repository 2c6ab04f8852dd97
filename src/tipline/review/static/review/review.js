/* Review pages: keyboard shortcuts and press-and-hold to reveal. Vendored, no dependencies.
   The clear file is fetched with a POST only while the button (or the h key) is held, shown
   from a blob URL, and dropped (URL revoked) as soon as it is released. */
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-review-item]"));
  var current = items.length ? 0 : -1;
  var shown = null; // {item, url, node, token}
  var counter = 0;

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function select(i) {
    if (!items.length) return;
    hide();
    current = Math.max(0, Math.min(items.length - 1, i));
    items.forEach(function (el, k) { el.classList.toggle("current", k === current); });
    items[current].scrollIntoView({ block: "nearest" });
  }

  function reveal(item) {
    if (!item || !item.dataset.reveal) return;
    hide();
    var token = ++counter;
    shown = { item: item, url: null, node: null, token: token };
    fetch(item.dataset.reveal, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "X-CSRFToken": csrf() }
    }).then(function (r) {
      if (!r.ok) throw new Error("reveal refused");
      return r.blob();
    }).then(function (blob) {
      if (!shown || shown.token !== token) return; // released before it arrived
      var url = URL.createObjectURL(blob);
      var node;
      if (blob.type.indexOf("video/") === 0) {
        node = document.createElement("video");
        node.controls = true;
        node.muted = item.dataset.muted !== "0";
        node.autoplay = item.dataset.autoplay === "1";
        node.preload = "metadata";
      } else {
        node = document.createElement("img");
        node.alt = "revealed file";
      }
      node.src = url;
      var box = item.querySelector(".clear");
      box.appendChild(node);
      box.hidden = false;
      item.querySelector("img.protected").hidden = true;
      shown.url = url;
      shown.node = node;
    }).catch(function () { hide(); });
  }

  function hide() {
    if (!shown) return;
    var s = shown;
    shown = null;
    if (s.node) {
      if (s.node.pause) s.node.pause();
      s.node.remove();
    }
    if (s.url) URL.revokeObjectURL(s.url);
    var box = s.item.querySelector(".clear");
    if (box) box.hidden = true;
    var img = s.item.querySelector("img.protected");
    if (img) img.hidden = false;
  }

  items.forEach(function (item, k) {
    var hold = item.querySelector("[data-hold]");
    if (!hold) return;
    hold.addEventListener("pointerdown", function (e) { e.preventDefault(); select(k); reveal(item); });
    ["pointerup", "pointerleave", "pointercancel", "blur"].forEach(function (name) {
      hold.addEventListener(name, hide);
    });
  });
  window.addEventListener("blur", hide);
  document.addEventListener("visibilitychange", hide);

  function decide(letter) {
    var item = items[current];
    if (!item) return;
    var form = item.querySelector("[data-decide]");
    if (!form) return;
    var button = form.querySelector('[data-verdict="' + letter + '"]');
    if (letter === "c") {
      var category = form.querySelector("[data-category]");
      if (category && !category.value) { category.focus(); return; }
    }
    if (letter === "n" && !window.confirm(form.getAttribute("data-confirm-not-csam") || "Not CSAM?")) return;
    if (form.requestSubmit) form.requestSubmit(button); else button.click();
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    if (e.key === "j") { select(current + 1); }
    else if (e.key === "k") { select(current - 1); }
    else if ((e.key === "o" || e.key === "Enter") && items[current] && items[current].dataset.open) {
      window.location.href = items[current].dataset.open;
    }
    else if (e.key === "h") { if (!e.repeat) reveal(items[current]); }
    else if (e.key === "c" || e.key === "n" || e.key === "s") { decide(e.key); }
    else { return; }
    e.preventDefault();
  });
  document.addEventListener("keyup", function (e) { if (e.key === "h") hide(); });

  if (items.length) select(0);
})();
