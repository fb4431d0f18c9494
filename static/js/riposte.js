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

  function start() {
    revealCopyButtons(document);
    tick();
    setInterval(tick, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
