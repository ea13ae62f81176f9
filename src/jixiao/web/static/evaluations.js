// The evaluation pages: a print button (shown only when this script runs) and tidy list URLs.
// Everything works without JavaScript; htmx, when present, refreshes the list in place.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-print]");
    if (el) { e.preventDefault(); window.print(); }
  });
  // The filter form sends every field; leave the empty ones out of the request, so the URL htmx
  // pushes (and the user bookmarks) names only the filters in use.
  document.addEventListener("htmx:configRequest", function (e) {
    var form = e.detail.elt;
    var data = e.detail.formData;
    if (!data || !form || !form.matches || !form.matches("form.filters")) { return; }
    Array.from(new Set(Array.from(data.keys()))).forEach(function (key) {
      if (data.getAll(key).every(function (v) { return v === ""; })) { data.delete(key); }
    });
  });
})();
// The review queue's shortcuts: j opens the next evaluation of the list, k the previous one (the
// links of the action bar marked data-key), never while typing in a field.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) { return; }
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var link = document.querySelector('#action-bar a[data-key="' + e.key + '"]');
    if (link) { e.preventDefault(); window.location.href = link.href; }
  });
})();
