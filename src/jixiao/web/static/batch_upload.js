// The batch form of the upload page: the chosen files are sent in as few requests as the size
// limit allows (each at most data-max-bytes, data-max-files files), the first creating the batch
// and the others adding to it (field "into"), with the bytes sent shown as they go; then the
// batch's page takes over (reading happens on the server: closing the page loses nothing).
// Without this script the form posts everything at once, which works within one request's limit.
(function () {
  "use strict";
  var form = document.getElementById("batch-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var maxBytes = (parseInt(form.getAttribute("data-max-bytes"), 10) || 0) - 65536;
  var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 1000;
  var status = document.getElementById("batch-sending");

  function chosen() {
    var files = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { files.push(f); });
    });
    return files;
  }

  function parts(files) {
    var out = [], part = [], bytes = 0;
    files.forEach(function (f) {
      if (part.length && (bytes + f.size > maxBytes || part.length >= maxFiles)) {
        out.push(part); part = []; bytes = 0;
      }
      part.push(f); bytes += f.size;
    });
    if (part.length) { out.push(part); }
    return out;
  }

  function say(text) { if (status) { status.hidden = false; status.textContent = text; } }

  form.addEventListener("submit", function (e) {
    var files = chosen();
    if (!files.length) { return; }  // the server says what is missing
    e.preventDefault();
    var all = parts(files), total = 0, done = 0, batch = null, url = null;
    files.forEach(function (f) { total += f.size; });
    var token = form.querySelector("input[name=csrf_token]").value;
    var year = form.querySelector("input[name=year]").value;
    form.querySelector("button[type=submit]").disabled = true;

    function send(i) {
      if (i >= all.length) { window.location.href = url; return; }
      var data = new FormData();
      data.append("csrf_token", token);
      if (year) { data.append("year", year); }
      if (batch !== null) { data.append("into", String(batch)); }
      all[i].forEach(function (f) { data.append("files", f, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/uploads/batches");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", token);
      xhr.upload.onprogress = function (ev) {
        var sent = done + (ev.lengthComputable ? ev.loaded : 0);
        say("正在上传：" + Math.min(100, Math.round(100 * sent / Math.max(total, 1))) + "%（" +
            files.length + " 个文件，第 " + (i + 1) + " / " + all.length + " 批）");
      };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status !== 202 || !body) {
          say("上传失败：" + ((body && body.detail) || ("HTTP " + xhr.status)) +
              (batch !== null ? "；已上传的部分仍在处理，见批次 " + batch : ""));
          form.querySelector("button[type=submit]").disabled = false;
          return;
        }
        batch = body.id; url = body.url;
        all[i].forEach(function (f) { done += f.size; });
        send(i + 1);
      };
      xhr.onerror = function () {
        say("网络错误，上传中断" + (batch !== null ? "；已上传的部分仍在处理，见批次 " + batch : ""));
        form.querySelector("button[type=submit]").disabled = false;
      };
      xhr.send(data);
    }
    send(0);
  });
}());
