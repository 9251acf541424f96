/* 榜样 theme: the 大字版 (large text) toggle. The <head> applies the saved
   choice before first paint; this script wires the button. No frameworks. */
(function () {
  "use strict";
  var KEY = "bangyang-large";
  var root = document.documentElement;
  var button = document.getElementById("large-toggle");

  function save(on) {
    try {
      if (on) { window.localStorage.setItem(KEY, "1"); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* private mode or storage disabled: the choice lasts for this page only */ }
  }

  function show(on) {
    root.classList.toggle("large", on);
    if (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "标准版" : "大字版";
    }
  }

  if (!button) { return; }
  show(root.classList.contains("large"));
  button.hidden = false;
  button.addEventListener("click", function () {
    var on = !root.classList.contains("large");
    show(on);
    save(on);
  });
  // Another tab changed the setting: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === null) { show(event.newValue === "1"); }
  });
})();

/* Opened from disk (file://, a USB stick), a link to a folder ("../profiles/zhang-san/")
   shows the folder's file list, not its page: such links and the search box
   go to the folder's index.html instead. On a web server the clean addresses stay. */
(function () {
  "use strict";
  if (window.location.protocol !== "file:" || typeof URL !== "function") { return; }
  function toIndex(address) {
    var url = new URL(address, window.location.href);
    if (url.protocol !== "file:" || url.pathname.slice(-1) !== "/") { return null; }
    url.pathname += "index.html";
    return url.href;
  }
  var links = document.querySelectorAll("a[href], area[href]");
  for (var i = 0; i < links.length; i++) {
    var target = toIndex(links[i].getAttribute("href"));
    if (target) { links[i].setAttribute("href", target); }
  }
  var forms = document.querySelectorAll("form[action]");
  for (var j = 0; j < forms.length; j++) {
    var action = toIndex(forms[j].getAttribute("action"));
    if (action) { forms[j].setAttribute("action", action); }
  }
})();
