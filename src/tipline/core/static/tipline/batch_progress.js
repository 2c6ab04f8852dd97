/* Import batch page: while the batch is queued or running, poll its progress endpoint and
   update the counts in place; when it finishes, reload once to show the full result. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || box.getAttribute("data-running") !== "1") {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var delay = 2000;

  function set(name, value) {
    var nodes = document.querySelectorAll('[data-progress="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].textContent = value === null || value === undefined ? "?" : String(value);
    }
  }

  function show(data) {
    ["status_label", "done", "total", "imported", "duplicates", "versions", "rejected"].forEach(
      function (name) { set(name, data[name]); }
    );
    var bar = document.querySelector('[data-progress="bar"]');
    if (bar && data.total) {
      bar.max = data.total;
      bar.value = data.done;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.running) {
          delay = 2000;
          window.setTimeout(poll, delay);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
