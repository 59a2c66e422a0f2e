// Loaded in <head> without defer: applies the remembered theme before the first paint, so no flash.
// The toggle itself is in hub.js; without a remembered choice the CSS follows prefers-color-scheme.
(function () {
  "use strict";
  // Script runs: hide the no-script fallbacks (Apply buttons) before they are painted.
  document.documentElement.classList.replace("no-js", "js");
  try {
    var theme = localStorage.getItem("hub-theme");
    if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
  } catch (error) {
    // Storage refused (private mode, cookies off): the system's preference applies.
  }
})();
