// Riposte's small helpers. The pages work without JavaScript; this only adds comfort.
(function () {
  "use strict";

  var SOON_MS = 24 * 3600 * 1000;

  // "2 j 03 h 12 min 05 s": seconds make the countdown visibly alive; units come from the
  // page (data-units) so they follow the reader's language.
  function formatDuration(ms, units) {
    var total = Math.floor(Math.abs(ms) / 1000);
    var days = Math.floor(total / 86400);
    var hours = Math.floor((total % 86400) / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var parts = [];
    if (days >= 2) {
      parts.push(days + " " + units[0], pad(hours) + " " + units[1]);
    } else {
      parts.push(hours + days * 24 + " " + units[1]);
    }
    parts.push(pad(minutes) + " " + units[2], pad(seconds) + " " + units[3]);
    return parts.join(" ");
  }

  // Every <time data-countdown datetime="ISO"> on the page, including those HTMX swaps in,
  // shows the time left (or late) and changes colour as the deadline nears and passes.
  function tick() {
    var now = Date.now();
    var nodes = document.querySelectorAll("time[data-countdown]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var due = Date.parse(node.getAttribute("datetime"));
      if (isNaN(due)) { continue; }
      var units = (node.getAttribute("data-units") || "d,h,min,s").split(",");
      var left = due - now;
      // The due moment itself is still on time (Step.deadline_state): late once it has passed.
      var label = left >= 0 ? node.getAttribute("data-left") : node.getAttribute("data-late");
      node.textContent = (label ? label + " " : "") + formatDuration(left, units);
      node.classList.toggle("late", left < 0);
      node.classList.toggle("soon", left >= 0 && left < SOON_MS);
      node.classList.toggle("ok", left >= SOON_MS);
    }
  }

  function copyText(button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) { return; }
    var text = target.value !== undefined ? target.value : target.textContent;
    var done = function () {
      var original = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", original);
      button.textContent = button.getAttribute("data-copied") || original;
      setTimeout(function () { button.textContent = original; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(target, done); });
    } else {
      fallbackCopy(target, done);
    }
  }

  // Plain HTTP on a local network has no clipboard API: select the text and copy it.
  function fallbackCopy(target, done) {
    if (target.select) { target.select(); }
    try {
      if (document.execCommand("copy")) { done(); }
    } catch (error) { /* the text stays selected for a manual copy */ }
  }

  function revealCopyButtons(root) {
    var buttons = (root || document).querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].hidden = false; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (button) {
      event.preventDefault();
      copyText(button);
    }
  });

  // After HTMX swaps the step panel in, move focus to it so keyboard and screen-reader users
  // land on the new step.
  document.addEventListener("htmx:afterSwap", function (event) {
    revealCopyButtons(event.target);
    tick();
    var panel = document.getElementById("step-panel");
    var target = event.detail && event.detail.target;
    if (panel && target && target.id === "wizard") {
      panel.focus({ preventScroll: true });
    }
  });

  // --- The installed app: offline reading, the reflex card kept fresh, notifications. ---

  var CARD_REFRESH_MS = 60 * 1000;

  function showOffline() {
    var notes = document.querySelectorAll("[data-offline-note]");
    for (var i = 0; i < notes.length; i++) { notes[i].hidden = navigator.onLine; }
    document.documentElement.classList.toggle("offline", !navigator.onLine);
  }

  // A form sent without network would be lost with everything typed in it: stop it, keep
  // the text where it is, and say so next to its button.
  function holdOffline(form, event) {
    if (navigator.onLine) { return false; }
    event.preventDefault();
    var note = form.querySelector(".offline-hold");
    if (!note) {
      note = document.createElement("p");
      note.className = "message warning offline-hold";
      note.setAttribute("role", "alert");
      note.textContent = document.body.getAttribute("data-offline-form") || "Offline.";
      form.appendChild(note);
    }
    note.hidden = false;
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.tagName === "FORM") { holdOffline(form, event); }
  }, true);

  document.addEventListener("htmx:confirm", function (event) {
    var element = event.detail && event.detail.elt;
    var form = element && (element.tagName === "FORM" ? element : element.closest("form"));
    if (form && !navigator.onLine) { holdOffline(form, event); }
  });

  window.addEventListener("online", function () {
    showOffline();
    var notes = document.querySelectorAll(".offline-hold");
    for (var i = 0; i < notes.length; i++) { notes[i].hidden = true; }
  });
  window.addEventListener("offline", showOffline);

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    var body = document.body;
    if (body.hasAttribute("data-forget-offline")) {
      // Signed out: the copies of the company's pages go with the session.
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) { registration.active.postMessage("forget"); }
      });
    }
    navigator.serviceWorker.register(body.getAttribute("data-sw") || "/sw.js", { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () {
        var card = body.getAttribute("data-card");
        if (!card || !navigator.onLine) { return; }
        // Keep the reflex card no older than a minute or so while the app is used.
        var last = Number(sessionStorage.getItem("riposte-card-at") || 0);
        if (Date.now() - last < CARD_REFRESH_MS) { return; }
        sessionStorage.setItem("riposte-card-at", String(Date.now()));
        fetch(card, { credentials: "same-origin", headers: { Accept: "text/html" } });
      })
      .catch(function () { /* no worker: the site still works, only not offline */ });
  }

  function urlBase64ToUint8Array(value) {
    var padded = (value + "===".slice((value.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; ++i) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function csrfHeaders() {
    var headers = { "Content-Type": "application/json" };
    try {
      var extra = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      for (var key in extra) { headers[key] = extra[key]; }
    } catch (error) { /* no token: the server refuses, the page says so */ }
    return headers;
  }

  // The "notifications on this device" switch of the preferences page.
  function setUpPush() {
    var box = document.querySelector("[data-push]");
    if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) { return; }
    box.hidden = false;
    var on = box.querySelector("[data-push-on]");
    var off = box.querySelector("[data-push-off]");
    var state = box.querySelector("[data-push-state]");
    function show(subscription) {
      on.hidden = !!subscription;
      off.hidden = !subscription;
      state.textContent = box.getAttribute(subscription ? "data-label-on" : "data-label-off");
    }
    navigator.serviceWorker.ready.then(function (registration) {
      registration.pushManager.getSubscription().then(show);
      on.addEventListener("click", function () {
        registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: urlBase64ToUint8Array(box.getAttribute("data-key"))
        }).then(function (subscription) {
          return fetch(box.getAttribute("data-subscribe"), {
            method: "POST", credentials: "same-origin", headers: csrfHeaders(),
            body: JSON.stringify(subscription.toJSON())
          }).then(function () { show(subscription); });
        }).catch(function () { state.textContent = box.getAttribute("data-label-refused"); });
      });
      off.addEventListener("click", function () {
        registration.pushManager.getSubscription().then(function (subscription) {
          if (!subscription) { show(null); return null; }
          return fetch(box.getAttribute("data-unsubscribe"), {
            method: "POST", credentials: "same-origin", headers: csrfHeaders(),
            body: JSON.stringify({ endpoint: subscription.endpoint })
          }).then(function () { return subscription.unsubscribe(); }).then(function () { show(null); });
        });
      });
    });
  }

  function start() {
    revealCopyButtons(document);
    tick();
    setInterval(tick, 1000);
    showOffline();
    registerWorker();
    setUpPush();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
