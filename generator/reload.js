// Injected by `bangyang serve` only. Long-polls the build epoch; when a
// successful rebuild changed the page it shows, updates it in place (see
// `update`) or reloads it (keeping the scroll position) — the server says
// which pages each epoch changed, so a save updates the page it shows once,
// not again for the full build that follows — and shows an overlay with every
// problem after a failed build.
(function () {
  "use strict";
  var base = "__BASE__";
  var me = document.currentScript;
  var epoch = parseInt(me && me.getAttribute("data-epoch"), 10);
  var key = "bangyang-scroll:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      var y = parseInt(saved, 10);
      var restore = function () { window.scrollTo(0, y); };
      if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
    }
  } catch (e) { /* storage may be unavailable */ }

  function overlay(problems) {
    var box = document.getElementById("bangyang-errors");
    if (!box) {
      box = document.createElement("div");
      box.id = "bangyang-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);" +
        "color:#fff;font:16px/1.6 system-ui,'Microsoft YaHei',sans-serif;padding:24px";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var h = document.createElement("h2");
    h.textContent = "生成失败：共 " + problems.length + " 处错误（修改后会自动恢复） Build failed";
    h.style.cssText = "color:#ffb4b4;margin:0 0 16px;font-size:20px";
    box.appendChild(h);
    problems.forEach(function (p) {
      var item = document.createElement("pre");
      item.className = "bangyang-problem";
      item.style.cssText = "white-space:pre-wrap;margin:0 0 12px;padding:12px;background:#2b2b2b;border-left:4px solid #f87171";
      item.textContent = p.path + (p.line ? ":" + p.line : "") + (p.field ? " [" + p.field + "]" : "") +
        "\n" + p.message + (p.hint ? "\n提示：" + p.hint : "");
      box.appendChild(item);
    });
  }

  function clearOverlay() {
    var box = document.getElementById("bangyang-errors");
    if (box) { box.parentNode.removeChild(box); }
  }

  // This page as the server lists changed pages (the file served: a 404 page is /404.html).
  var here = me && me.getAttribute("data-page");
  if (!here) {
    here = location.pathname;
    try { here = decodeURIComponent(here); } catch (e) { /* keep it encoded */ }
    here = here.replace(/\/index\.html$/, "/");
  }

  function mine(changed) {
    // null: the server does not know what changed (a first build, a theme file …).
    return !changed || changed.indexOf(here) >= 0;
  }

  // In-place update. A full reload costs a browser 100–300 ms and a flash;
  // most saves change only words. So the page keeps the HTML it was served
  // (`served`), fetches the new HTML, and compares the two: that tells the
  // server's changes apart from what the theme's scripts did to the page
  // since (a dialog appended, a class toggled), which are kept. The change is
  // applied only when it is plain content — text, attributes of ordinary
  // elements, whole paragraphs, lists, headings or pictures added or removed —
  // and the live page still has the shape the served HTML had. Anything a
  // script may have hooked (scripts, styles, forms, buttons, dialogs, ids
  // other than heading anchors, data-* and on* attributes) reloads instead.
  var served = null; // the parsed HTML this page shows; null: not known, so reload
  var ACTIVE = /^(SCRIPT|STYLE|LINK|BASE|DIALOG|IFRAME|OBJECT|EMBED|FORM|BUTTON|INPUT|SELECT|TEXTAREA|VIDEO|AUDIO|CANVAS|TEMPLATE|SLOT|NOSCRIPT)$/;

  function ours(node) {
    return node.nodeType === 1 && node.nodeName === "SCRIPT" && (node.getAttribute("src") || "").indexOf("__bangyang/") >= 0;
  }
  function same(a, b) { return (ours(a) && ours(b)) || a.isEqualNode(b); }
  function hooked(name, el) {
    return name.slice(0, 5) === "data-" || name.slice(0, 2) === "on" || (name === "id" && !/^H[1-6]$/.test(el.nodeName));
  }
  function inert(node) {
    if (node.nodeType === 3 || node.nodeType === 8) { return true; }
    if (node.nodeType !== 1) { return false; }
    var all = [node].concat(Array.prototype.slice.call(node.querySelectorAll("*")));
    for (var i = 0; i < all.length; i++) {
      if (ACTIVE.test(all[i].nodeName)) { return false; }
      for (var j = 0; j < all[i].attributes.length; j++) {
        if (hooked(all[i].attributes[j].name, all[i])) { return false; }
      }
    }
    return true;
  }
  function names(a, b) {
    var out = {};
    [a, b].forEach(function (el) { for (var i = 0; i < el.attributes.length; i++) { out[el.attributes[i].name] = true; } });
    return Object.keys(out);
  }
  function kin(a, b) { return a.nodeType === b.nodeType && a.nodeName === b.nodeName; }

  // Adds to `ops` what turns live node `l` (served as `p`) into `n`; false: reload instead.
  function plan(p, n, l, ops) {
    if (same(p, n)) { return true; }
    if (!kin(p, n) || !kin(p, l)) { return false; }
    if (p.nodeType === 3 || p.nodeType === 8) {
      if (l.nodeValue !== p.nodeValue) { return false; }
      ops.push(function () { l.nodeValue = n.nodeValue; });
      return true;
    }
    if (p.nodeType !== 1 || ACTIVE.test(p.nodeName)) { return false; }
    var attrs = names(p, n);
    for (var i = 0; i < attrs.length; i++) {
      var name = attrs[i], value = n.getAttribute(name);
      if (p.getAttribute(name) === value) { continue; }
      if (hooked(name, p)) { return false; }
      ops.push(value === null ? l.removeAttribute.bind(l, name) : l.setAttribute.bind(l, name, value));
    }
    return planChildren(p, n, l, ops);
  }

  function planChildren(p, n, l, ops) {
    var pc = p.childNodes, nc = n.childNodes, lc = Array.prototype.slice.call(l.childNodes);
    // Scripts may append (a dialog at the end of <body>), not insert or remove.
    if (lc.length < pc.length) { return false; }
    for (var i = 0; i < pc.length; i++) { if (!kin(pc[i], lc[i])) { return false; } }
    var a = 0;
    while (a < pc.length && a < nc.length && same(pc[a], nc[a])) { a++; }
    var bp = pc.length, bn = nc.length;
    while (bp > a && bn > a && same(pc[bp - 1], nc[bn - 1])) { bp--; bn--; }
    if (bp - a === bn - a) {
      for (var k = a; k < bp; k++) {
        if (kin(pc[k], nc[k])) {
          if (!plan(pc[k], nc[k], lc[k], ops)) { return false; }
        } else if (!replace([lc[k]], [pc[k]], [nc[k]], lc[k + 1] || null, l, ops)) {
          return false;
        }
      }
      return true;
    }
    var olds = [], gone = [], added = [];
    for (var m = a; m < bp; m++) { olds.push(pc[m]); gone.push(lc[m]); }
    for (var q = a; q < bn; q++) { added.push(nc[q]); }
    return replace(gone, olds, added, lc[bp] || null, l, ops);
  }

  function replace(gone, olds, added, before, parent, ops) {
    if (!olds.every(inert) || !added.every(inert)) { return false; }
    ops.push(function () {
      gone.forEach(function (node) { parent.removeChild(node); });
      added.forEach(function (node) { parent.insertBefore(document.importNode(node, true), before); });
    });
    return true;
  }

  function fetchPage(done) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", location.pathname + location.search, true);
    xhr.setRequestHeader("Cache-Control", "no-cache");
    xhr.onload = function () {
      var doc = null;
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (xhr.status === 200 && type.indexOf("text/html") === 0) {
        try { doc = new DOMParser().parseFromString(xhr.responseText, "text/html"); } catch (e) { doc = null; }
      }
      done(doc);
    };
    xhr.onerror = function () { done(null); };
    xhr.send();
  }
  function epochOf(doc) {
    var tag = doc.querySelector("script[data-epoch]");
    var value = tag && ours(tag) ? parseInt(tag.getAttribute("data-epoch"), 10) : NaN;
    return isNaN(value) ? -1 : value;
  }

  function update(done) {
    if (!served) { return done(false); }
    fetchPage(function (doc) {
      var ops = [];
      var fits = false;
      try { fits = !!doc && epochOf(doc) >= 0 && plan(served.documentElement, doc.documentElement, document.documentElement, ops); } catch (e) { fits = false; }
      if (!fits) { return done(false); }
      try {
        ops.forEach(function (op) { op(); });
      } catch (e) { return done(false); }
      served = doc;
      epoch = epochOf(doc);
      if (ops.length) {
        // For a theme script that wants to know (and for tests): the page now shows `epoch`.
        try { document.dispatchEvent(new CustomEvent("bangyang:updated", { detail: { epoch: epoch } })); } catch (e) { /* old browser */ }
      }
      done(true);
    });
  }

  // What this page was served as: fetched again once it has loaded; only an
  // answer of the same epoch is the same HTML.
  function remember() {
    fetchPage(function (doc) {
      if (doc && epochOf(doc) === epoch) { served = doc; }
    });
  }
  if (document.readyState === "complete") { remember(); } else { window.addEventListener("load", remember); }

  // One tab polls for all the open tabs of this site and tells the others
  // through a BroadcastChannel: a browser opens at most six connections to
  // a host, and a long poll holds one, so a seventh preview tab would wait
  // for a poll to end before it could even load. The tab holding the Web
  // Lock is the one that polls; when it closes, another takes over. Where
  // either is missing (an address that is not this machine's), each tab polls.
  var delay = 500;
  var seen = -1; // the epoch the last answer named; -1 answers at once with the current state
  var channel = null;
  try { channel = new BroadcastChannel("bangyang:" + base); } catch (e) { channel = null; }
  var shared = !!(channel && navigator.locks && navigator.locks.request);

  function ask(wait, done) {
    var since = isNaN(epoch) ? -1 : epoch;
    var xhr = new XMLHttpRequest();
    // since: the epoch of what this page shows; the server answers with every page changed after it.
    // page: the server waits for a page it changed to run its new version before it builds the rest.
    xhr.open("GET", base + "__bangyang/poll?epoch=" + (wait ? seen : -1) + "&since=" + since +
      "&page=" + encodeURIComponent(here), true);
    xhr.timeout = 60000;
    xhr.onload = function () {
      var data;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (data && xhr.status === 200) { data.from = since; }
      done(data && xhr.status === 200 ? data : null);
    };
    xhr.onerror = xhr.ontimeout = function () { done(null); };
    xhr.send();
  }

  // One answer, for this tab: `next` once it is handled (not after a reload).
  var busy = false, waiting = null;
  function handle(data, next) {
    // While a change is applied, the newest answer waits; the call that applies it goes on after.
    if (busy) { waiting = data; return; }
    seen = data.epoch; // not the highest: a restarted server counts from 1 again
    // `changed` lists the pages changed after epoch `from`: for a tab at another epoch it is not known.
    var changed = data.from === epoch ? data.changed : null;
    if (!data.ok) {
      overlay(data.problems);
    } else if (data.epoch !== epoch && mine(changed)) {
      clearOverlay();
      busy = true;
      update(function (done) {
        busy = false;
        if (!done) {
          try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* ignore */ }
          location.reload();
          return;
        }
        if (shared) { ask(false, function () {}); } // tells the server this page runs its new version
        if (waiting) { var again = waiting; waiting = null; return handle(again, next); }
        next();
      });
      return;
    } else {
      epoch = data.epoch; // nothing this page shows changed: it is current
      clearOverlay();
    }
    next();
  }

  function poll() {
    ask(true, function (data) {
      if (!data) { return later(); }
      delay = 500;
      if (shared) { channel.postMessage(data); }
      handle(data, poll);
    });
  }
  function later() {
    // The server was restarted or is gone: back off, keep trying.
    delay = Math.min(delay * 2, 5000);
    setTimeout(poll, delay);
  }

  // A tab coming back into view asks at once: the polling tab may be hidden,
  // and a browser slows a hidden tab's timers (its retries after a restart) to
  // once a minute.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { ask(false, function (data) { if (data) { handle(data, function () {}); } }); }
  });

  // The current state at once (a failed build's problems), then the long polls.
  ask(false, function (data) {
    var start = shared ? function () {
      channel.onmessage = function (event) { handle(event.data, function () {}); };
      navigator.locks.request("bangyang-poll:" + base, function () {
        poll();
        return new Promise(function () {}); // held until this tab closes
      });
    } : poll;
    if (data) { handle(data, start); } else { start(); }
  });
})();
