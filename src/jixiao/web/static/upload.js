// The upload page: files chosen, or a folder, or files dropped on the page are checked here
// (type and size), then sent one per request, two at a time, to /api/uploads, each with its
// own row: 等待 → 上传中 n% → 读取中 (for a scan: 读取中 · 已识别 k/n 页, polled) → 完成 / 已在库中 / 无法读取 / 失败. Without this file the form
// posts every file to /upload and the server answers with a table.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var PARALLEL = 2;
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  var maxSize = form.getAttribute("data-max-size") || "";
  var suffixes = (form.getAttribute("data-suffixes") || "").split(",").filter(Boolean);
  var zone = document.getElementById("dropzone");
  var progress = document.getElementById("upload-progress");
  var rows = document.getElementById("upload-rows");
  var summary = document.getElementById("upload-summary");
  var chosen = document.getElementById("upload-chosen");
  var yearInput = document.getElementById("upload-year");
  var queue = [];      // every file of this page, in order
  var running = 0;
  var started = false;
  var skipped = 0;

  function text(el, value) { el.textContent = value; return el; }
  function cell(tr, value) { var td = document.createElement("td"); if (value !== undefined) { text(td, value); } tr.appendChild(td); return td; }
  function human(n) {
    if (n >= 10 * 1048576) { return Math.round(n / 1048576) + " MB"; }
    if (n >= 1048576) { return (n / 1048576).toFixed(1) + " MB"; }
    if (n >= 1024) { return Math.round(n / 1024) + " KB"; }
    return n + " 字节";
  }
  function suffixOf(name) {
    var i = name.lastIndexOf(".");
    return i > 0 ? name.slice(i).toLowerCase() : "";
  }

  var LABELS = { wait: "等待", upload: "上传中", read: "读取中", done: "完成", known: "已在库中", unreadable: "无法读取", failed: "失败" };

  function setState(item, state, extra) {
    item.state = state;
    var badge = item.stateCell;
    badge.textContent = "";
    var span = document.createElement("span");
    span.className = "state state-" + (state === "upload" || state === "read" || state === "wait" ? "busy" : state);
    text(span, LABELS[state] + (extra || ""));
    badge.appendChild(span);
    if (state === "upload") {
      var bar = document.createElement("span");
      bar.className = "bar";
      bar.setAttribute("aria-hidden", "true");
      var fill = document.createElement("span");
      fill.style.width = (extra ? parseInt(extra, 10) : 0) + "%";
      bar.appendChild(fill);
      badge.appendChild(bar);
    }
    updateSummary();
  }

  function showResult(item, data) {
    var td = item.resultCell;
    td.textContent = "";
    if (data.url) {
      var a = document.createElement("a");
      a.href = data.url;
      text(a, "评价 " + data.evaluation_id + (data.project ? "：" + data.project : ""));
      td.appendChild(a);
      if (data.part) { td.appendChild(document.createTextNode("（" + data.part + "）")); }
      var parts = [];
      if (data.unit_text) { parts.push("单位 " + data.unit_text); }
      if (data.computed_total !== null && data.computed_total !== undefined) { parts.push("复核得分 " + Number(data.computed_total).toFixed(2)); }
      if (data.grade) { parts.push("等级 " + data.grade); }
      parts.push("错误 " + data.errors + " 项、警告 " + data.warnings + " 项");
      td.appendChild(document.createTextNode(" · " + parts.join(" · ")));
    }
    (data.more || []).forEach(function (e) {  // the file's further forms, each its own evaluation
      var div = document.createElement("div");
      div.className = "evaluation";
      var link = document.createElement("a");
      link.href = e.url;
      text(link, "评价 " + e.evaluation_id + (e.project ? "：" + e.project : ""));
      div.appendChild(link);
      var more = [];
      if (e.computed_total !== null && e.computed_total !== undefined) { more.push("复核得分 " + Number(e.computed_total).toFixed(2)); }
      if (e.grade) { more.push("等级 " + e.grade); }
      more.push("错误 " + e.errors + " 项、警告 " + e.warnings + " 项");
      div.appendChild(document.createTextNode((e.part ? "（" + e.part + "）" : "") + " · " + more.join(" · ")));
      td.appendChild(div);
    });
    if (data.reason || data.detail) {
      var div = document.createElement("div");
      div.className = "reason";
      text(div, data.reason || data.detail);
      td.appendChild(div);
    }
  }

  function updateSummary() {
    var counts = { wait: 0, upload: 0, read: 0, done: 0, known: 0, unreadable: 0, failed: 0 };
    queue.forEach(function (item) { counts[item.state] += 1; });
    var finished = counts.done + counts.known + counts.unreadable + counts.failed;
    var busy = counts.upload + counts.read;
    var line = "共 " + queue.length + " 个文件，已处理 " + finished + " 个：完成 " + counts.done +
      "，已在库中 " + counts.known + "，无法读取 " + counts.unreadable + "，失败 " + counts.failed;
    if (busy) { line += "；正在处理 " + busy + " 个"; }
    if (counts.wait) { line += "；等待 " + counts.wait + " 个" + (started ? "" : "（点“上传并读取”开始）"); }
    if (skipped) { line += "；已跳过隐藏文件或临时文件 " + skipped + " 个"; }
    text(summary, line + "。");
    text(chosen, queue.length ? "已选 " + queue.length + " 个文件" : "");
  }

  function add(file, path) {
    var name = file.name;
    if (name.charAt(0) === "." || name.indexOf("~$") === 0) { skipped += 1; updateSummary(); return; }
    var item = { file: file, state: "wait" };
    var tr = document.createElement("tr");
    cell(tr, String(queue.length + 1)).className = "num";
    cell(tr, path || name);
    cell(tr, human(file.size)).className = "num";
    item.stateCell = cell(tr);
    item.resultCell = cell(tr);
    rows.appendChild(tr);
    queue.push(item);
    progress.hidden = false;
    if (suffixes.indexOf(suffixOf(name)) < 0) {
      setState(item, "failed");
      showResult(item, { reason: "不支持的文件类型，只接受 " + suffixes.map(function (s) { return s.slice(1); }).join("、") + " 文件；未上传" });
    } else if (maxBytes && file.size > maxBytes) {
      setState(item, "failed");
      showResult(item, { reason: "文件超过大小上限 " + maxSize + "，未上传" });
    } else {
      setState(item, "wait");
    }
  }

  function addList(list) {
    Array.prototype.forEach.call(list, function (f) { add(f, f.webkitRelativePath || ""); });
    if (started) { pump(); }
  }

  // A scan's pages while the server reads it: the file goes with a random token, polled by.
  function newToken() {
    if (!window.crypto || !window.crypto.getRandomValues) { return ""; }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function watch(item, token) {
    if (!token) { return; }
    item.timer = window.setInterval(function () {
      var poll = new XMLHttpRequest();
      poll.open("GET", "/api/uploads/reading/" + token);
      poll.setRequestHeader("Accept", "application/json");
      poll.onload = function () {
        if (item.state !== "read" || poll.status !== 200) { return; }
        var body = {};
        try { body = JSON.parse(poll.responseText); } catch (err) { return; }
        var r = (body.reading || [])[0];
        if (r) { setState(item, "read", " · 已识别 " + r.done + "/" + r.pages + " 页"); }
      };
      poll.send();
    }, 1000);
  }

  function unwatch(item) {
    if (item.timer) { window.clearInterval(item.timer); item.timer = null; }
  }

  function send(item) {
    running += 1;
    setState(item, "upload", " 0%");
    var token = newToken();
    var data = new FormData();
    data.append("file", item.file, item.file.name);
    if (yearInput && yearInput.value.trim()) { data.append("year", yearInput.value.trim()); }
    if (token) { data.append("progress", token); }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads");
    xhr.setRequestHeader("X-CSRF-Token", window.jixiaoCsrf ? window.jixiaoCsrf() : "");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { setState(item, "upload", " " + Math.floor(e.loaded * 100 / e.total) + "%"); }
    };
    xhr.upload.onload = function () { setState(item, "read"); watch(item, token); };
    xhr.onload = function () {
      unwatch(item);
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = { detail: "服务器返回了无法识别的结果（HTTP " + xhr.status + "）" }; }
      if (xhr.status === 200 || xhr.status === 201) {
        setState(item, body.status in LABELS ? body.status : "done");
      } else {
        if (xhr.status === 401) { body.detail = "登录已过期，请重新登录后再上传"; }
        setState(item, "failed");
      }
      showResult(item, body);
      finish();
    };
    xhr.onerror = function () {
      unwatch(item);
      setState(item, "failed");
      showResult(item, { reason: "网络错误，未能上传；请检查网络后重试" });
      finish();
    };
    xhr.send(data);
  }

  function finish() { running -= 1; pump(); }

  function pump() {
    while (running < PARALLEL) {
      var next = null;
      for (var i = 0; i < queue.length; i += 1) { if (queue[i].state === "wait") { next = queue[i]; break; } }
      if (!next) { break; }
      send(next);
    }
    updateSummary();
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var year = yearInput ? yearInput.value.trim() : "";
    if (year && !/^[0-9]{4}$/.test(year)) {
      text(summary, "年度应为四位数字的年份，如 2024。");
      progress.hidden = false;
      yearInput.focus();
      return;
    }
    if (!queue.length) { text(chosen, "请先选择文件或文件夹"); return; }
    started = true;
    pump();
  });

  ["pick-files", "pick-folder"].forEach(function (id) {
    var input = document.getElementById(id);
    if (!input) { return; }
    input.addEventListener("change", function () { addList(input.files); input.value = ""; });
  });

  // Dropped folders are read through the entries API (Chromium, Firefox, Safari).
  function walk(entry, path, done) {
    if (entry.isFile) {
      entry.file(function (f) { add(f, path + f.name); done(); }, function () { done(); });
    } else if (entry.isDirectory) {
      var reader = entry.createReader();
      var all = [];
      var more = function () {
        reader.readEntries(function (batch) {
          if (!batch.length) {
            all.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
            var left = all.length;
            if (!left) { done(); return; }
            all.forEach(function (child) { walk(child, path + entry.name + "/", function () { left -= 1; if (!left) { done(); } }); });
            return;
          }
          all = all.concat(Array.prototype.slice.call(batch));
          more();
        }, function () { done(); });
      };
      more();
    } else {
      done();
    }
  }

  if (zone) {
    zone.hidden = false;
    ["dragenter", "dragover"].forEach(function (type) {
      document.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      document.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    document.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      var items = e.dataTransfer && e.dataTransfer.items;
      var entries = [];
      if (items && items.length && items[0].webkitGetAsEntry) {
        entries = Array.prototype.map.call(items, function (it) { return it.webkitGetAsEntry(); }).filter(Boolean);
      }
      if (entries.length) {
        var left = entries.length;
        entries.forEach(function (entry) { walk(entry, "", function () { left -= 1; if (!left && started) { pump(); } }); });
      } else if (e.dataTransfer) {
        addList(e.dataTransfer.files);
      }
    });
  }
})();
