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

  // × removes its row (without JavaScript it posts the row's index); 撤销 in the toast puts it back.
  rows.addEventListener("click", function (e) {
    var button = e.target.closest(".row-remove");
    if (!button) { return; }
    e.preventDefault();
    var row = button.closest("tr");
    var position = Array.prototype.indexOf.call(rowElements(), row);
    var name = (row.querySelector("input[name=ind_name]") || {}).value || "";
    var next = row.nextElementSibling || row.previousElementSibling;
    var before = row.nextElementSibling;
    row.remove();
    if (next) { (next.querySelector("input[name=ind_name]") || add).focus(); } else if (add) { add.focus(); }
    changed();
    toast("已删除第" + (position + 1) + "行" + (name ? "“" + name + "”" : ""), function () {
      if (before && before.parentNode === rows) { rows.insertBefore(row, before); } else { rows.appendChild(row); }
      var input = row.querySelector("input[name=ind_name]");
      if (input) { input.focus(); }
      changed();
    });
  });

  // A short message at the bottom of the screen, with an 撤销 button when ``undo`` is given.
  var toastTimer = null;
  function toast(message, undo) {
    var box = document.getElementById("editor-toast");
    if (!box) {
      box = document.createElement("div");
      box.id = "editor-toast";
      box.className = "toast";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    box.textContent = "";
    var text = document.createElement("span");
    text.textContent = message;
    box.appendChild(text);
    if (undo) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "撤销";
      button.addEventListener("click", function () { box.hidden = true; undo(); });
      box.appendChild(button);
    }
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.hidden = true; }, 10000);
  }

  // 预算明细: add and remove lines without a round trip.
  var lines = document.getElementById("line-rows");
  var lineTemplate = document.getElementById("line-template");
  var addLine = document.getElementById("add-line");
  if (lines && lineTemplate && addLine) {
    addLine.addEventListener("click", function (e) {
      e.preventDefault();
      var fresh = lineTemplate.content.firstElementChild.cloneNode(true);
      lines.appendChild(fresh);
      fresh.querySelector("input[name=line_name]").focus();
      changed();
    });
    lines.addEventListener("click", function (e) {
      var button = e.target.closest(".row-remove");
      if (!button) { return; }
      e.preventDefault();
      button.closest("tr").remove();
      changed();
    });
  }

  // Rows from a block pasted from Excel: the server reads the block (the same reader the tests
  // use), the rows are filled from the row pasted into, adding rows as needed.
  var csrf = form.querySelector("input[name=csrf_token]");
  function post(url, data) {
    if (csrf) { data.set("csrf_token", csrf.value); }
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function addRow() {
    var fresh = template.content.firstElementChild.cloneNode(true);
    syncCost(fresh);
    rows.appendChild(fresh);
    return fresh;
  }
  function setRow(tr, values) {
    Object.keys(values).forEach(function (name) {
      if (name === "level1") {
        var select = tr.querySelector("select[name=ind_level1]");
        if (!values.level1) { return; }
        if (!Array.prototype.some.call(select.options, function (o) { return o.value === values.level1; })) {
          select.add(new Option(values.level1, values.level1));
        }
        select.value = values.level1;
        return;
      }
      var input = tr.querySelector("input[name=ind_" + name + "]");
      if (input) { input.value = values[name]; }
    });
  }
  function fillRows(pasted, from) {
    var max = parseInt(form.getAttribute("data-max-rows") || "100", 10);
    var all = rowElements();
    var index = Math.max(0, Array.prototype.indexOf.call(all, from));
    var filled = 0;
    pasted.forEach(function (values) {
      var tr = rowElements()[index];
      if (!tr) {
        if (rowElements().length >= max) { return; }
        tr = addRow();
      }
      setRow(tr, values);
      index += 1;
      filled += 1;
    });
    return filled;
  }
  // On the document: a focused 一级 select is not editable, and a browser may then send the
  // paste to the page rather than to it.
  document.addEventListener("paste", function (e) {
    var target = e.target && e.target.closest && rows.contains(e.target) ? e.target : document.activeElement;
    var tr = target && target.closest && rows.contains(target) ? target.closest("tr.ind-row") : null;
    if (!tr || !e.clipboardData) { return; }
    var text = e.clipboardData.getData("text/plain");
    if (text.replace(/[\r\n]+$/, "").indexOf("\t") < 0 && text.replace(/[\r\n]+$/, "").indexOf("\n") < 0) { return; }
    e.preventDefault();
    var start = (target.name || "ind_level1").replace(/^ind_/, "");
    var data = new FormData();
    data.set("text", text);
    data.set("start", start);
    post("/evaluations/paste", data).then(function (answer) {
      var n = fillRows(answer.rows, tr);
      toast("已粘贴 " + n + " 行" + (answer.header ? "（按表头对列）" : "（按表格列序）"));
      changed();
      dirty();
    }).catch(function () { toast("粘贴的内容无法读取，请重试"); });
  });

  // Autosave: the form as typed is kept on the server a moment after the last change, and
  // comes back when the form is opened again. Leaving with changes not yet kept asks first.
  var status = document.getElementById("autosave-status");
  var pending = false;
  var submitting = false;
  var saveTimer = null;
  function formData() {
    var data = new FormData(form);
    data.delete("action");
    return data;
  }
  function keep() {
    clearTimeout(saveTimer);
    var sent = pending;
    pending = false;
    return post("/evaluations/draft", formData()).then(function (answer) {
      form.setAttribute("data-kept", answer.saved);
      if (status) { status.textContent = "已自动暂存 " + answer.saved; }
    }).catch(function () {
      pending = pending || sent;
      if (status) { status.textContent = "自动暂存失败，请保存评价以免丢失"; }
    });
  }
  function dirty() {
    pending = true;
    if (status) { status.textContent = "有未暂存的修改…"; }
    clearTimeout(saveTimer);
    saveTimer = setTimeout(keep, 1500);
  }
  form.addEventListener("input", dirty);
  form.addEventListener("change", dirty);
  form.addEventListener("rows-changed", dirty);
  form.addEventListener("submit", function () {
    submitting = true;
    clearTimeout(saveTimer);
    // A download (下载 Excel 模板) leaves the page where it is: ask again after it.
    setTimeout(function () { submitting = false; }, 4000);
  });
  window.addEventListener("beforeunload", function (e) {
    if (!pending || submitting) { return; }
    if (navigator.sendBeacon) {
      var data = formData();
      if (csrf) { data.set("csrf_token", csrf.value); }
      navigator.sendBeacon("/evaluations/draft", data);
    }
    e.preventDefault();
    e.returnValue = "";
  });
  if (form.getAttribute("data-posted") === "1") { dirty(); }
  window.jixiaoEditor = { keep: keep, toast: toast };

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
