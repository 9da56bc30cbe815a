// Live pages: Server-Sent Events tell the page that something changed; the page then fetches
// itself and swaps its [data-live] regions (forms stay untouched, so typing is never lost).
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
            region.innerHTML = fresh.innerHTML;
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
