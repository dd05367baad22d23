// Keep a hearing participant's submissions on the phone when the network drops, and send
// them when it returns. Each form carries an idempotency key made by the server, so the
// server writes a resent submission once and answers the same. Without JavaScript the
// forms post as usual. The messages come translated in #offline-status's data attributes.
(function () {
  "use strict";
  var STORE = "consult:hearing-outbox";
  var status = document.getElementById("offline-status");
  var forms = document.querySelectorAll("form[data-offline]");
  if (!status || !window.fetch || !window.localStorage || !window.URLSearchParams) { return; }
  var busy = false;

  function say(kind) {
    status.textContent = status.dataset[kind] || "";
    status.hidden = false;
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function store(items) {
    try { localStorage.setItem(STORE, JSON.stringify(items)); return true; } catch (e) { return false; }
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  function post(item) {
    return fetch(item.action, {
      method: "POST",
      body: item.body,
      credentials: "same-origin",
      // The server answers a landed submission with {"location"} instead of a redirect.
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Hearing-Offline": "1" }
    });
  }

  function landed(response) {
    var type = response.headers.get("Content-Type") || "";
    if (!response.ok || type.indexOf("application/json") !== 0) { return Promise.resolve(null); }
    return response.json().then(function (data) { return data.location || null; }, function () { return null; });
  }

  function keep(item, form) {
    var items = load();
    items.push(item);
    if (!store(items)) { say("full"); return; }
    say("saved");
    // The next submission from this form is a new one: new text, new key.
    form.reset();
    if (form.elements.idempotency_key) { form.elements.idempotency_key.value = newKey(); }
  }

  // Send what was kept, oldest first; stop at the first network failure and keep the rest.
  function flush() {
    var items = load();
    if (busy || !items.length || navigator.onLine === false) { return; }
    busy = true;
    say("sending");
    var refused = false;
    var joined = null;
    function next() {
      var item = items[0];
      if (!item) {
        busy = false;
        say(refused ? "refused" : "sent");
        if (joined) { window.location.assign(joined); }
        return;
      }
      post(item).then(function (response) {
        var status = response.status;
        if (status >= 500 || status === 429) {
          busy = false;  // the server is struggling: try again later
          say("saved");
          return;
        }
        return landed(response).then(function (location) {
          // Landed, or can never land (the hearing ended, the text was refused): drop it.
          if (!location) { refused = true; }
          if (location && item.kind === "join") { joined = location; }
          items.shift();
          store(items);
          next();
        });
      }, function () {
        busy = false;
        say("saved");
      });
    }
    next();
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.offlineBypass) { return; }
      event.preventDefault();
      var item = {
        kind: form.dataset.offline,
        action: form.action,
        body: new URLSearchParams(new FormData(form)).toString(),
        saved: Date.now()
      };
      if (navigator.onLine === false) { keep(item, form); return; }
      var buttons = form.querySelectorAll("button, input[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      post(item).then(function (response) {
        return landed(response).then(function (location) {
          if (location) { window.location.assign(location); return; }
          // Refused (a field to correct, the hearing ended): post it the usual way so the
          // page shows why, with what was typed. Same key: nothing was stored for it.
          form.dataset.offlineBypass = "1";
          buttons.forEach(function (b) { b.disabled = false; });
          HTMLFormElement.prototype.submit.call(form);
        });
      }, function () {
        buttons.forEach(function (b) { b.disabled = false; });
        keep(item, form);
      });
    });
  });

  window.addEventListener("online", flush);
  window.setInterval(flush, 20000);
  if (load().length) { say("saved"); }
  flush();
})();
