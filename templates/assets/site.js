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
