// qms: the tablet recording page of an inspection, and the spec editor.
//
// The recording page records every entry through the JSON API
// (POST /api/v1/inspections/{id}/entries) with an idempotency key made
// here. Each entry is first put in a queue kept in the browser
// (IndexedDB), together with the photos taken for it, and sent from there:
// through a dropped connection the page goes on working, shows how many
// entries wait, and sends them, in order, when the connection returns. The
// server stores an entry once per key, so a resend (an answer lost on the
// way back, a reload) never duplicates; photos are stored once per content.
// Entries of other inspectors are fetched as they arrive. A service worker
// (/inspections/sw.js) keeps a copy of the page and the static files, so
// that a tablet that opened the page before can open it again offline.
(function () {
  "use strict";

  // ---- Spec editor: show the fields of each characteristic's kind ----
  document.addEventListener("change", function (e) {
    var sel = e.target;
    if (sel.matches && sel.matches("[data-char-kind]")) {
      sel.closest(".char-row").setAttribute("data-kind", sel.value);
    }
  });

  var root = document.getElementById("rec");
  if (!root) {
    return;
  }
  var cfg = JSON.parse(root.getAttribute("data-config"));
  var $ = function (id) { return document.getElementById(id); };
  var CLASSES = ["critical", "major", "minor"];
  var RANK = { critical: 3, major: 2, minor: 1 };
  var LABEL = { critical: "Critical", major: "Major", minor: "Minor", pass: "Pass", fail: "Fail", incomplete: "Incomplete", pending: "Pending" };

  // ---- Keys ----
  function newKey() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // ---- The browser store: IndexedDB, or memory when there is none ----
  var memory = { queue: {}, photos: {} };
  var dbp = new Promise(function (resolve) {
    if (!window.indexedDB) {
      resolve(null);
      return;
    }
    var req = indexedDB.open("qms-recording", 1);
    req.onupgradeneeded = function () {
      var db = req.result;
      if (!db.objectStoreNames.contains("queue")) { db.createObjectStore("queue", { keyPath: "key" }); }
      if (!db.objectStoreNames.contains("photos")) { db.createObjectStore("photos", { keyPath: "id" }); }
    };
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { resolve(null); };
  });
  function tx(store, mode, fn) {
    return dbp.then(function (db) {
      if (!db) {
        return fn(null, memory[store]);
      }
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var out = fn(t.objectStore(store), null);
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  var idb = {
    put: function (store, v) {
      return tx(store, "readwrite", function (s, mem) { if (mem) { mem[v.key || v.id] = v; return null; } return s.put(v); });
    },
    del: function (store, k) {
      return tx(store, "readwrite", function (s, mem) { if (mem) { delete mem[k]; return null; } return s.delete(k); });
    },
    get: function (store, k) {
      return tx(store, "readonly", function (s, mem) { if (mem) { return mem[k]; } return s.get(k); });
    },
    all: function (store) {
      return tx(store, "readonly", function (s, mem) {
        if (mem) { return Object.keys(mem).map(function (k) { return mem[k]; }); }
        return s.getAll();
      });
    }
  };

  // ---- State ----
  var server = [];         // entries the server has, by id
  var byKey = {};          // key -> server entry
  var maxId = 0;
  var pending = [];        // queue items of this inspection, in order
  var photoURL = {};       // local photo id -> object URL
  var thumbURL = {};       // file id -> thumbnail URL ("" for none)
  var unit = 1;
  var syncing = false, again = false, retryTimer = null, retryDelay = 2000;
  var halted = "";         // why sending stopped (signed out)
  var draft = { defect: [], photo: [] }; // photos taken for the defect form and the photo form
  var chosenClass = "";

  function addServer(e) {
    if (byKey[e.key]) {
      return;
    }
    byKey[e.key] = e;
    server.push(e);
    if (e.id > maxId) { maxId = e.id; }
  }
  cfg.entries.forEach(addServer);
  server.sort(function (a, b) { return a.id - b.id; });
  Object.keys(cfg.thumbs || {}).forEach(function (id) { thumbURL[id] = cfg.thumbs[id] ? "/files/" + id + "/thumb" : ""; });

  // all returns the entries in force in order: the server's, then those
  // waiting to be sent (rejected ones left out), without voided entries and
  // with only the latest of entries that replace each other.
  function latestKey(e) {
    var p = e[e.kind] || {};
    switch (e.kind) {
      case "measurement": return "m/" + p.characteristic + "/" + p.unit;
      case "test": return "t/" + p.characteristic + "/" + p.unit;
      case "check": return "c/" + (p.characteristic || 0) + "/" + (p.item || "");
      case "section": return "s/" + p.section;
      case "cartons": case "container": return e.kind;
      case "fai": return "f/" + p.characteristic;
    }
    return "";
  }
  function live() {
    var list = server.slice();
    pending.forEach(function (it) {
      if (!it.error) {
        var e = JSON.parse(JSON.stringify(it.entry));
        e.pending = true;
        e.item = it;
        list.push(e);
      }
    });
    var voided = {};
    list.forEach(function (e) { if (e.kind === "void") { voided[e.void.entry_id] = true; } });
    var last = {};
    list.forEach(function (e, i) {
      if (e.kind !== "void" && !(e.id && voided[e.id])) {
        var k = latestKey(e);
        if (k) { last[k] = i; }
      }
    });
    return list.filter(function (e, i) {
      if (e.kind === "void" || (e.id && voided[e.id])) { return false; }
      var k = latestKey(e);
      return !k || last[k] === i;
    });
  }

  // ---- The tally, as the server computes it (inspection.Evaluate) ----
  function tally(entries) {
    var n = cfg.units;
    var inspected = {}, worst = {}, defects = {};
    entries.forEach(function (e) {
      if (e.kind === "units") {
        for (var u = Math.max(e.units.from, 1); u <= Math.min(e.units.to, n); u++) { inspected[u] = true; }
      } else if (e.kind === "defect") {
        var d = e.defect, r = RANK[d.class || defaultClass(d.code)];
        if (!r || d.unit < 1 || d.unit > n) { return; }
        inspected[d.unit] = true;
        worst[d.unit] = Math.max(worst[d.unit] || 0, r);
        defects[d.unit] = defects[d.unit] || [0, 0, 0, 0];
        defects[d.unit][r]++;
      }
    });
    var out = { classes: [], inspected: 0 };
    for (var u = 1; u <= n; u++) { if (inspected[u]) { out.inspected++; } }
    cfg.classes.forEach(function (c) {
      var r = RANK[c.class], found = 0, units = 0;
      for (var u = 1; u <= c.n; u++) {
        var cnt = defects[u] ? defects[u][r] : 0;
        found += cfg.counting === "defects" ? cnt : (worst[u] === r ? 1 : 0);
        if (inspected[u]) { units++; }
      }
      var verdict = found >= c.re ? "fail" : (units < c.n ? "incomplete" : "pass");
      out.classes.push({ class: c.class, found: found, units: units, n: c.n, ac: c.ac, re: c.re, verdict: verdict });
    });
    out.inspectedUnits = inspected;
    out.worst = worst;
    return out;
  }

  function defaultClass(code) {
    for (var i = 0; i < cfg.library.length; i++) {
      if (cfg.library[i].code === (code || "").toUpperCase()) { return cfg.library[i].class; }
    }
    return "";
  }
  function libraryDesc(code) {
    for (var i = 0; i < cfg.library.length; i++) {
      if (cfg.library[i].code === (code || "").toUpperCase()) { return cfg.library[i].desc; }
    }
    return "";
  }

  // ---- Rendering ----
  function text(el, s) { if (el && el.textContent !== s) { el.textContent = s; } }
  function el(tag, cls, s) {
    var x = document.createElement(tag);
    if (cls) { x.className = cls; }
    if (s !== undefined) { x.textContent = s; }
    return x;
  }

  function renderTally(t) {
    t.classes.forEach(function (c) {
      var tile = document.querySelector('.tally-class[data-class="' + c.class + '"]');
      if (!tile) { return; }
      tile.className = "tally-class tally-" + c.verdict;
      text(tile.querySelector(".tally-found strong"), String(c.found));
      text(tile.querySelector(".tally-units"), c.units + " of " + c.n + " inspected");
      var v = tile.querySelector(".vd");
      if (v) { v.className = "vd vd-" + c.verdict; text(v, LABEL[c.verdict]); }
    });
  }

  function renderUnits(t, entries) {
    var grid = $("unit-grid");
    var pendingUnits = {};
    entries.forEach(function (e) {
      if (!e.pending) { return; }
      if (e.kind === "defect") { pendingUnits[e.defect.unit] = true; }
      if (e.kind === "units") { for (var u = e.units.from; u <= e.units.to; u++) { pendingUnits[u] = true; } }
    });
    if (grid) {
      Array.prototype.forEach.call(grid.children, function (b) {
        var u = +b.getAttribute("data-unit");
        var w = t.worst[u];
        var state = w === 3 ? "critical" : w === 2 ? "major" : w === 1 ? "minor" : (t.inspectedUnits[u] ? "ok" : "");
        if (b.getAttribute("data-state") !== state) { b.setAttribute("data-state", state); }
        b.classList.toggle("pending", !!pendingUnits[u]);
        b.setAttribute("aria-pressed", u === unit ? "true" : "false");
      });
    }
    var w = t.worst[unit];
    var state = w ? LABEL[w === 3 ? "critical" : w === 2 ? "major" : "minor"] + " defect" : (t.inspectedUnits[unit] ? "inspected, no defect" : "not inspected yet");
    text($("unit-state"), "Unit " + unit + " of " + cfg.units + " · " + state);
    text($("d-unit"), String(unit));
    text($("list-unit"), String(unit));
    if ($("unit") && document.activeElement !== $("unit")) { $("unit").value = unit; }
  }

  function entryLine(e, body) {
    var li = el("li", e.pending ? "pending" : "");
    li.appendChild(body[0]);
    var mid = el("div");
    mid.appendChild(el("div", "", body[1]));
    var meta = e.pending ? "waiting to be sent" : ((e.recorded_by || "") + (e.recorded_at ? " · " + e.recorded_at.slice(11, 16) : ""));
    mid.appendChild(el("div", "meta", meta));
    (body[2] || []).forEach(function (img) { mid.appendChild(img); });
    li.appendChild(mid);
    if (!e.pending && cfg.recordable) {
      var b = el("button", "btn btn-small", "Void");
      b.type = "button";
      b.addEventListener("click", function () {
        var reason = window.prompt("Why is this entry voided?");
        if (reason && reason.trim()) {
          record("void", { entry_id: e.id, reason: reason.trim() });
        }
      });
      li.appendChild(b);
    } else {
      li.appendChild(el("span"));
    }
    return li;
  }

  function photoImgs(e, ids) {
    var imgs = [];
    (ids || []).forEach(function (id) {
      if (thumbURL[id]) {
        var img = el("img");
        img.src = thumbURL[id];
        img.alt = "Photo";
        imgs.push(img);
      }
    });
    if (e.pending && e.item) {
      e.item.photos.forEach(function (pid) {
        if (photoURL[pid]) {
          var img = el("img");
          img.src = photoURL[pid];
          img.alt = "Photo waiting to be sent";
          imgs.push(img);
        }
      });
    }
    return imgs;
  }

  function renderDefects(entries) {
    var mine = $("unit-defects"), all = $("all-defects");
    if (!mine) { return; }
    var defects = entries.filter(function (e) { return e.kind === "defect"; });
    var build = function (list, only) {
      var frag = document.createDocumentFragment();
      list.forEach(function (e) {
        var d = e.defect;
        if (only && d.unit !== unit) { return; }
        var cls = d.class || defaultClass(d.code);
        var badge = el("span", "dc dc-" + cls, LABEL[cls] || "?");
        var what = (only ? "" : "Unit " + d.unit + ": ") + (d.code ? d.code + " · " : "") + (d.description || libraryDesc(d.code)) +
          (d.location ? " — " + d.location : "") + (d.note ? " (" + d.note + ")" : "");
        frag.appendChild(entryLine(e, [badge, what, photoImgs(e, d.photos)]));
      });
      return frag;
    };
    mine.replaceChildren(build(defects, true));
    all.replaceChildren(build(defects, false));
    text($("defect-count"), String(defects.length));
  }

  function parseNum(s) {
    s = (s || "").trim().replace(",", ".");
    if (s === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) { return NaN; }
    return parseFloat(s);
  }
  function dim(no) {
    for (var i = 0; i < cfg.dims.length; i++) { if (cfg.dims[i].no === no) { return cfg.dims[i]; } }
    return null;
  }
  function outOfTolerance(d, v) {
    var eps = function (x) { return 1e-9 * Math.max(1, Math.abs(x)); };
    return (d.lo !== null && v < d.lo - eps(d.lo)) || (d.hi !== null && v > d.hi + eps(d.hi));
  }
  // markCell shows whether a typed reading is within the limits, as it is typed.
  function markCell(input) {
    var d = dim(+input.getAttribute("data-char"));
    var v = parseNum(input.value);
    var msg = input.parentNode.querySelector(".cell-msg");
    input.classList.remove("oot", "ok");
    if (input.value.trim() === "") { text(msg, ""); return; }
    if (isNaN(v)) { input.classList.add("oot"); text(msg, "not a number"); return; }
    var bad = outOfTolerance(d, v);
    input.classList.add(bad ? "oot" : "ok");
    if (!input.classList.contains("rejected")) { text(msg, bad ? "out of tolerance" : ""); }
  }

  function measRow(u) {
    var tbody = document.querySelector("#meas-table tbody");
    if (!tbody) { return null; }
    var row = tbody.querySelector('tr[data-unit="' + u + '"]');
    if (row) { return row; }
    row = el("tr");
    row.setAttribute("data-unit", u);
    row.appendChild(el("td", "", String(u)));
    cfg.dims.forEach(function (d) {
      var td = el("td");
      var input = el("input");
      input.type = "text";
      input.inputMode = "decimal";
      input.setAttribute("data-unit", u);
      input.setAttribute("data-char", d.no);
      input.setAttribute("aria-label", "Unit " + u + ", " + d.name);
      input.autocomplete = "off";
      input.disabled = !cfg.recordable;
      td.appendChild(input);
      td.appendChild(el("span", "cell-msg"));
      row.appendChild(td);
    });
    var rows = Array.prototype.slice.call(tbody.children);
    var before = rows.filter(function (r) { return +r.getAttribute("data-unit") > u; })[0];
    tbody.insertBefore(row, before || null);
    return row;
  }

  function renderMeasurements(entries) {
    if (!document.getElementById("meas-table")) { return; }
    var rejected = {};
    pending.forEach(function (it) {
      if (it.error && it.entry.kind === "measurement") {
        rejected[it.entry.measurement.unit + "/" + it.entry.measurement.characteristic] = it;
      }
    });
    entries.forEach(function (e) {
      if (e.kind !== "measurement") { return; }
      var m = e.measurement;
      var row = measRow(m.unit);
      var input = row && row.querySelector('input[data-char="' + m.characteristic + '"]');
      if (!input || document.activeElement === input) { return; }
      input.value = String(m.value);
      input.classList.toggle("pending", !!e.pending);
      input.classList.remove("rejected");
      markCell(input);
      if (!e.pending && e.measurement.out_of_tolerance !== undefined) {
        input.classList.toggle("oot", !!m.out_of_tolerance);
        input.classList.toggle("ok", !m.out_of_tolerance);
      }
    });
    Object.keys(rejected).forEach(function (k) {
      var it = rejected[k], m = it.entry.measurement;
      var row = measRow(m.unit);
      var input = row && row.querySelector('input[data-char="' + m.characteristic + '"]');
      if (!input) { return; }
      input.classList.add("rejected");
      input.title = it.error;
      text(input.parentNode.querySelector(".cell-msg"), it.error);
    });
  }

  function pressSeg(seg, attr, value) {
    Array.prototype.forEach.call(seg.querySelectorAll("button"), function (b) {
      var on = value !== undefined && b.getAttribute(attr) === String(value);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function renderChoices(entries) {
    var tests = {}, checks = {}, items = {}, sections = {};
    entries.forEach(function (e) {
      if (e.kind === "test") { tests[e.test.characteristic + "/" + e.test.unit] = e.test.pass; }
      if (e.kind === "check") {
        if (e.check.item) { items[e.check.item] = e.check.result; } else { checks[e.check.characteristic] = e.check.result; }
      }
      if (e.kind === "section") { sections[e.section.section] = e.section.result; }
    });
    document.querySelectorAll(".seg[data-test]").forEach(function (s) {
      pressSeg(s, "data-pass", tests[s.getAttribute("data-test") + "/" + s.getAttribute("data-unit")]);
    });
    cfg.tests.forEach(function (t) {
      var tested = 0, failed = 0;
      for (var u = 1; u <= t.n; u++) {
        var p = tests[t.no + "/" + u];
        if (p !== undefined) { tested++; if (!p) { failed++; } }
      }
      var v = failed >= t.re ? "fail" : (tested >= t.n ? "pass" : (tested ? "incomplete" : ""));
      var out = document.querySelector('.test-verdict[data-test="' + t.no + '"]');
      if (out) { out.className = "test-verdict vd" + (v ? " vd-" + v : ""); text(out, v ? LABEL[v] + " · " + tested + "/" + t.n : ""); }
    });
    document.querySelectorAll(".seg[data-check]").forEach(function (s) { pressSeg(s, "data-result", checks[s.getAttribute("data-check")]); });
    document.querySelectorAll(".seg[data-item]").forEach(function (s) { pressSeg(s, "data-result", items[s.getAttribute("data-item")]); });
    document.querySelectorAll(".seg[data-section]").forEach(function (s) { pressSeg(s, "data-result", sections[s.getAttribute("data-section")]); });
  }

  function fill(id, v) {
    var x = $(id);
    if (x && document.activeElement !== x && v !== undefined && v !== null) { x.value = v; }
  }
  function renderForms(entries) {
    entries.forEach(function (e) {
      if (e.kind === "cartons") {
        fill("k-list", e.cartons.packing_list); fill("k-counted", e.cartons.counted); fill("k-opened", e.cartons.opened); fill("k-note", e.cartons.note || "");
      }
      if (e.kind === "container") {
        fill("c-no", e.container.container_no); fill("c-seal", e.container.seal_no); fill("c-type", e.container.type || ""); fill("c-note", e.container.note || "");
      }
    });
  }

  function renderLists(entries) {
    var photos = $("photo-list"), remarks = $("remark-list");
    if (!photos) { return; }
    var pf = document.createDocumentFragment(), rf = document.createDocumentFragment();
    entries.forEach(function (e) {
      if (e.kind === "photo") {
        pf.appendChild(entryLine(e, [el("span", "dc", "Photo"), e.photo.caption || "(no caption)", photoImgs(e, e.photo.file_id ? [e.photo.file_id] : [])]));
      }
      if (e.kind === "remark") {
        rf.appendChild(entryLine(e, [el("span", "dc", "Remark"), e.remark.text]));
      }
    });
    photos.replaceChildren(pf);
    remarks.replaceChildren(rf);
  }

  // describe says what an entry holds, in a few words.
  function describe(e) {
    var p = e[e.kind] || {};
    switch (e.kind) {
      case "defect": return "Defect on unit " + p.unit + ": " + (p.code || p.description || "");
      case "measurement": return "Unit " + p.unit + ", characteristic " + p.characteristic + ": " + p.value + " " + (p.uom || "");
      case "units": return "Units " + p.from + "–" + p.to + " inspected";
      case "test": return "Test " + p.characteristic + ", unit " + p.unit + ": " + (p.pass ? "pass" : "fail");
      case "check": return "Check " + (p.characteristic || p.item) + ": " + p.result;
      case "section": return "Section " + p.section + ": " + p.result;
      case "cartons": return "Cartons " + p.counted + " of " + p.packing_list;
      case "container": return "Container " + p.container_no;
      case "photo": return "Photo " + (p.caption || "");
      case "remark": return "Remark";
      case "void": return "Void of entry " + p.entry_id;
    }
    return e.kind;
  }

  // renderRejected lists the entries the server refused, with why, so that
  // they can be recorded again correctly and discarded.
  function renderRejected() {
    var list = $("rejected-list");
    var frag = document.createDocumentFragment();
    pending.forEach(function (it) {
      if (!it.error) { return; }
      var li = el("li", "rejected");
      li.appendChild(el("span", "vd vd-fail", "Refused"));
      var mid = el("div");
      mid.appendChild(el("div", "", describe(it.entry)));
      mid.appendChild(el("div", "meta", it.error));
      li.appendChild(mid);
      var b = el("button", "btn btn-small", "Discard");
      b.type = "button";
      b.addEventListener("click", function () { done(it).then(render); });
      li.appendChild(b);
      frag.appendChild(li);
    });
    list.replaceChildren(frag);
  }

  function renderQueue() {
    var waiting = pending.filter(function (it) { return !it.error; }).length;
    var rejected = pending.length - waiting;
    var q = $("queue");
    q.setAttribute("data-n", String(waiting));
    var s = waiting === 0 ? "Nothing waiting to be sent" : waiting + (waiting === 1 ? " entry" : " entries") + " waiting to be sent";
    if (rejected) { s += " · " + rejected + " refused (see the red entries)"; }
    if (halted) { s += " · " + halted; }
    text(q, s);
  }

  function setConn(state) {
    var c = $("conn");
    if (c.getAttribute("data-state") !== state) { c.setAttribute("data-state", state); }
    text(c, state === "offline" ? "Offline" : state === "syncing" ? "Sending…" : "Online");
  }

  function render() {
    var entries = live();
    if (cfg.units > 0) {
      var t = tally(entries);
      renderTally(t);
      renderUnits(t, entries);
    }
    renderDefects(entries);
    renderMeasurements(entries);
    renderChoices(entries);
    renderForms(entries);
    renderLists(entries);
    renderRejected();
    renderQueue();
  }

  function toast(msg) {
    var t = el("div", "toast", msg);
    t.setAttribute("role", "status");
    document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, 2200);
  }

  // ---- Recording ----
  var seq = Date.now();
  function record(kind, payload, photos) {
    if (!cfg.recordable) { return Promise.resolve(); }
    var entry = { key: newKey(), kind: kind };
    entry[kind] = payload;
    var item = { key: entry.key, inspection: cfg.id, seq: seq++, entry: entry, photos: photos || [], error: "" };
    pending.push(item);
    render();
    return idb.put("queue", item).then(function () { sync(); }, function () { sync(); });
  }

  // ---- Sending ----
  function Rejected(msg) { this.message = msg; }

  function problemText(res) {
    return res.json().then(function (p) {
      var s = p.detail || p.title || ("refused (" + res.status + ")");
      return s;
    }, function () { return "refused (" + res.status + ")"; });
  }

  function uploadPhoto(ph) {
    var fd = new FormData();
    fd.append("file", ph.blob, ph.name || "photo.jpg");
    return fetch(cfg.api + "/photos", { method: "POST", body: fd, credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (res) {
      if (res.status === 200 || res.status === 201) {
        return res.json().then(function (f) {
          thumbURL[f.id] = f.thumbnail_url ? "/files/" + f.id + "/thumb" : "";
          return f.id;
        });
      }
      if (res.status === 401) { throw new Halt(); }
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        return problemText(res).then(function (s) { throw new Rejected("photo: " + s); });
      }
      throw new Error("server " + res.status);
    });
  }

  function Halt() { this.message = "signed out: sign in again, the entries stay here"; }

  function sendItem(item) {
    var ids = [];
    var chain = Promise.resolve();
    item.photos.forEach(function (pid) {
      chain = chain.then(function () { return idb.get("photos", pid); }).then(function (ph) {
        if (!ph) { throw new Rejected("a photo of this entry is no longer in this browser"); }
        if (ph.fileId) { ids.push(ph.fileId); return null; }
        return uploadPhoto(ph).then(function (id) {
          ph.fileId = id;
          ids.push(id);
          return idb.put("photos", ph);
        });
      });
    });
    return chain.then(function () {
      var body = JSON.parse(JSON.stringify(item.entry));
      if (item.photos.length) {
        if (body.kind === "photo") { body.photo.file_id = ids[0]; } else { body[body.kind].photos = ids; }
      }
      return fetch(cfg.api + "/entries", {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json" }
      });
    }).then(function (res) {
      if (res.status === 200 || res.status === 201) {
        return res.json().then(function (e) { addServer(e); return done(item); });
      }
      if (res.status === 401) { throw new Halt(); }
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        return problemText(res).then(function (s) { throw new Rejected(s); });
      }
      throw new Error("server " + res.status);
    }).catch(function (err) {
      if (err instanceof Rejected) {
        item.error = err.message;
        return idb.put("queue", item);
      }
      throw err;
    });
  }

  // done forgets a sent item and the photos only it used.
  function done(item) {
    pending = pending.filter(function (it) { return it.key !== item.key; });
    var jobs = [idb.del("queue", item.key)];
    item.photos.forEach(function (pid) {
      var used = pending.some(function (it) { return it.photos.indexOf(pid) >= 0; });
      if (!used) {
        jobs.push(idb.del("photos", pid));
        if (photoURL[pid]) { URL.revokeObjectURL(photoURL[pid]); delete photoURL[pid]; }
      }
    });
    return Promise.all(jobs);
  }

  // pull fetches the entries recorded since the newest one the page has
  // (another inspector's, or one whose answer was lost on the way back).
  function pull() {
    return fetch(cfg.api + "/entries?limit=200&after=" + maxId, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (res) {
      if (res.status === 401) { throw new Halt(); }
      if (!res.ok) { throw new Error("server " + res.status); }
      return res.json();
    }).then(function (page) {
      var sent = [];
      page.items.forEach(function (e) {
        addServer(e);
        pending.forEach(function (it) { if (it.key === e.key) { sent.push(it); } });
      });
      server.sort(function (a, b) { return a.id - b.id; });
      return Promise.all(sent.map(done)).then(function () {
        if (page.next_cursor) { return pull(); }
        return null;
      });
    });
  }

  function summary() {
    return fetch(cfg.api + "/result", { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (r) {
      if (!r) { return; }
      var why = (r.reasons || []).slice(0, 2).join("; ");
      text($("rec-summary"), (cfg.units > 0 ? r.units_inspected + " of " + r.sample_size + " units inspected · " : "") +
        "verdict so far on the server: " + (LABEL[r.verdict] || r.verdict) + (why ? " — " + why : ""));
      (r.sections || []).forEach(function (s) {
        var d = document.querySelector('[data-derived="' + s.section + '"]');
        if (d) { text(d, s.derived ? "from the data: " + s.derived.replace("_", " ") : ""); }
      });
    });
  }

  function sync() {
    if (syncing) { again = true; return; }
    if (!navigator.onLine) { setConn("offline"); renderQueue(); return; }
    syncing = true;
    clearTimeout(retryTimer);
    setConn("syncing");
    var chain = Promise.resolve();
    pending.slice().forEach(function (item) {
      chain = chain.then(function () {
        if (item.error || pending.indexOf(item) < 0) { return null; }
        return sendItem(item).then(render);
      });
    });
    chain.then(pull).then(function () {
      halted = "";
      retryDelay = 2000;
      setConn("online");
      text($("last-sync"), "Up to date at " + new Date().toTimeString().slice(0, 5));
      keepOfflineCopy();
      return summary();
    }).catch(function (err) {
      if (err instanceof Halt) { halted = err.message; }
      setConn(navigator.onLine ? "online" : "offline");
      retryTimer = setTimeout(sync, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }).then(function () {
      syncing = false;
      render();
      if (again) { again = false; sync(); }
    });
  }

  window.addEventListener("online", function () { retryDelay = 2000; sync(); });
  window.addEventListener("offline", function () { setConn("offline"); renderQueue(); });
  setInterval(function () { if (!syncing) { sync(); } }, 15000);
  $("sync-now").addEventListener("click", function () { retryDelay = 2000; sync(); });

  // ---- Photos taken with the tablet's camera ----
  function takePhoto(input, list, box) {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";
    files.forEach(function (f) {
      var ph = { id: newKey(), inspection: cfg.id, blob: f, name: f.name || "photo.jpg", fileId: 0 };
      idb.put("photos", ph).then(function () {
        list.push(ph.id);
        photoURL[ph.id] = URL.createObjectURL(f);
        var img = el("img");
        img.src = photoURL[ph.id];
        img.alt = "Photo taken";
        $(box).appendChild(img);
      });
    });
  }

  // ---- Controls ----
  function setUnit(u) {
    u = Math.round(+u);
    if (!(u >= 1)) { u = 1; }
    unit = Math.min(u, cfg.units);
    render();
  }

  document.querySelectorAll(".tab").forEach(function (tab) {
    tab.addEventListener("click", function () {
      document.querySelectorAll(".tab").forEach(function (t) { t.setAttribute("aria-selected", t === tab ? "true" : "false"); });
      document.querySelectorAll(".pane").forEach(function (p) { p.hidden = p.id !== "pane-" + tab.getAttribute("data-pane"); });
    });
  });
  // Show the pane of the tab selected on the server.
  var first = document.querySelector('.tab[aria-selected="true"]') || document.querySelector(".tab");
  if (first) { first.click(); }

  if (cfg.units > 0) {
    document.querySelectorAll(".stepper").forEach(function (b) {
      b.addEventListener("click", function () { setUnit(unit + (+b.getAttribute("data-step"))); });
    });
    $("unit").addEventListener("change", function () { setUnit(this.value); });
    if ($("unit-grid")) {
      $("unit-grid").addEventListener("click", function (e) {
        var b = e.target.closest(".unit");
        if (b) { setUnit(b.getAttribute("data-unit")); }
      });
    }
    $("unit-ok").addEventListener("click", function () {
      var u = unit;
      record("units", { from: u, to: u });
      if (u < cfg.units) { setUnit(u + 1); }
    });
    $("range-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var a = parseInt($("range-from").value, 10), b = parseInt($("range-to").value, 10);
      if (!(a >= 1 && b >= a && b <= cfg.units)) { toast("Give units from 1 to " + cfg.units); return; }
      record("units", { from: a, to: b });
      toast("Units " + a + "–" + b + " inspected");
    });
    $("d-code").addEventListener("change", function () {
      chosenClass = "";
      var c = defaultClass(this.value);
      pressSeg($("d-class"), "data-class", c || undefined);
      $("d-desc").placeholder = this.value ? libraryDesc(this.value) : "describe the defect";
    });
    $("d-class").addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) { return; }
      chosenClass = b.getAttribute("data-class");
      pressSeg(this, "data-class", chosenClass);
    });
    $("d-photo").addEventListener("change", function () { takePhoto(this, draft.defect, "d-previews"); });
    $("defect-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var code = $("d-code").value, desc = $("d-desc").value.trim();
      var cls = chosenClass || defaultClass(code);
      var err = "";
      if (!code && !desc) { err = "Pick a defect code, or describe the defect."; }
      else if (!cls) { err = "Choose the class: critical, major or minor."; }
      text($("d-error"), err);
      if (err) { return; }
      var d = { unit: unit };
      if (code) { d.code = code; }
      if (desc) { d.description = desc; }
      if (chosenClass) { d.class = chosenClass; }
      var loc = $("d-loc").value.trim(), note = $("d-note").value.trim();
      if (loc) { d.location = loc; }
      if (note) { d.note = note; }
      record("defect", d, draft.defect.slice());
      // A fresh form for the next defect: nothing of this one carries over by mistake.
      draft.defect = [];
      $("d-previews").replaceChildren();
      ["d-code", "d-desc", "d-loc", "d-note"].forEach(function (id) { $(id).value = ""; });
      $("d-desc").placeholder = "describe the defect";
      chosenClass = "";
      pressSeg($("d-class"), "data-class", undefined);
      toast("Defect added to unit " + unit);
    });
  }

  var meas = $("meas-table");
  if (meas) {
    meas.addEventListener("input", function (e) { if (e.target.matches("input")) { e.target.classList.remove("rejected"); markCell(e.target); } });
    meas.addEventListener("change", function (e) {
      var input = e.target;
      if (!input.matches("input")) { return; }
      var v = parseNum(input.value);
      if (isNaN(v)) { return; }
      var d = dim(+input.getAttribute("data-char"));
      record("measurement", { unit: +input.getAttribute("data-unit"), characteristic: d.no, value: v, uom: d.unit });
    });
    $("meas-add").addEventListener("submit", function (e) {
      e.preventDefault();
      var u = parseInt($("meas-unit").value, 10);
      if (!(u >= 1 && u <= cfg.units)) { toast("Give a unit from 1 to " + cfg.units); return; }
      var row = measRow(u);
      $("meas-unit").value = "";
      var input = row.querySelector("input");
      if (input) { input.focus(); }
    });
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".seg button");
    if (!b || !cfg.recordable) { return; }
    var seg = b.parentNode;
    if (seg.hasAttribute("data-test")) {
      record("test", { characteristic: +seg.getAttribute("data-test"), unit: +seg.getAttribute("data-unit"), pass: b.getAttribute("data-pass") === "true" });
    } else if (seg.hasAttribute("data-check")) {
      record("check", { characteristic: +seg.getAttribute("data-check"), result: b.getAttribute("data-result") });
    } else if (seg.hasAttribute("data-item")) {
      record("check", { item: seg.getAttribute("data-item"), result: b.getAttribute("data-result") });
    } else if (seg.hasAttribute("data-section")) {
      record("section", { section: seg.getAttribute("data-section"), result: b.getAttribute("data-result") });
    }
  });

  function intOf(id) {
    var s = $(id).value.trim();
    return s === "" ? 0 : parseInt(s, 10);
  }
  if ($("cartons-form")) {
    $("cartons-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var c = { packing_list: intOf("k-list"), counted: intOf("k-counted"), opened: intOf("k-opened") };
      if (isNaN(c.packing_list) || isNaN(c.counted) || isNaN(c.opened)) { text($("k-error"), "Give whole numbers of cartons."); return; }
      text($("k-error"), "");
      var note = $("k-note").value.trim();
      if (note) { c.note = note; }
      record("cartons", c);
      toast("Carton count saved");
    });
  }
  if ($("container-form")) {
    $("container-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var c = { container_no: $("c-no").value.trim(), seal_no: $("c-seal").value.trim() };
      if (!c.container_no || !c.seal_no) { text($("c-error"), "Give the container and the seal number."); return; }
      text($("c-error"), "");
      if ($("c-type").value.trim()) { c.type = $("c-type").value.trim(); }
      if ($("c-note").value.trim()) { c.note = $("c-note").value.trim(); }
      record("container", c);
      toast("Container saved");
    });
  }
  if ($("photo-form")) {
    $("p-photo").addEventListener("change", function () { takePhoto(this, draft.photo, "p-previews"); });
    $("photo-form").addEventListener("submit", function (e) {
      e.preventDefault();
      if (!draft.photo.length) { toast("Take a photo first"); return; }
      var caption = $("p-caption").value.trim();
      draft.photo.forEach(function (pid) {
        var p = { file_id: 0 };
        if (caption) { p.caption = caption; }
        record("photo", p, [pid]);
      });
      draft.photo = [];
      $("p-previews").replaceChildren();
      $("p-caption").value = "";
    });
    $("remark-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var t = $("r-text").value.trim();
      if (!t) { return; }
      record("remark", { text: t });
      $("r-text").value = "";
    });
  }

  // ---- Opening offline: the service worker and the page's cached copy ----
  // The worker (inspection_sw.js) answers a reload without a connection
  // from the copy in the "qms-pages" cache; the page refreshes that copy
  // whenever it has newer entries from the server, so that it opens
  // offline with what was last known. data-offline-ready on #rec says
  // that the worker controls the page and the copy exists.
  var cachedAt = -1, offlineCopy = false;
  function offlineReady() {
    var ok = offlineCopy && !!(navigator.serviceWorker && navigator.serviceWorker.controller);
    root.setAttribute("data-offline-ready", ok ? "1" : "0");
  }
  function keepOfflineCopy() {
    if (!window.caches || !navigator.serviceWorker || cachedAt === maxId) { return Promise.resolve(); }
    var at = maxId, path = location.pathname;
    return fetch(path, { credentials: "same-origin", headers: { Accept: "text/html" } }).then(function (res) {
      if (!res.ok || res.redirected) { return null; } // signed out meanwhile: keep the copy there is
      return caches.open("qms-pages").then(function (c) { return c.put(path, res); }).then(function () {
        cachedAt = at;
        offlineCopy = true;
        offlineReady();
      });
    }).catch(function () { return null; });
  }
  if (navigator.serviceWorker && window.caches) {
    navigator.serviceWorker.addEventListener("controllerchange", offlineReady);
    caches.open("qms-pages").then(function (c) { return c.match(location.pathname); }).then(function (hit) {
      offlineCopy = offlineCopy || !!hit;
      offlineReady();
    }).catch(function () { return null; });
    navigator.serviceWorker.register("/inspections/sw.js", { scope: "/inspections/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(offlineReady).catch(function () { return null; });
  }

  // ---- Start: what is waiting in this browser, then send it ----
  idb.all("queue").then(function (items) {
    pending = (items || []).filter(function (it) { return it.inspection === cfg.id; }).sort(function (a, b) { return a.seq - b.seq; });
    seq = Math.max(seq, pending.length ? pending[pending.length - 1].seq + 1 : 0);
    return Promise.all(pending.map(function (it) {
      return Promise.all(it.photos.map(function (pid) {
        return idb.get("photos", pid).then(function (ph) { if (ph && ph.blob) { photoURL[pid] = URL.createObjectURL(ph.blob); } });
      }));
    }));
  }).catch(function () { return null; }).then(function () {
    render();
    sync();
  });
})();
