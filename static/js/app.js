// Timelapser's few lines of browser code: countdowns, interval presets, arrow keys.
(function () {
  "use strict";

  // "in 12 s": the server renders the seconds left; we tick them down until the next swap.
  function countdownText(secs) {
    if (secs <= 0) return "now…";
    if (secs < 100) return "in " + secs + " s";
    if (secs < 3600) return "in " + Math.round(secs / 60) + " min";
    return "in " + Math.floor(secs / 3600) + " h " + Math.floor((secs % 3600) / 60) + " min";
  }

  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      // Deadline from the browser's own clock: a skewed clock cannot shift it.
      if (!el.tlDeadline) el.tlDeadline = now + Number(el.dataset.countdown) * 1000;
      el.textContent = countdownText(Math.max(0, Math.round((el.tlDeadline - now) / 1000)));
    });
  }
  setInterval(tickCountdowns, 1000);

  // Interval preset chips fill the number field.
  document.addEventListener("click", function (event) {
    var chip = event.target.closest("[data-interval]");
    if (!chip) return;
    var field = chip.form && chip.form.querySelector("[name=interval_seconds]");
    if (field) {
      field.value = chip.dataset.interval;
      field.focus();
    }
  });

  // Left/right arrows follow the viewer's previous/next links.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    var link = document.querySelector('a[data-key="' + event.key + '"]');
    if (link) window.location.href = link.href;
  });
})();
