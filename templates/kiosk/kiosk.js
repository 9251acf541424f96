/* 榜样 kiosk runtime: plays one screen's playlist unattended, for weeks.

   Inlined into each kiosk page, after the playlist (<script id="kiosk-data">).
   Plain ES5 for old Chromium and Android TV browsers; no framework.

   - One timer (setInterval) drives everything: the clock, slide changes,
     polling, time-outs. Two slide nodes are reused: the next slide is drawn
     into the hidden one, its images decoded, its text shrunk to fit, and only
     then faded in over the current one (which stays visible underneath).
   - What to show is decided by this screen's clock on every change: slogans
     outside from/until, activities that have started, day-parting.
   - Updates: build.json is polled (no-store). A new build id → the page is
     fetched off-screen and must be complete (HTTP 200, our screen, data that
     parses, every image decoding, the same build id before and after); only
     then is it swapped in, in place, without navigating. Anything else keeps
     the current content and retries with exponential back-off.
   - Errors: a few in a minute rebuild the page from the last good copy kept
     in memory.

   Hand-over contract between versions (old runtime → new runtime):
   window.__bangyangKioskHandoff = {token, root, style, script, pkg, state}
   and the new runtime sets window.__bangyangKioskAlive = token when it runs. */
(function (window, document) {
  "use strict";

  var TICK_MS = 1000;
  var FADE_MS = 1300;
  var FIRST_POLL_MS = 4000;
  var POLL_MS = 60000;
  var RETRY_MIN_MS = 15000;
  var RETRY_MAX_MS = 600000;
  var REQUEST_MS = 20000;
  var DECODE_MS = 10000;
  var PRELOAD_MS = 90000;
  var HANDS_OFF_MS = 600000; // a pause or the status corner left on by a passer-by ends by itself
  var MARKER = "<!--/bangyang-" + "kiosk-->"; // split: this script must not contain it
  // Opened from disk (file://) there is no build.json to ask: play what the page holds and say so.
  var FROM_DISK = window.location.protocol === "file:";
  var WEEKDAYS = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];
  var MARK_SVG =
    '<svg class="k-idle-mark" viewBox="0 0 40 40" aria-hidden="true" focusable="false"><circle cx="20" cy="20" r="19" fill="#fff7e0" stroke="#e0b44a" stroke-width="2"/>' +
    '<path d="M20 7.5l3.1 9.4h9.9l-8 5.8 3.1 9.4-8.1-5.8-8.1 5.8 3.1-9.4-8-5.8h9.9z" fill="#b91c1c"/></svg>';

  // --- where we come from: the page itself, or a previous runtime ----------
  var handoff = window.__bangyangKioskHandoff || null;
  window.__bangyangKioskHandoff = null;
  var root, self, styleEl, scriptEl;
  if (handoff) {
    root = handoff.root;
    self = handoff.pkg;
    styleEl = handoff.style;
    scriptEl = handoff.script;
  } else {
    root = document.getElementById("kiosk-root");
    styleEl = document.getElementById("kiosk-style");
    scriptEl = document.currentScript || document.getElementById("kiosk-script");
    var dataEl = document.getElementById("kiosk-data");
    self = {
      html: root.outerHTML,
      css: styleEl ? styleEl.textContent : "",
      js: scriptEl ? scriptEl.text : "",
      data: dataEl ? dataEl.textContent : "{}"
    };
  }
  var data = JSON.parse(self.data);
  self.contentId = data.content_id;
  var seconds = Math.max(3, data.seconds || 12);
  var groups = parseGroups(data.groups || []);

  var slides = root.querySelectorAll(".k-slide");
  var S = {
    front: slides[0],
    back: slides[1],
    current: null,
    pos: 0,
    count: 0,
    shownAt: 0,
    nextAt: 0,
    paused: false,
    touchedAt: 0,
    preparing: null,
    token: 0,
    entering: !!handoff,
    cleanupAt: 0,
    buildId: null,
    lastPollOk: 0,
    failures: 0,
    net: "尚未检查",
    nextPoll: 0,
    busy: false,
    request: null,
    preload: null,
    errors: [],
    lastError: "",
    clockText: "",
    shown: 0,
    warm: [],
    stopped: false,
    timer: null
  };
  var el = {
    progress: root.querySelector(".k-progress"),
    paused: root.querySelector(".k-paused"),
    status: root.querySelector(".k-status")
  };
  if (handoff && handoff.state) {
    var st = handoff.state;
    S.buildId = st.buildId || null;
    S.lastPollOk = st.lastPollOk || 0;
    S.net = st.net || S.net;
    S.pos = st.pos || 0;
    S.current = st.currentId ? { id: st.currentId } : null;
    S.paused = !!st.paused;
    if (st.statusShown) el.status.removeAttribute("hidden");
  }

  // --- time: the site's clock, whatever zone the screen is set to ----------
  function offsetAt(now) {
    var zone = data.zone || [[0, 480]];
    var offset = zone[0][1];
    for (var i = 1; i < zone.length; i++) {
      if (now >= zone[i][0]) offset = zone[i][1];
    }
    return offset;
  }
  function local(now) {
    var shifted = now + offsetAt(now) * 60000;
    var d = new Date(shifted);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
      minutes: d.getUTCHours() * 60 + d.getUTCMinutes(),
      hh: pad(d.getUTCHours()),
      mm: pad(d.getUTCMinutes()),
      ss: pad(d.getUTCSeconds()),
      dayNumber: Math.floor(shifted / 86400000)
    };
  }
  function pad(n) {
    return n < 10 ? "0" + n : "" + n;
  }
  function time(iso) {
    return iso ? Date.parse(iso) : null; // NaN for garbage: never shown
  }
  function dayAllowed(weekday) {
    var days = data.days || [];
    if (!days.length) return true;
    for (var i = 0; i < days.length; i++) if (days[i] === weekday) return true;
    return false;
  }
  function onAir(now) {
    var hours = data.hours || [];
    var t = local(now);
    if (!hours.length) return dayAllowed(t.weekday);
    for (var i = 0; i < hours.length; i++) {
      var a = hours[i][0], b = hours[i][1];
      if (a < b) {
        if (t.minutes >= a && t.minutes < b && dayAllowed(t.weekday)) return true;
      } else {
        // past midnight: the early part belongs to the day the span started
        if (t.minutes >= a && dayAllowed(t.weekday)) return true;
        if (t.minutes < b && dayAllowed((t.weekday + 6) % 7)) return true;
      }
    }
    return false;
  }

  // --- the playlist, decided now -------------------------------------------
  function parseGroups(raw) {
    var out = [];
    for (var g = 0; g < raw.length; g++) {
      var list = [];
      for (var i = 0; i < raw[g].length; i++) {
        var item = raw[g][i];
        item.fromMs = time(item.from);
        item.untilMs = time(item.until);
        item.startMs = time(item.start);
        item.endMs = time(item.end);
        list.push(item);
      }
      out.push(list);
    }
    return out;
  }
  function visible(item, now) {
    if (item.kind === "slogan") {
      return (item.fromMs === null || now >= item.fromMs) && (item.untilMs === null || now < item.untilMs);
    }
    if (item.kind === "activity") {
      if (item.window === "upcoming") return now < item.startMs;
      if (item.window === "ongoing") return now >= item.startMs && now < item.endMs;
      return now < item.endMs;
    }
    return true;
  }
  function playlist(now) {
    var out = [];
    if (!onAir(now)) return out;
    var lists = [], longest = 0, g, i;
    for (g = 0; g < groups.length; g++) {
      var shown = [];
      for (i = 0; i < groups[g].length; i++) if (visible(groups[g][i], now)) shown.push(groups[g][i]);
      lists.push(shown);
      if (shown.length > longest) longest = shown.length;
    }
    // interleaved: a slogan, a role model, an activity, a slogan, …
    for (i = 0; i < longest; i++) {
      for (g = 0; g < lists.length; g++) if (i < lists[g].length) out.push(lists[g][i]);
    }
    return out;
  }

  // --- drawing a slide ------------------------------------------------------
  function esc(s) {
    return String(s === null || s === undefined ? "" : s)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }
  function img(image, cls) {
    if (!image) return "";
    return '<img class="' + cls + '" src="' + esc(image.src) + '" alt="' + esc(image.alt) + '" width="' + image.width + '" height="' + image.height + '">';
  }
  // The bottom row of a role-model or activity slide: facts on the left, the QR code on the right.
  function foot(label, lines, caption, qr) {
    var list = "";
    var count = 0;
    for (var i = 0; i < lines.length; i++) {
      if (lines[i]) {
        list += "<li>" + esc(lines[i]) + "</li>";
        count++;
      }
    }
    return (
      '<div class="k-foot"><div class="k-foot-main k-fit">' +
      (count ? '<p class="k-foot-label">' + esc(label) + '</p><ul class="k-list' + (count === 1 ? " k-list-one" : "") + '">' + list + "</ul>" : "") +
      '</div><div class="k-qr-card"><div class="k-qr">' + (qr || "") + '</div><p class="k-qr-caption">' + esc(caption) + "</p></div></div>"
    );
  }
  function drawSlogan(item) {
    var parts = String(item.text || "").split(/\s+/), lines = [];
    for (var i = 0; i < parts.length; i++) if (parts[i]) lines.push(parts[i]);
    var text = "";
    if (lines.length >= 2 && lines.length <= 4) {
      for (i = 0; i < lines.length; i++) text += '<span class="k-line">' + esc(lines[i]) + "</span>";
    } else if (lines.length > 4) {
      // "富强 民主 文明 …": break lines between the words, not inside them
      for (i = 0; i < lines.length; i++) text += '<span class="k-word">' + esc(lines[i]) + "</span> ";
    } else {
      text = esc(item.text);
    }
    return (
      '<div class="k-slogan">' +
      (item.image ? img(item.image, "k-bg") + '<div class="k-veil"></div>' : "") +
      '<div class="k-frame"></div>' +
      '<p class="k-kicker">' + esc(item.theme || "宣传标语") + "</p>" +
      '<div class="k-slogan-text k-fit"><p>' + text + "</p></div>" +
      (item.source ? '<p class="k-source">' + esc(item.source) + "</p>" : "") +
      "</div>"
    );
  }
  function drawProfile(item) {
    var role = [item.unit, item.position].join(item.unit && item.position ? " · " : "");
    return (
      '<div class="k-profile">' +
      '<div class="k-photo">' + (item.image ? img(item.image, "") : '<span class="k-initial">' + esc(String(item.name || "").charAt(0)) + "</span>") + "</div>" +
      '<div class="k-ident"><p><span class="k-badge">' + esc(item.category) + "</span></p>" +
      '<h2 class="k-name k-fit k-fit-line">' + esc(item.name) + "</h2>" +
      (role ? '<p class="k-role">' + esc(role) + "</p>" : "") +
      "</div>" +
      '<div class="k-rule"></div>' +
      '<div class="k-main k-fit"><p class="k-summary">' + esc(item.summary) + "</p></div>" +
      foot("主要荣誉", item.honors || [], "扫码阅读事迹", item.qr) +
      "</div>"
    );
  }
  function drawActivity(item, now) {
    var badge, countdown = "";
    if (now < item.startMs) {
      badge = "即将开始";
      var days = local(item.startMs).dayNumber - local(now).dayNumber;
      countdown = days <= 0 ? "今天开始" : days === 1 ? "明天开始" : "还有 " + days + " 天";
    } else {
      badge = "进行中";
    }
    return (
      '<div class="k-activity">' +
      '<div class="k-cover">' + (item.image ? img(item.image, "") : '<span class="k-cover-theme">' + esc(item.theme) + "</span>") + "</div>" +
      '<p class="k-tags"><span class="k-badge">' + badge + '</span><span class="k-badge k-badge-gold">' + esc(item.theme) + "</span>" +
      (countdown ? '<span class="k-countdown">' + countdown + "</span>" : "") + "</p>" +
      '<h2 class="k-title k-fit">' + esc(item.title) + "</h2>" +
      '<dl class="k-facts"><div><dt>时间</dt><dd>' + esc(item.when) + "</dd></div>" +
      (item.location ? "<div><dt>地点</dt><dd>" + esc(item.location) + "</dd></div>" : "") +
      "</dl>" +
      '<div class="k-main k-fit"><p class="k-summary">' + esc(item.summary) + "</p></div>" +
      foot("主办单位", [item.organizer], "扫码查看详情", item.qr) +
      "</div>"
    );
  }
  function drawIdle(item, now) {
    var t = local(now);
    var note = item.offAir && data.schedule ? "播放时段　" + data.schedule : data.title;
    return (
      '<div class="k-idle">' + MARK_SVG +
      '<p class="k-idle-site">' + esc(data.site) + "</p>" +
      '<p class="k-idle-clock js-clock">' + t.hh + ":" + t.mm + "</p>" +
      '<p class="k-idle-date js-date">' + dateText(t) + "</p>" +
      '<p class="k-idle-note">' + esc(note) + "</p>" +
      "</div>"
    );
  }
  function draw(item, now) {
    if (item.kind === "slogan") return drawSlogan(item);
    if (item.kind === "profile") return drawProfile(item);
    if (item.kind === "activity") return drawActivity(item, now);
    return drawIdle(item, now);
  }
  function dateText(t) {
    return t.year + "年" + t.month + "月" + t.day + "日 " + WEEKDAYS[t.weekday];
  }

  // Shrink a box's font until its content fits (its children size in em).
  // CJK fonts are taller than a tight line-height: the last line's descent
  // may stick out a little without any text being cut, hence the allowance.
  function fits(box, size) {
    var widthOnly = (" " + box.className + " ").indexOf(" k-fit-line ") >= 0;
    var heightOk = widthOnly || box.scrollHeight <= box.clientHeight + Math.max(2, size * 0.3);
    return heightOk && box.scrollWidth <= box.clientWidth + 1;
  }
  function fit(box) {
    box.style.fontSize = "";
    var size = parseFloat(window.getComputedStyle(box).fontSize) || 16;
    for (var guard = 0; guard < 60 && size > 6; guard++) {
      if (fits(box, size)) return;
      size = Math.max(6, size * 0.92);
      box.style.fontSize = size.toFixed(2) + "px";
    }
  }
  function fitAll(node) {
    var boxes = node.querySelectorAll(".k-fit");
    for (var i = 0; i < boxes.length; i++) fit(boxes[i]);
  }

  // --- showing: draw off-screen, decode, then crossfade --------------------
  function show(item, now) {
    var node = S.back;
    var job = { token: ++S.token, node: node, item: item, pending: 1, deadline: now + DECODE_MS };
    S.preparing = job;
    node.className = "k-slide";
    node.setAttribute("aria-hidden", "true");
    node.innerHTML = draw(item, now);
    fitAll(node);
    var images = node.getElementsByTagName("img");
    for (var i = 0; i < images.length; i++) watchImage(images[i], job);
    settle(job);
  }
  function watchImage(image, job) {
    var finished = false;
    job.pending++;
    function done() {
      if (finished) return;
      finished = true;
      image.onload = image.onerror = null;
      settle(job);
    }
    function loaded() {
      if (!image.naturalWidth) {
        image.style.visibility = "hidden";
        return done();
      }
      if (image.decode) {
        try {
          image.decode().then(done, done);
          return;
        } catch (e) {
          /* fall through */
        }
      }
      done();
    }
    if (image.complete) {
      loaded();
    } else {
      image.onload = loaded;
      image.onerror = function () {
        image.style.visibility = "hidden";
        done();
      };
    }
  }
  function settle(job) {
    job.pending--;
    if (job.pending <= 0) commit(job);
  }
  function commit(job) {
    if (S.preparing !== job || S.stopped) return;
    S.preparing = null;
    var node = job.node, old = S.front;
    var images = node.getElementsByTagName("img");
    for (var i = 0; i < images.length; i++) {
      // still loading after the time-out: better no picture than half of one
      if (!images[i].complete || !images[i].naturalWidth) images[i].style.visibility = "hidden";
    }
    void node.offsetWidth; // start the fade from transparent
    // A new page fades in as a whole (enter), its first slide already in place.
    node.className = "k-slide shown is-front" + (S.entering ? " instant" : "");
    node.setAttribute("aria-hidden", "false");
    if (old !== node) {
      // Stays fully visible underneath until covered, even if its own fade-in
      // had not finished (keys pressed in quick succession).
      old.className = "k-slide shown instant";
      old.setAttribute("aria-hidden", "true");
    }
    S.front = node;
    S.back = old;
    S.current = job.item;
    S.shown++;
    var now = Date.now();
    S.shownAt = now;
    S.nextAt = now + seconds * 1000;
    setClass(root, "is-idle", job.item.kind === "idle");
    root.setAttribute("data-current", job.item.id);
    restartProgress();
    updateClock(now, true);
    if (S.entering) enter(now);
    updateStatus(now);
  }
  function advance(step, now) {
    var list = playlist(now);
    var item;
    S.count = list.length;
    if (!list.length) {
      item = { id: "idle", kind: "idle", offAir: !onAir(now) };
      S.pos = 0;
    } else {
      var at = -1;
      for (var i = 0; S.current && i < list.length; i++) if (list[i].id === S.current.id) at = i;
      // When the current slide has just left the playlist, its place holds the next one.
      var next = at >= 0 ? at + step : step >= 0 ? S.pos : S.pos - 1;
      S.pos = ((next % list.length) + list.length) % list.length;
      item = list[S.pos];
    }
    if (item.kind === "idle" && S.current && S.current.kind === "idle" && S.current.offAir === item.offAir && !S.entering) {
      S.nextAt = now + seconds * 1000;
      return;
    }
    show(item, now);
  }
  function restartProgress() {
    var bar = el.progress;
    if (!bar) return;
    bar.className = "k-progress";
    void bar.offsetWidth;
    bar.style.webkitAnimationDuration = seconds + "s";
    bar.style.animationDuration = seconds + "s";
    bar.className = "k-progress run";
  }
  function setClass(node, name, on) {
    var has = (" " + node.className + " ").indexOf(" " + name + " ") >= 0;
    if (on && !has) node.className += " " + name;
    if (!on && has) node.className = (" " + node.className + " ").replace(" " + name + " ", " ").replace(/^\s+|\s+$/g, "");
  }

  // Fetch every picture of the playlist once, now: later slides are then drawn
  // from the browser's cache, even if the network has gone by then.
  function warm() {
    var seen = {}, g, i;
    S.warm = [];
    for (g = 0; g < groups.length; g++) {
      for (i = 0; i < groups[g].length; i++) {
        var image = groups[g][i].image;
        if (image && image.src && !seen[image.src]) {
          seen[image.src] = true;
          var keep = new Image();
          keep.src = image.src;
          S.warm.push(keep); // referenced, so it stays in the memory cache
        }
      }
    }
  }

  // --- the clock, keys, status ---------------------------------------------
  function updateClock(now, force) {
    var t = local(now);
    var text = t.hh + ":" + t.mm;
    if (text === S.clockText && !force) return;
    S.clockText = text;
    var date = dateText(t), i;
    var clocks = root.querySelectorAll(".js-clock");
    for (i = 0; i < clocks.length; i++) clocks[i].textContent = text;
    var dates = root.querySelectorAll(".js-date");
    for (i = 0; i < dates.length; i++) dates[i].textContent = date;
  }
  function onKey(event) {
    var code = event.keyCode || 0, key = event.key || "";
    if (code === 39 || code === 40 || code === 34 || key === "ArrowRight" || key === "ArrowDown") manual(1);
    else if (code === 37 || code === 38 || code === 33 || key === "ArrowLeft" || key === "ArrowUp") manual(-1);
    else if (code === 32 || code === 13 || code === 179 || key === " " || key === "Enter" || key === "MediaPlayPause") togglePause();
    else if (code === 73 || key === "i" || key === "I") toggleStatus();
    else return;
    if (event.preventDefault) event.preventDefault();
  }
  function manual(step) {
    guard(function () {
      S.preparing = null; // a slide still decoding is dropped
      advance(step, Date.now());
    });
  }
  function togglePause() {
    S.paused = !S.paused;
    S.touchedAt = Date.now();
    S.nextAt = Date.now() + seconds * 1000;
    setClass(root, "is-paused", S.paused);
    if (el.paused) {
      if (S.paused) el.paused.removeAttribute("hidden");
      else el.paused.setAttribute("hidden", "");
    }
    if (!S.paused) restartProgress();
    updateStatus(Date.now());
  }
  function toggleStatus() {
    if (!el.status) return;
    S.touchedAt = Date.now();
    if (el.status.hasAttribute("hidden")) el.status.removeAttribute("hidden");
    else el.status.setAttribute("hidden", "");
    updateStatus(Date.now());
  }
  function setText(selector, text) {
    var node = el.status.querySelector(selector);
    if (node && node.textContent !== text) node.textContent = text;
  }
  function updateStatus(now) {
    if (!el.status || el.status.hasAttribute("hidden")) return;
    var t = S.lastPollOk ? local(S.lastPollOk) : null;
    setText(".js-s-build", S.buildId || "—（尚未检查）");
    setText(".js-s-poll", t ? t.month + "月" + t.day + "日 " + t.hh + ":" + t.mm + ":" + t.ss : "—");
    var wait = FROM_DISK ? "不检查更新" : S.busy ? "正在检查" : Math.max(0, Math.round((S.nextPoll - now) / 1000)) + " 秒后检查";
    setText(".js-s-net", S.net + "，" + wait + (S.lastError ? "；脚本错误：" + S.lastError : ""));
    var where = S.current && S.current.kind !== "idle" ? S.pos + 1 + " / " + S.count : S.count ? "—" : "播放列表为空";
    setText(".js-s-slide", where + (S.paused ? "（已暂停）" : "") + "，每页 " + seconds + " 秒");
  }

  // --- updates: poll build.json, verify the new page off-screen, swap --------
  function request(url, done) {
    var req = { finished: false, deadline: Date.now() + REQUEST_MS, abort: null, finish: null };
    S.request = req;
    function finish(error, status, text) {
      if (req.finished) return;
      req.finished = true;
      if (S.request === req) S.request = null;
      if (S.stopped) return;
      guard(function () {
        done(error, status, text);
      });
    }
    req.finish = finish;
    try {
      if (window.fetch) {
        var controller = typeof window.AbortController === "function" ? new window.AbortController() : null;
        var options = { cache: "no-store", credentials: "same-origin", redirect: "error" };
        if (controller) options.signal = controller.signal;
        req.abort = function () {
          if (controller) controller.abort();
        };
        window
          .fetch(url, options)
          .then(function (response) {
            return response.text().then(function (text) {
              finish(null, response.status, text);
            });
          })
          .then(null, function (error) {
            finish(error || "network", 0, "");
          });
      } else {
        var xhr = new XMLHttpRequest();
        req.abort = function () {
          xhr.abort();
        };
        xhr.onreadystatechange = function () {
          if (xhr.readyState === 4) finish(xhr.status ? null : "network", xhr.status, xhr.responseText || "");
        };
        xhr.open("GET", url + (url.indexOf("?") < 0 ? "?" : "&") + "_=" + Date.now(), true);
        xhr.setRequestHeader("Cache-Control", "no-cache");
        xhr.send();
      }
    } catch (e) {
      finish(e, 0, "");
    }
  }
  function buildIdOf(error, status, text) {
    if (error || status !== 200) return null;
    try {
      var info = JSON.parse(text);
      var id = info && info.build_id;
      return typeof id === "string" && /^[0-9a-zA-Z_-]{6,64}$/.test(id) ? id : null;
    } catch (e) {
      return null; // a captive portal's HTML, a truncated file
    }
  }
  function why(error, status, what) {
    if (error) return what + "无法连接";
    if (status !== 200) return what + "返回 " + status;
    return what + "内容无效";
  }
  function poll() {
    if (S.busy || S.stopped) return;
    if (FROM_DISK) {
      S.net = "从本地文件播放";
      S.nextPoll = Infinity;
      return;
    }
    S.busy = true;
    S.nextPoll = Infinity;
    request(data.root + "build.json", function (error, status, text) {
      var id = buildIdOf(error, status, text);
      if (!id) return pollFailed(why(error, status, "build.json "));
      S.lastPollOk = Date.now();
      if (id === S.buildId) return pollDone("正常");
      checkPage(id);
    });
  }
  function pageUrl() {
    return String(window.location.href).split("#")[0].split("?")[0];
  }
  function checkPage(id) {
    request(pageUrl() + "?build=" + encodeURIComponent(id), function (error, status, text) {
      if (error || status !== 200) return pollFailed(why(error, status, "新页面 "));
      var pkg = parsePage(text);
      if (!pkg) return pollFailed("新页面不完整");
      if (pkg.contentId === self.contentId) {
        S.buildId = id; // a new build, but nothing new for this screen
        return pollDone("正常");
      }
      preload(pkg, function (ok) {
        if (!ok) return pollFailed("新页面的图片无法加载");
        request(data.root + "build.json", function (error2, status2, text2) {
          var again = buildIdOf(error2, status2, text2);
          if (!again) return pollFailed(why(error2, status2, "build.json "));
          if (again !== id) {
            // yet another build was published meanwhile: start over with it
            S.busy = false;
            S.nextPoll = Date.now() + 1000;
            return;
          }
          S.busy = false;
          S.failures = 0;
          S.net = "正常";
          if (!swapIn(pkg, id)) pollFailed("新页面无法启动");
        });
      });
    });
  }
  function parsePage(text) {
    // The marker ends the page, after the script: a page cut short has none.
    if (typeof text !== "string" || !window.DOMParser || text.lastIndexOf(MARKER) < text.lastIndexOf("kiosk-script")) return null;
    var doc;
    try {
      doc = new window.DOMParser().parseFromString(text, "text/html");
    } catch (e) {
      return null;
    }
    var meta = doc.querySelector('meta[name="bangyang-kiosk"]');
    var newRoot = doc.getElementById("kiosk-root");
    var dataNode = doc.getElementById("kiosk-data");
    var script = doc.getElementById("kiosk-script");
    var style = doc.getElementById("kiosk-style");
    if (!meta || meta.getAttribute("content") !== data.screen || !newRoot || !dataNode || !script || !style) return null;
    var parsed;
    try {
      parsed = JSON.parse(dataNode.textContent);
    } catch (e) {
      return null;
    }
    if (!parsed || !parsed.content_id || !parsed.groups) return null;
    return {
      html: newRoot.outerHTML,
      css: style.textContent,
      js: script.textContent,
      data: dataNode.textContent,
      contentId: parsed.content_id,
      parsed: parsed
    };
  }
  function preload(pkg, done) {
    var urls = [], seen = {}, g, i;
    var raw = pkg.parsed.groups;
    for (g = 0; g < raw.length; g++) {
      for (i = 0; i < raw[g].length; i++) {
        var image = raw[g][i].image;
        if (image && image.src && !seen[image.src]) {
          seen[image.src] = true;
          urls.push(image.src);
        }
      }
    }
    var left = urls.length + 1, failed = false, finished = false;
    var job = { deadline: Date.now() + PRELOAD_MS, fail: null };
    function end(ok) {
      if (finished) return;
      finished = true;
      if (S.preload === job) S.preload = null;
      if (S.stopped) return;
      guard(function () {
        done(ok);
      });
    }
    function one(ok) {
      if (!ok) failed = true;
      if (--left === 0) end(!failed);
    }
    job.fail = function () {
      end(false);
    };
    S.preload = job;
    for (i = 0; i < urls.length; i++) loadImage(urls[i], one);
    one(true);
  }
  function loadImage(url, callback) {
    var image = new Image();
    image.onload = function () {
      image.onload = image.onerror = null;
      if (!image.naturalWidth) return callback(false);
      if (image.decode) {
        try {
          image.decode().then(
            function () {
              callback(true);
            },
            function () {
              callback(false);
            }
          );
          return;
        } catch (e) {
          /* fall through */
        }
      }
      callback(true);
    };
    image.onerror = function () {
      image.onload = image.onerror = null;
      callback(false);
    };
    image.src = url; // same folder as this page: relative URLs resolve alike
  }
  function pollDone(state) {
    S.busy = false;
    S.failures = 0;
    S.net = state;
    S.nextPoll = Date.now() + POLL_MS * (0.9 + Math.random() * 0.2);
  }
  function pollFailed(reason) {
    S.busy = false;
    S.failures++;
    var delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * Math.pow(2, S.failures - 1));
    S.net = reason + "，继续播放当前内容";
    S.nextPoll = Date.now() + delay * (0.9 + Math.random() * 0.2);
  }

  // Put a verified page (or our own last good copy) in place of this one.
  function swapIn(pkg, buildId) {
    var holder = document.createElement("div");
    holder.innerHTML = pkg.html;
    var next = holder.firstElementChild;
    if (!next) return false;
    next.className += " kiosk-incoming";
    var style = document.createElement("style");
    style.setAttribute("data-kiosk-style", "");
    style.appendChild(document.createTextNode(pkg.css));
    var script = document.createElement("script");
    var token = "k" + Date.now() + "-" + Math.random();
    document.head.appendChild(style);
    document.body.appendChild(next);
    window.__bangyangKioskHandoff = {
      token: token,
      root: next,
      style: style,
      script: script,
      pkg: pkg,
      state: {
        buildId: buildId,
        lastPollOk: S.lastPollOk,
        net: S.net,
        pos: S.pos,
        currentId: S.current ? S.current.id : null,
        paused: S.paused,
        statusShown: !!(el.status && !el.status.hasAttribute("hidden"))
      }
    };
    stop();
    script.text = pkg.js;
    try {
      document.body.appendChild(script); // runs the new runtime now
    } catch (e) {
      /* reported below */
    }
    if (window.__bangyangKioskAlive === token) return true;
    // The new code did not start: remove it and carry on as before.
    window.__bangyangKioskHandoff = null;
    remove(next);
    remove(style);
    remove(script);
    resume();
    return false;
  }
  function remove(node) {
    if (node && node.parentNode) node.parentNode.removeChild(node);
  }
  function enter(now) {
    S.entering = false;
    void root.offsetWidth;
    setClass(root, "kiosk-entered", true);
    S.cleanupAt = now + FADE_MS + 200;
  }
  // After a swap has faded in: drop the previous page's nodes (the DOM stays the same size).
  function cleanup() {
    S.cleanupAt = 0;
    var i, nodes = document.querySelectorAll(".kiosk-root");
    for (i = 0; i < nodes.length; i++) if (nodes[i] !== root) remove(nodes[i]);
    nodes = document.querySelectorAll("style[data-kiosk-style]");
    for (i = 0; i < nodes.length; i++) if (nodes[i] !== styleEl) remove(nodes[i]);
    nodes = document.body.getElementsByTagName("script");
    for (i = nodes.length - 1; i >= 0; i--) if (nodes[i] !== scriptEl && nodes[i].getAttribute("src") === null) remove(nodes[i]);
    root.removeAttribute("data-handoff");
  }

  // --- errors: never stop for good -----------------------------------------
  function guard(fn) {
    try {
      fn();
    } catch (e) {
      noteError(e);
    }
  }
  function noteError(error) {
    var now = Date.now(), recent = 0;
    S.lastError = String((error && error.message) || error || "错误").slice(0, 120);
    S.errors.push(now);
    if (S.errors.length > 5) S.errors.shift();
    for (var i = 0; i < S.errors.length; i++) if (now - S.errors[i] < 60000) recent++;
    if (recent >= 3 && !S.stopped) {
      S.errors = [];
      recover();
    }
  }
  function onWindowError(event) {
    if (event && event.target && event.target !== window) return; // a missing image, not a script error
    noteError((event && (event.error || event.message)) || "error");
  }
  function recover() {
    var ok = false;
    try {
      ok = swapIn(self, S.buildId);
    } catch (e) {
      ok = false;
    }
    if (!ok && S.lastPollOk && Date.now() - S.lastPollOk < RETRY_MAX_MS && window.navigator.onLine !== false) {
      window.location.reload(); // last resort, and only while the site answers
    }
  }

  // --- the one timer --------------------------------------------------------
  function tick() {
    var now = Date.now();
    guard(function () {
      // the clock may have been set back: no deadline further away than it can be
      if (S.nextAt - now > seconds * 1000 + FADE_MS) S.nextAt = now + seconds * 1000;
      if (S.nextPoll !== Infinity && S.nextPoll - now > RETRY_MAX_MS * 1.2) S.nextPoll = now + POLL_MS;
      updateClock(now, false);
      if (S.preparing && (now > S.preparing.deadline || S.preparing.deadline - now > DECODE_MS)) commit(S.preparing);
      if (!S.paused && !S.preparing && !(now < S.nextAt)) advance(1, now);
      if (S.request && (now > S.request.deadline || S.request.deadline - now > REQUEST_MS)) {
        var req = S.request;
        if (req.abort) guard(req.abort);
        req.finish("timeout", 0, "");
      }
      if (S.preload && (now > S.preload.deadline || S.preload.deadline - now > PRELOAD_MS)) S.preload.fail();
      if (S.cleanupAt && now >= S.cleanupAt) cleanup();
      if (now - S.touchedAt > HANDS_OFF_MS || now < S.touchedAt) {
        if (S.paused) togglePause();
        if (el.status && !el.status.hasAttribute("hidden")) toggleStatus();
      }
      if (!S.busy && !(now < S.nextPoll)) poll();
      updateStatus(now);
    });
  }
  function start() {
    S.stopped = false;
    S.timer = window.setInterval(tick, TICK_MS);
    document.addEventListener("keydown", onKey, false);
    window.addEventListener("error", onWindowError, false);
  }
  function stop() {
    S.stopped = true;
    if (S.timer !== null) window.clearInterval(S.timer);
    S.timer = null;
    document.removeEventListener("keydown", onKey, false);
    window.removeEventListener("error", onWindowError, false);
  }
  function resume() {
    start();
    S.nextPoll = Date.now() + POLL_MS;
  }

  window.bangyangKiosk = {
    state: function () {
      return {
        screen: data.screen,
        contentId: self.contentId,
        buildId: S.buildId,
        current: S.current ? S.current.id : null,
        position: S.pos,
        count: S.count,
        paused: S.paused,
        failures: S.failures,
        busy: S.busy,
        net: S.net,
        lastPollOk: S.lastPollOk,
        lastError: S.lastError,
        shown: S.shown,
        nextPollIn: S.busy ? null : S.nextPoll - Date.now()
      };
    },
    playlist: function () {
      var list = playlist(Date.now()), ids = [];
      for (var i = 0; i < list.length; i++) ids.push(list[i].id);
      return ids;
    },
    pollNow: function () {
      poll();
    }
  };

  setClass(root, "is-paused", S.paused);
  if (el.paused && S.paused) el.paused.removeAttribute("hidden");
  var offline = root.querySelector(".k-offline");
  if (offline && FROM_DISK) offline.removeAttribute("hidden");
  start();
  S.nextPoll = Date.now() + (handoff ? POLL_MS : FIRST_POLL_MS);
  window.__bangyangKioskAlive = handoff ? handoff.token : "boot";
  guard(function () {
    updateClock(Date.now(), true);
    advance(handoff ? 1 : 0, Date.now());
    warm();
  });
})(window, document);
