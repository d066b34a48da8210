// qms: the service worker of the inspection recording pages.
//
// Served at /inspections/sw.js (scope /inspections/) by
// inspection_offline.go, which fills in ASSETS (the content-hash URLs of
// every static file) and VERSION. It lets a tablet that opened a
// recording page before open it again without a connection: the static
// files are cached when the worker installs (their URLs never change
// content), each recording page is cached whenever it loads from the
// server (network first, the cached copy when the network fails), and the
// thumbnails the page shows likewise. The entries recorded offline wait in
// IndexedDB (inspection.js) and are sent when the connection returns. Only
// GET requests of this origin are touched; signing out clears the cached
// pages and thumbnails.
"use strict";

var VERSION = "__VERSION__";
var ASSETS = __ASSETS__;
var STATIC = "qms-static-" + VERSION;
var PAGES = "qms-pages";   // recording pages, by path (inspection.js refreshes them too)
var FILES = "qms-files";   // thumbnails of photos
var RECORD = /^\/inspections\/\d+\/record$/;
var THUMB = /^\/files\/\d+\/thumb$/;

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(STATIC).then(function (c) { return c.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("qms-static-") === 0 && k !== STATIC; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// networkFirst answers from the server, keeping a copy of a good answer
// in cache under the path; when the network fails, from that copy.
function networkFirst(req, path, cacheName) {
  return fetch(req).then(function (res) {
    if (res.ok && !res.redirected) {
      var copy = res.clone();
      caches.open(cacheName).then(function (c) { return c.put(path, copy); });
    }
    return res;
  }).catch(function (err) {
    return caches.open(cacheName).then(function (c) { return c.match(path); }).then(function (hit) {
      if (hit) { return hit; }
      throw err;
    });
  });
}

self.addEventListener("fetch", function (e) {
  var req = e.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (req.method === "POST" && url.pathname === "/logout") {
    e.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(FILES)]));
    return;
  }
  if (req.method !== "GET") {
    return;
  }
  if (req.mode === "navigate" && RECORD.test(url.pathname)) {
    e.respondWith(networkFirst(req, url.pathname, PAGES));
  } else if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
  } else if (THUMB.test(url.pathname)) {
    e.respondWith(networkFirst(req, url.pathname, FILES));
  }
});
