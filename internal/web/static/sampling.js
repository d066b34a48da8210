// qms sampling pages: small enhancements of pages that work without
// JavaScript (sampling.go).
(function () {
  "use strict";
  if (window.qmsSampling) {
    return;
  }
  window.qmsSampling = true;

  // The plan page updates in place (htmx) when a field changes. A form with
  // mistakes is answered with 400 and its messages: show them too (htmx
  // does not swap error answers by default).
  document.addEventListener("htmx:beforeSwap", function (e) {
    var d = e.detail;
    if (d.xhr && d.xhr.status === 400 && d.target && d.target.id === "sampling") {
      d.shouldSwap = true;
      d.isError = false;
    }
  });

  // The plan card's Print button, shown only when this script runs (without
  // JavaScript the browser's own Print does the same).
  function showPrintButtons() {
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
    document.addEventListener("DOMContentLoaded", showPrintButtons);
  } else {
    showPrintButtons();
  }
})();
