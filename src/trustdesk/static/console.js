// Keyboard shortcuts of the agent console: the common path needs no mouse.
(function () {
  "use strict";
  var pendingG = false;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-row]")); }
  function selected() { return document.querySelector("tr[data-row].selected"); }
  function select(row) {
    rows().forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    if (row) { row.classList.add("selected"); row.setAttribute("aria-selected", "true"); row.scrollIntoView({ block: "nearest" }); var a = row.querySelector("a"); if (a) a.focus(); }
  }
  function move(step) {
    var list = rows();
    if (list.length) {
      var i = list.indexOf(selected());
      select(list[Math.min(list.length - 1, Math.max(0, i + step))]);
      return;
    }
    var link = document.querySelector(step > 0 ? "a[rel=next]" : "a[rel=prev]");
    if (link) location.href = link.href;
  }
  function focus(id) { var el = document.getElementById(id); if (el) { el.focus(); return true; } return false; }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === "TEXTAREA" || t.tagName === "INPUT" || t.tagName === "SELECT" || t.isContentEditable);
    if (typing) {
      if (ev.key === "Escape") { t.blur(); ev.preventDefault(); }
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && t.form) { ev.preventDefault(); t.form.requestSubmit(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var internal = document.getElementById("internal");
    if (pendingG) {
      pendingG = false;
      if (ev.key === "q") { var back = document.getElementById("back-to-queue"); location.href = back ? back.href : "/console"; }
      return;
    }
    switch (ev.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter": case "o":
        var row = selected();
        if (!row) return;
        location.href = row.dataset.href; break;
      case "r": if (internal) internal.checked = false; if (!focus("reply-body")) return; break;
      case "n": if (internal) internal.checked = true; if (!focus("reply-body")) return; break;
      case "m": if (!focus("macro")) return; break;
      case "s": if (!focus("status")) return; break;
      case "p": if (!focus("priority")) return; break;
      case "e": if (!focus("escalate-note")) return; break;
      case "c": if (!focus("collab-queue")) return; break;
      case "g": pendingG = true; break;
      case "?":
        var d = document.getElementById("shortcuts");
        if (d) { d.open ? d.close() : d.showModal(); }
        break;
      default: return;
    }
    ev.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Saved replies insert their text into the reply box.
    document.querySelectorAll("select[data-macro-target]").forEach(function (sel) {
      sel.addEventListener("change", function () {
        var box = document.getElementById(sel.dataset.macroTarget);
        if (box && sel.value) { box.value = box.value ? box.value + "\n" + sel.value : sel.value; box.focus(); }
        sel.value = "";
      });
    });
    var internal = document.getElementById("internal");
    var label = document.getElementById("reply-label");
    if (internal && label) {
      var reply = label.textContent, note = internal.parentNode.textContent.trim();
      internal.addEventListener("change", function () { label.textContent = internal.checked ? note : reply; });
    }
    // Rows are clickable too (the link inside stays the accessible target).
    document.querySelectorAll("tr[data-row]").forEach(function (r) {
      r.addEventListener("click", function (e) { if (e.target.tagName !== "A") location.href = r.dataset.href; });
    });
  });
})();
