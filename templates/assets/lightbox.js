/* 榜样 theme: gallery lightbox. Without this script every thumbnail is a
   plain link to the full image; with it the links open a modal <dialog>:
   Esc closes, ←/→ (and Home/End) move, a swipe moves on touch screens,
   focus goes into the dialog and back to the thumbnail of the photo last
   shown. No library, nothing loaded from elsewhere. */
(function () {
  "use strict";
  var galleries = document.querySelectorAll("[data-lightbox]");
  if (!galleries.length || typeof HTMLDialogElement !== "function") { return; }  // old browsers keep the plain links
  var SWIPE = 40;  // px of horizontal travel that count as a swipe
  var counter = 0;

  Array.prototype.forEach.call(galleries, function (gallery) {
    var links = Array.prototype.slice.call(gallery.querySelectorAll("a[href]"));
    if (!links.length) { return; }
    var id = "lightbox-" + (++counter);
    var current = 0;
    var dialog = build(id, gallery.getAttribute("data-lightbox") || "照片");
    document.body.appendChild(dialog.root);

    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      var img = link.querySelector("img");
      var picture = link.querySelector("picture");
      var big = picture ? picture.cloneNode(true) : document.createElement("img");
      var bigImg = big.tagName === "IMG" ? big : big.querySelector("img");
      Array.prototype.forEach.call(big.querySelectorAll ? big.querySelectorAll("source") : [], function (s) { s.setAttribute("sizes", "100vw"); });
      bigImg.setAttribute("sizes", "100vw");
      bigImg.setAttribute("loading", "eager");
      bigImg.removeAttribute("class");
      if (!picture) { bigImg.src = link.href; }
      var alt = img ? img.getAttribute("alt") || "" : "";
      bigImg.setAttribute("alt", alt);
      if (link.getAttribute("data-width")) {
        bigImg.setAttribute("width", link.getAttribute("data-width"));
        bigImg.setAttribute("height", link.getAttribute("data-height"));
      }
      dialog.stage.textContent = "";
      dialog.stage.appendChild(big);
      dialog.count.textContent = "第 " + (current + 1) + " 张，共 " + links.length + " 张";
      dialog.caption.textContent = alt;
      dialog.open.href = link.href;
      var single = links.length < 2;
      dialog.prev.hidden = single;
      dialog.next.hidden = single;
      // Neighbours load while this one is looked at.
      [current + 1, current - 1].forEach(function (i) {
        var n = links[(i + links.length) % links.length].querySelector("img");
        if (n) { n.loading = "eager"; }
      });
    }

    function open(index) {
      show(index);
      if (!dialog.root.open) { dialog.root.showModal(); }
      dialog.close.focus();
    }

    function close() {
      if (dialog.root.open) { dialog.root.close(); }
    }

    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }  // new tab etc.
        event.preventDefault();
        open(index);
      });
    });

    dialog.root.addEventListener("close", function () {
      dialog.stage.textContent = "";
      var thumb = links[current];
      if (thumb) { thumb.focus(); }
    });
    dialog.close.addEventListener("click", close);
    dialog.prev.addEventListener("click", function () { show(current - 1); });
    dialog.next.addEventListener("click", function () { show(current + 1); });
    dialog.root.addEventListener("keydown", function (event) {
      var key = event.key;
      if (key === "ArrowRight" || key === "Right" || key === "PageDown") { show(current + 1); }
      else if (key === "ArrowLeft" || key === "Left" || key === "PageUp") { show(current - 1); }
      else if (key === "Home") { show(0); }
      else if (key === "End") { show(links.length - 1); }
      else if (key === "Tab") { if (!trap(event)) { return; } }  // keep focus in the dialog
      else { return; }  // Esc: the dialog's own cancel → close
      event.preventDefault();
    });
    function trap(event) {
      var stops = Array.prototype.filter.call(dialog.root.querySelectorAll("button, a[href]"), function (el) { return !el.hidden; });
      var first = stops[0];
      var last = stops[stops.length - 1];
      if (event.shiftKey && document.activeElement === first) { last.focus(); return true; }
      if (!event.shiftKey && document.activeElement === last) { first.focus(); return true; }
      return false;
    }

    // A click on the dark backdrop (the <dialog> itself, outside the figure) closes.
    dialog.root.addEventListener("click", function (event) {
      if (event.target === dialog.root || event.target === dialog.stage) { close(); }
    });

    // Touch: a horizontal swipe moves; vertical movement is left to the page.
    var startX = null;
    var startY = null;
    dialog.root.addEventListener("touchstart", function (event) {
      if (event.touches.length !== 1) { startX = null; return; }
      startX = event.touches[0].clientX;
      startY = event.touches[0].clientY;
    }, { passive: true });
    dialog.root.addEventListener("touchend", function (event) {
      if (startX === null || !event.changedTouches.length) { return; }
      var dx = event.changedTouches[0].clientX - startX;
      var dy = event.changedTouches[0].clientY - startY;
      startX = null;
      if (Math.abs(dx) >= SWIPE && Math.abs(dx) > Math.abs(dy)) {
        show(current + (dx < 0 ? 1 : -1));
      }
    }, { passive: true });
  });

  function build(id, title) {
    var root = document.createElement("dialog");
    root.className = "lightbox";
    root.id = id;
    root.setAttribute("aria-modal", "true");
    root.setAttribute("aria-labelledby", id + "-title");
    root.setAttribute("aria-describedby", id + "-count");

    var heading = document.createElement("h2");
    heading.className = "visually-hidden";
    heading.id = id + "-title";
    heading.textContent = title + " · 照片";

    var figure = document.createElement("figure");
    figure.className = "lightbox-figure";
    var stage = document.createElement("div");
    stage.className = "lightbox-stage";
    var caption = document.createElement("figcaption");
    caption.className = "lightbox-caption";
    var count = document.createElement("span");
    count.className = "lightbox-count";
    count.id = id + "-count";
    count.setAttribute("aria-live", "polite");
    var text = document.createElement("span");
    var openLink = document.createElement("a");
    openLink.className = "lightbox-original";
    openLink.textContent = "查看原图";
    caption.appendChild(count);
    caption.appendChild(text);
    caption.appendChild(openLink);
    figure.appendChild(stage);
    figure.appendChild(caption);

    function button(cls, label, symbol) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "lightbox-button " + cls;
      b.setAttribute("aria-label", label);
      b.title = label;
      var s = document.createElement("span");
      s.setAttribute("aria-hidden", "true");
      s.textContent = symbol;
      b.appendChild(s);
      return b;
    }
    var close = button("lightbox-close", "关闭", "×");
    var prev = button("lightbox-prev", "上一张", "‹");
    var next = button("lightbox-next", "下一张", "›");

    root.appendChild(heading);
    root.appendChild(close);
    root.appendChild(figure);
    root.appendChild(prev);
    root.appendChild(next);
    return { root: root, stage: stage, caption: text, count: count, open: openLink, close: close, prev: prev, next: next };
  }
})();
