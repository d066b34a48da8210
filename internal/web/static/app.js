// qms: small enhancements on top of pages that work without JavaScript.
// The content security policy allows only scripts from this site, so all
// behaviour is here, bound through data attributes.
(function () {
  "use strict";

  // <form data-confirm="question">: ask before submitting.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var q = form.getAttribute && form.getAttribute("data-confirm");
    if (q && !window.confirm(q)) {
      e.preventDefault();
    }
  });

  // <button data-copy="id">: copy the text of the element with that id.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-copy]");
    if (!btn) {
      return;
    }
    var el = document.getElementById(btn.getAttribute("data-copy"));
    if (!el || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(el.textContent.trim()).then(function () {
      var label = btn.textContent;
      btn.textContent = "Copied";
      setTimeout(function () { btn.textContent = label; }, 1500);
    });
  });

  // The supplier number matters only for supplier users: hide it otherwise.
  function syncSupplierField() {
    var select = document.querySelector("[data-role-select]");
    var field = document.querySelector("[data-supplier-field]");
    if (!select || !field) {
      return;
    }
    var input = field.querySelector("input");
    field.hidden = select.value !== "supplier" && !(input && input.value);
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-role-select]")) {
      syncSupplierField();
    }
  });
  document.addEventListener("DOMContentLoaded", syncSupplierField);
})();
