// qms sampling plan card: the Print button, shown only when this script
// runs (without JavaScript the browser's own Print does the same).
(function () {
  "use strict";
  if (window.qmsSamplingCard) {
    return;
  }
  window.qmsSamplingCard = true;
  function showButtons() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.hidden = false;
    });
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) {
      window.print();
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showButtons);
  } else {
    showButtons();
  }
})();
