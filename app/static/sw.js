// Auyl DigitAll service worker (issue #13). Hand-written, 30 lines, no library:
// the network first, always; when there is none, the copy the level page saved
// ("Save this level for offline use", static/offline.js) from the cache "auyl-saved".
// Answers never pass through here: offline.js keeps them in IndexedDB until the server
// acknowledges each one, so nothing is lost when the browser stops this worker.
"use strict";
var SAVED = "auyl-saved";
var MISSING = "/learn/offline/missing"; // "this page is not saved", in the learner's language

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname === "/sw.js") return;
  event.respondWith(fetch(request).catch(function (error) {
    return caches.open(SAVED).then(function (cache) {
      return cache.match(url.pathname + url.search, { ignoreVary: true }).then(function (saved) {
        if (saved) return saved;
        if (request.mode !== "navigate") throw error;
        return cache.match(MISSING, { ignoreVary: true }).then(function (missing) {
          if (missing) return missing;
          throw error;
        });
      });
    });
  }));
});
