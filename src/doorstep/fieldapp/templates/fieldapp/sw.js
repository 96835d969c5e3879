/* Doorstep field app service worker {{ version }} (rendered by fieldapp.views.service_worker).
   The shell and its static files come from the cache when the network fails;
   API answers are never cached here: the app keeps its data in IndexedDB. */
"use strict";
const CACHE = "doorstep-field-{{ version }}";
const PRECACHE = {{ precache|safe }};
const SHELL = "{{ shell }}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("doorstep-field-") && k !== CACHE).map((k) => caches.delete(k))
      ))
      .then(() => self.clients.claim())
  );
});

function shellFromNetwork(request) {
  return fetch(request).then((response) => {
    // A redirect (to the sign-in page) or an error is shown, never cached as the shell.
    if (response.ok && !response.redirected && response.type === "basic") {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
    }
    return response;
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(
      shellFromNetwork(request).catch(() =>
        caches.match(SHELL, { ignoreVary: true }).then((hit) => hit || Response.error())
      )
    );
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(
      caches.match(url.pathname, { ignoreVary: true }).then((hit) => hit || fetch(request))
    );
  }
});
