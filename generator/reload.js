// Injected by `bangyang serve` only. Long-polls the build epoch; reloads the
// page when a successful rebuild changed it (keeping the scroll position) —
// the server says which pages each epoch changed, so a save reloads the page
// it shows once, not again for the full build that follows — and shows an
// overlay with every problem after a failed build.
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

  var delay = 500;
  var seen = -1; // the first poll answers at once with the current state
  function poll() {
    var xhr = new XMLHttpRequest();
    // since: the epoch of what this page shows; the server answers with every page changed after it.
    // page: the server waits for a reloaded page to run before it builds the rest.
    xhr.open("GET", base + "__bangyang/poll?epoch=" + seen + "&since=" + (isNaN(epoch) ? -1 : epoch) +
      "&page=" + encodeURIComponent(here), true);
    xhr.timeout = 60000;
    xhr.onload = function () {
      var data;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (!data || xhr.status !== 200) { return later(); }
      delay = 500;
      seen = data.epoch;
      if (!data.ok) {
        overlay(data.problems);
      } else if (data.epoch !== epoch && mine(data.changed)) {
        try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* ignore */ }
        location.reload();
        return;
      } else {
        epoch = data.epoch; // nothing this page shows changed: it is current
        clearOverlay();
      }
      poll();
    };
    xhr.onerror = xhr.ontimeout = later;
    xhr.send();
  }
  function later() {
    // The server was restarted or is gone: back off, keep trying.
    delay = Math.min(delay * 2, 5000);
    setTimeout(poll, delay);
  }
  poll();
})();
