// Refresh the projector's counters every 10 seconds from its JSON endpoint. Without
// JavaScript the page has a "Refresh" link; with it, a failed poll just waits for the next.
(function () {
  "use strict";
  var root = document.querySelector("[data-counters-url]");
  if (!root || !window.fetch) { return; }
  var url = root.dataset.countersUrl;

  function update(data) {
    root.querySelectorAll("[data-counter]").forEach(function (cell) {
      var path = cell.dataset.counter.split(".");
      var group = data[path[0]];
      if (group && typeof group[path[1]] === "number") {
        cell.textContent = String(group[path[1]]);
      }
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { update(data); } })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  window.setInterval(poll, 10000);
})();
