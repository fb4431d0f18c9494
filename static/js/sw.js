// Riposte's service worker. Served at /sw.js, preceded by a line setting self.RIPOSTE:
// { version, precache: [static URLs], card: "/carte-reflexe/", static: "/static/", login }.
//
// Online, pages come from the network as always, and the last copy of the reflex card and
// of each incident page is kept. Offline, a page comes from that copy, or the reflex card
// stands in for it. Forms are never replayed: the page says the network is needed.
"use strict";

var CONFIG = self.RIPOSTE;
var CACHE = "riposte-" + CONFIG.version;
var PAGES = "riposte-pages";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(CONFIG.precache); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) {
        if (name !== CACHE && name !== PAGES) { return caches.delete(name); }
        return null;
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Pages worth keeping for offline reading: the card, the home page, incidents.
function keepable(url) {
  return url.pathname === CONFIG.card || url.pathname === "/" ||
    url.pathname.indexOf("/incidents/") === 0;
}

function fromNetworkKeeping(request) {
  return fetch(request).then(function (response) {
    var url = new URL(response.url || request.url);
    // A sign-in page met on the way (session expired) must not replace the last good copy.
    if (response.ok && !response.redirected && url.pathname !== CONFIG.login &&
        (response.headers.get("Content-Type") || "").indexOf("text/html") === 0) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) {
        cache.put(new URL(request.url).pathname, copy);
      });
    }
    return response;
  });
}

function offlineFallback(request) {
  var path = new URL(request.url).pathname;
  return caches.open(PAGES).then(function (cache) {
    return cache.match(path).then(function (page) {
      return page || cache.match(CONFIG.card);
    });
  }).then(function (page) {
    return page || new Response(
      "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
      "<title>Riposte</title><p>Hors ligne / Offline.</p>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
    );
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  var isPage = request.mode === "navigate" ||
    (request.headers.get("Accept") || "").indexOf("text/html") === 0;
  // HTMX fragments carry HX-Request: they are parts of a page, not pages to keep.
  if (isPage && keepable(url) && !request.headers.get("HX-Request")) {
    event.respondWith(fromNetworkKeeping(request).catch(function () {
      return offlineFallback(request);
    }));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return offlineFallback(request); }));
  }
});

self.addEventListener("message", function (event) {
  // Signing out forgets the copies: a shared phone keeps nothing of the company.
  if (event.data === "forget") {
    event.waitUntil(caches.delete(PAGES));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Riposte", {
    body: data.body || "",
    // The same tag for a message sent again after a failure: shown once.
    tag: data.tag,
    data: { url: data.url || "/" },
    icon: CONFIG.precache[2],
    badge: CONFIG.precache[2],
    requireInteraction: true
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (new URL(windows[i].url).pathname === target && "focus" in windows[i]) {
        return windows[i].focus();
      }
    }
    return self.clients.openWindow(target);
  }));
});
