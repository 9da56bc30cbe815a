// Live pages: Server-Sent Events tell the page that something changed; the page then fetches
// itself and swaps its [data-live] regions. Forms stay outside them, or, where a form must sit
// inside one (the chat's security-check form under the message that asked for it), its fields
// carry data-preserve and keep what is typed across the swap: typing is never lost.
// SLA timers and waits count down every second from their data-due timestamps.
(function () {
  "use strict";

  function fmt(seconds) {
    var s = Math.abs(Math.round(seconds));
    var out = s < 60 ? s + "s" : s < 3600 ? Math.floor(s / 60) + "m " + String(s % 60).padStart(2, "0") + "s"
      : Math.floor(s / 3600) + "h " + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + "m";
    return (seconds < 0 ? "−" : "") + out;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-due]").forEach(function (el) {
      var left = (Date.parse(el.dataset.due) - now) / 1000;
      if (el.dataset.format === "wait") { el.textContent = fmt(Math.max(0, left)); return; }
      el.textContent = fmt(left);
      el.classList.toggle("late", left < 0);
      el.classList.toggle("warn", left >= 0 && left < 15 * 60);
    });
  }

  // Swap a live region for its fresh copy, keeping every [data-preserve] element (by id) that
  // the fresh copy still has: the very node stays, so what is typed into it, the caret and
  // the focus survive (the idea of htmx's hx-preserve). One the fresh copy no longer has goes.
  function swap(region, fresh) {
    var active = document.activeElement, caret = null;
    region.querySelectorAll("[data-preserve][id]").forEach(function (keep) {
      var twin = fresh.querySelector("#" + CSS.escape(keep.id));
      if (!twin) return;
      if (active && keep.contains(active) && typeof active.selectionStart === "number") {
        caret = [active.selectionStart, active.selectionEnd];
      }
      twin.replaceWith(keep);
    });
    region.replaceChildren.apply(region, Array.prototype.slice.call(fresh.childNodes));
    // Taking a focused node out of the page blurs it: give the focus (and caret) back.
    if (active && active !== document.activeElement && region.contains(active)) {
      active.focus({ preventScroll: true });
      if (caret) { try { active.setSelectionRange(caret[0], caret[1]); } catch (e) {} }
    }
  }

  var refreshing = false, again = false;
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(location.href, { headers: { "X-Live": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (region) {
          var fresh = region.id && doc.getElementById(region.id);
          if (fresh && fresh.innerHTML !== region.innerHTML) {
            swap(region, fresh);
            region.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
          }
        });
        tick();
      })
      .catch(function () {})
      .finally(function () { refreshing = false; if (again) { again = false; refresh(); } });
  }
  window.trustdeskRefresh = refresh;

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    var src = document.body.dataset.events;
    if (src && window.EventSource) {
      var es = new EventSource(src);
      es.onmessage = function () { refresh(); };
      es.onopen = function () { document.body.dataset.live = "connected"; };
    }
    // Typing indicator while a message is on its way.
    document.querySelectorAll("form[data-typing]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var t = document.getElementById("typing");
        if (t) t.hidden = false;
      });
    });
  });
})();
