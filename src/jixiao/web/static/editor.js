// The evaluation form: add and remove indicator rows without a round trip, show the 成本指标
// choice only under a scheme that weighs cost, and put each field's message next to it after a
// live preview. Without this file the form's buttons do the same through the server.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form) { return; }
  var rows = document.getElementById("ind-rows");
  var template = document.getElementById("row-template");
  var COST = "成本指标";

  function changed() {
    form.dispatchEvent(new CustomEvent("rows-changed", { bubbles: true }));
  }

  function rowElements() { return rows.querySelectorAll("tr.ind-row"); }

  // 添加一行: a copy of the empty row, under the 一级 of the last row.
  var add = document.getElementById("add-row");
  if (add && template) {
    add.addEventListener("click", function (e) {
      e.preventDefault();
      var all = rowElements();
      var last = all.length ? all[all.length - 1] : null;
      var fresh = template.content.firstElementChild.cloneNode(true);
      if (last) {
        var was = last.querySelector("select[name=ind_level1]");
        var now = fresh.querySelector("select[name=ind_level1]");
        if (was && now) {
          if (!Array.prototype.some.call(now.options, function (o) { return o.value === was.value; })) {
            now.add(new Option(was.value, was.value));
          }
          now.value = was.value;
        }
        var level2 = last.querySelector("input[name=ind_level2]");
        fresh.querySelector("input[name=ind_level2]").value = level2 ? level2.value : "";
      }
      syncCost(fresh);
      rows.appendChild(fresh);
      fresh.querySelector("input[name=ind_name]").focus();
      changed();
    });
  }

  // × removes its row (without JavaScript it posts the row's index).
  rows.addEventListener("click", function (e) {
    var button = e.target.closest(".row-remove");
    if (!button) { return; }
    e.preventDefault();
    var row = button.closest("tr");
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    if (next) { (next.querySelector("input[name=ind_name]") || add).focus(); } else if (add) { add.focus(); }
    changed();
  });

  // The 成本指标 choice follows the scheme.
  var scheme = document.getElementById("f-scheme");
  function schemeHasCost() {
    var option = scheme && scheme.options[scheme.selectedIndex];
    return option ? option.getAttribute("data-cost") === "1" : false;
  }
  function syncCost(scope) {
    var cost = schemeHasCost();
    scope.querySelectorAll("select[name=ind_level1]").forEach(function (select) {
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === COST; });
      if (cost && !option) { select.add(new Option(COST, COST)); }
      if (!cost && option && !option.selected) { option.remove(); }
    });
  }
  if (scheme) {
    scheme.addEventListener("change", function () {
      syncCost(document);
      var current = scheme.value;
      document.querySelectorAll("#scheme-weights tr[data-scheme]").forEach(function (tr) {
        tr.classList.toggle("current", tr.getAttribute("data-scheme") === current);
      });
    });
  }

  // After a live preview: each field's message next to it (row fields by row and column).
  function showErrors(errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (slot) { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid=true]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
    form.querySelectorAll("td.invalid, label.invalid").forEach(function (el) { el.classList.remove("invalid"); });
    var all = rowElements();
    Object.keys(errors).forEach(function (key) {
      var parts = key.split(".");
      var slot;
      if (parts[0] === "rows") {
        var row = all[parseInt(parts[1], 10)];
        slot = row ? row.querySelector('[data-error-for="' + parts[2] + '"]') : null;
      } else {
        slot = form.querySelector('label [data-error-for="' + key + '"]');
      }
      if (!slot) { return; }
      slot.textContent = errors[key];
      var holder = slot.closest("td, label");
      if (holder) {
        holder.classList.add("invalid");
        var input = holder.querySelector("input, select");
        if (input) { input.setAttribute("aria-invalid", "true"); }
      }
    });
  }
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (!e.detail || !e.detail.target || e.detail.target.id !== "preview") { return; }
    var inner = e.detail.target.querySelector("[data-errors]");
    if (!inner) { return; }
    try { showErrors(JSON.parse(inner.getAttribute("data-errors"))); } catch (err) { /* keep the old messages */ }
  });
})();
