// Small enhancements: slider and number stay in step; quantiles preview their density.
(function () {
  "use strict";

  function syncPairs() {
    document.querySelectorAll("[data-sync]").forEach(function (input) {
      input.addEventListener("input", function () {
        var other = document.getElementById(input.dataset.sync);
        if (other) { other.value = input.value; }
      });
    });
  }

  function quantilePairs(form) {
    var pairs = [];
    form.querySelectorAll("input.quantile").forEach(function (input) {
      var raw = input.value.trim();
      if (!raw) { return; }
      var level = parseFloat(input.dataset.level);
      if (form.dataset.type === "date") {
        pairs.push([level, raw + "T00:00:00Z"]);
      } else {
        // Number, unlike parseFloat, does not read "3O" as 3.
        var value = Number(raw.replace(/,/g, ""));
        if (isNaN(value)) { pairs.notNumber = raw; }
        pairs.push([level, value]);
      }
    });
    return pairs;
  }

  function drawDensity(svg, density) {
    var width = 400, height = 120, pad = 6;
    var top = Math.max.apply(null, density) || 1;
    var step = (width - 2 * pad) / (density.length - 1);
    var points = density.map(function (d, i) {
      var x = pad + i * step;
      var y = height - pad - (d / top) * (height - 2 * pad);
      return x.toFixed(1) + "," + y.toFixed(1);
    });
    var ns = "http://www.w3.org/2000/svg";
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var area = document.createElementNS(ns, "polygon");
    area.setAttribute("points", pad + "," + (height - pad) + " " + points.join(" ") + " " + (width - pad) + "," + (height - pad));
    area.setAttribute("class", "density-area");
    svg.appendChild(area);
    var line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("class", "density-line");
    svg.appendChild(line);
  }

  function previewQuantiles() {
    var form = document.getElementById("quantile-form");
    if (!form) { return; }
    var svg = document.getElementById("density-preview");
    var status = document.getElementById("preview-status");
    var timer = null;
    function update() {
      var pairs = quantilePairs(form);
      if (pairs.length < 3) { status.textContent = "Give at least three percentiles to see the curve."; return; }
      if (pairs.notNumber !== undefined) {
        status.textContent = "\u201c" + pairs.notNumber + "\u201d is not a number.";
        status.classList.add("error");
        return;
      }
      fetch(form.dataset.preview, {
        method: "POST",
        headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify({quantiles: pairs})
      }).then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      }).then(function (result) {
        if (result.ok) {
          drawDensity(svg, result.body.density);
          status.textContent = "The curve shows the density your percentiles imply.";
          status.classList.remove("error");
        } else {
          status.textContent = result.body.error ? result.body.error.message : "These percentiles do not make a distribution.";
          status.classList.add("error");
        }
      }).catch(function () { status.textContent = "Preview unavailable."; });
    }
    form.querySelectorAll("input.quantile").forEach(function (input) {
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
    });
    update();
  }

  function toggleRange() {
    var select = document.getElementById("question-type");
    var fields = document.getElementById("range-fields");
    if (!select || !fields) { return; }
    function apply() { fields.hidden = select.value === "binary"; }
    select.addEventListener("change", apply);
    apply();
  }

  // A form with data-confirm asks before it is sent (inline handlers are barred by the CSP).
  // Its "confirmed" field says it was asked; without script the server asks on a page instead.
  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
        var confirmed = form.querySelector("input[name=confirmed]");
        if (confirmed) { confirmed.value = "yes"; }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    confirmForms();
    syncPairs();
    previewQuantiles();
    toggleRange();
  });
})();
