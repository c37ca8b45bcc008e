/* Progressive enhancement for the customer portal: the pages work without this file.
   With it, evidence uploads show progress and a preview, and the checklist updates as
   each file lands. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function updateChecklist(root, checklist) {
    checklist.forEach(function (item) {
      var node = root.querySelector('.checklist-item[data-kind="' + item.kind + '"]');
      if (!node) { return; }
      var counted = node.querySelector("[data-counted]");
      if (counted) { counted.textContent = String(item.counted); }
      node.classList.toggle("done", item.done);
      var icon = node.querySelector("[data-done-icon]");
      if (icon) { icon.textContent = item.done ? "\u2714" : "\u25CB"; }
      var list = node.querySelector("[data-files]");
      if (!list) {
        list = document.createElement("ul");
        list.className = "files";
        list.setAttribute("data-files", "");
        var head = node.querySelector(".progress");
        head.parentNode.insertBefore(list, head.nextSibling);
      }
      list.textContent = "";
      item.files.forEach(function (file) {
        var li = document.createElement("li");
        li.className = "file";
        var link = document.createElement("a");
        link.href = file.url;
        if (file.is_image) {
          var img = document.createElement("img");
          img.src = file.url;
          img.alt = file.name;
          img.className = "thumb";
          link.appendChild(img);
        } else {
          link.textContent = file.name;
        }
        li.appendChild(link);
        list.appendChild(li);
      });
    });
  }

  // The "still needed" list, as the server counts it after an upload.
  function updateMissing(missing) {
    var section = document.querySelector("[data-missing]");
    var list = section && section.querySelector("[data-missing-list]");
    if (!list) { return; }
    list.textContent = "";
    missing.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "finding refused";
      var icon = document.createElement("span");
      icon.className = "icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "\u25CB";
      li.appendChild(icon);
      li.appendChild(document.createTextNode(" " + item.text));
      if (item.rule) {
        var rule = document.createElement("span");
        rule.className = "rule";
        rule.textContent = item.rule;
        li.appendChild(document.createTextNode(" "));
        li.appendChild(rule);
      }
      list.appendChild(li);
    });
    section.hidden = missing.length === 0;
    var none = document.querySelector("[data-missing-none]");
    if (none) { none.hidden = missing.length !== 0; }
  }

  function uploadOne(form, url, kind, file, progressList, root) {
    var row = document.createElement("li");
    if (file.type && file.type.indexOf("image/") === 0 && window.FileReader) {
      // A data: URL, which the Content-Security-Policy allows for images (blob: it does not).
      var preview = document.createElement("img");
      preview.className = "preview";
      preview.alt = "";
      row.appendChild(preview);
      var reader = new FileReader();
      reader.addEventListener("load", function () { preview.src = reader.result; });
      reader.readAsDataURL(file);
    }
    var label = document.createElement("span");
    label.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    row.appendChild(label);
    row.appendChild(bar);
    progressList.appendChild(row);

    queue.push(function () { sendOne(form, url, kind, file, row, bar, root); });
    if (queue.length === 1) { queue[0](); }
  }

  // One upload at a time: each answer carries the checklist as the server counted it, and two
  // uploads counted side by side would each miss the other's file (9 of 10 shown, for good).
  var queue = [];

  function nextUpload() {
    queue.shift();
    if (queue.length) { queue[0](); }
  }

  function sendOne(form, url, kind, file, row, bar, root) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken(form));
    data.append("kind", kind);
    data.append("file", file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { bar.value = Math.round((event.loaded / event.total) * 100); }
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (error) { body = null; }
      if (body && body.checklist) { updateChecklist(root, body.checklist); }
      if (body && body.missing) { updateMissing(body.missing); }
      if (xhr.status === 200) {
        bar.value = 100;
        row.classList.add("done");
        window.setTimeout(function () { row.remove(); }, 1500);
      } else {
        var message = document.createElement("span");
        message.className = "failed";
        message.setAttribute("role", "alert");
        message.textContent = body && body.errors ? body.errors.join(" ") : xhr.statusText;
        row.appendChild(message);
        bar.remove();
      }
    });
    xhr.addEventListener("error", function () {
      var message = document.createElement("span");
      message.className = "failed";
      message.setAttribute("role", "alert");
      message.textContent = "\u2718";
      row.appendChild(message);
    });
    xhr.addEventListener("loadend", nextUpload);
    xhr.send(data);
  }

  function enhanceUploads() {
    var inputs = document.querySelectorAll("input[type=file][data-upload-kind]");
    Array.prototype.forEach.call(inputs, function (input) {
      var form = input.form;
      var url = form && form.getAttribute("data-upload-url");
      if (!url || !window.FormData || !window.XMLHttpRequest) { return; }
      var root = input.closest("[data-checklist]") || document;
      var item = input.closest(".checklist-item") || form;
      var progressList = item.querySelector("[data-progress]");
      var button = item.querySelector("[data-upload-button]");
      if (button) { button.hidden = true; }
      function sendPicked() {
        Array.prototype.forEach.call(input.files, function (file) {
          uploadOne(form, url, input.getAttribute("data-upload-kind"), file, progressList, root);
        });
        // The files are on their way; a later plain submit must not send them twice.
        input.value = "";
      }
      input.addEventListener("change", sendPicked);
      // Files picked while the page was still loading (before this script ran) go now, so
      // they do not wait, unseen, for a submit the person may never press.
      if (input.files && input.files.length) { sendPicked(); }
    });
  }

  function enhancePrint() {
    var button = document.querySelector("[data-print]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceUploads();
    enhancePrint();
  });
})();
