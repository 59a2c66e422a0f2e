// Hub's own script: copy buttons and the theme toggle. Everything else works without it (htmx only enhances forms).
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-HTTP deployments have no Clipboard API: select a hidden textarea and copy that.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy failed"));
      } catch (error) {
        reject(error);
      } finally {
        document.body.removeChild(area);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var status = button.nextElementSibling;
    copyText(button.getAttribute("data-copy")).then(
      function () {
        if (status && status.classList.contains("copy-status")) {
          status.textContent = "Copied";
          setTimeout(function () { status.textContent = ""; }, 2000);
        }
      },
      function () {
        if (status && status.classList.contains("copy-status")) status.textContent = "Press Ctrl+C to copy";
      }
    );
  });

  // Theme toggle: a pressed "Dark theme" button means dark. The choice is remembered (theme.js applies it
  // before the next page paints); until one is made, the system's preference decides and is followed live.
  var root = document.documentElement;
  var prefersDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen === "dark";
    return prefersDark ? prefersDark.matches : false;
  }

  function showTheme() {
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", isDark() ? "true" : "false");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var theme = isDark() ? "light" : "dark";
    root.setAttribute("data-theme", theme);
    try {
      localStorage.setItem("hub-theme", theme);
    } catch (error) {
      // Not remembered; this page still switches.
    }
    showTheme();
  });
  if (prefersDark && prefersDark.addEventListener) prefersDark.addEventListener("change", showTheme);
  showTheme();
})();
