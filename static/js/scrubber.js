// The frame scrubber (templates/timelapses/_scrubber.html): a slider over a whole timelapse
// that shows the thumbnail at each stop at once. Thumbnails only, never full-size frames.
//
// Nothing is fetched until the person reaches for the slider (hover, focus, touch), so the
// page itself stays light. Then every stop's thumbnail is prefetched, coarse to fine (the
// ends, the middle, the quarters, ...), so the whole range is soon covered roughly and then
// filled in; the stop under the handle jumps the queue. While a stop's own thumbnail is on
// its way, the nearest one already loaded stands in.
(function () {
  "use strict";

  var PARALLEL = 6; // browsers open about six connections per host

  // 0..n-1 in bisection order: both ends, then the midpoints of ever smaller intervals.
  function coarseToFine(n) {
    var order = [], seen = new Array(n), spans = [[0, n - 1]];
    function add(i) { if (i >= 0 && i < n && !seen[i]) { seen[i] = true; order.push(i); } }
    add(n - 1); add(0);
    while (spans.length) {
      var next = [];
      spans.forEach(function (span) {
        if (span[1] - span[0] < 2) return;
        var mid = (span[0] + span[1]) >> 1;
        add(mid);
        next.push([span[0], mid], [mid, span[1]]);
      });
      spans = next;
    }
    for (var i = 0; i < n; i++) add(i);
    return order;
  }

  function setup(root) {
    if (root.tlScrubber) return;
    root.tlScrubber = true;
    var data = root.querySelector(".scrubber-stops");
    var range = root.querySelector("input[type=range]");
    if (!data || !range) return;
    var stops = JSON.parse(data.textContent); // [id, time, thumb url, frame number]
    var img = root.querySelector(".scrubber-img");
    var link = root.querySelector(".scrubber-view");
    var time = root.querySelector(".scrubber-time");
    var number = root.querySelector(".scrubber-number");
    var viewer = root.dataset.viewer.replace(/0$/, "");
    var loaded = new Array(stops.length), requested = new Array(stops.length);
    var queue = [], busy = 0, started = false;
    loaded[stops.length - 1] = requested[stops.length - 1] = true; // shown by the page

    function pump() {
      while (busy < PARALLEL && queue.length) {
        var i = queue.shift();
        if (requested[i]) continue;
        fetch(i);
      }
    }

    function fetch(i) {
      requested[i] = true;
      busy++;
      var probe = new Image();
      probe.onload = probe.onerror = function () {
        busy--;
        loaded[i] = probe.naturalWidth > 0;
        if (Number(range.value) === i && loaded[i]) img.src = stops[i][2];
        pump();
      };
      probe.src = stops[i][2];
    }

    function nearestLoaded(i) {
      for (var d = 1; d < stops.length; d++) {
        if (loaded[i - d]) return i - d;
        if (loaded[i + d]) return i + d;
      }
      return -1;
    }

    function show(i) {
      var stop = stops[i];
      time.textContent = stop[1];
      number.textContent = stop[3];
      range.setAttribute("aria-valuetext", stop[1]);
      link.href = viewer + stop[0];
      var shown = loaded[i] ? i : nearestLoaded(i);
      if (shown >= 0) img.src = stops[shown][2];
      root.classList.toggle("scrubber-approx", shown !== i);
      if (!loaded[i] && !requested[i]) { queue.unshift(i); start(); pump(); }
    }

    function start() {
      if (started) return;
      started = true;
      queue = queue.concat(coarseToFine(stops.length));
      pump();
    }

    range.addEventListener("input", function () { show(Number(range.value)); });
    ["pointerenter", "focusin", "touchstart"].forEach(function (name) {
      root.addEventListener(name, start, { once: true, passive: true });
    });
  }

  function scan(node) {
    if (node.matches && node.matches("[data-scrubber]")) setup(node);
    if (node.querySelectorAll) node.querySelectorAll("[data-scrubber]").forEach(setup);
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
  if (document.readyState !== "loading") scan(document);
})();
