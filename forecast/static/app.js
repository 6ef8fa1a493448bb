// Small enhancements: slider and number stay in step; quantiles preview their density;
// multiple-choice sliders keep their sum at 100%.
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

  // Multiple choice: the option percentages always sum to 100 (kept in tenths of a percent).
  // Moving one option shares the difference among the unlocked others in proportion to what
  // they hold, none going below 0.1%; a locked option stays where it is.
  function shareOut(tenths, free, remaining) {
    var held = free.reduce(function (sum, i) { return sum + tenths[i]; }, 0);
    var parts = free.map(function (i) {
      var exact = held > 0 ? remaining * tenths[i] / held : remaining / free.length;
      return {i: i, whole: Math.max(1, Math.floor(exact)), rest: exact - Math.floor(exact)};
    });
    var total = parts.reduce(function (sum, p) { return sum + p.whole; }, 0);
    parts.sort(function (a, b) { return b.rest - a.rest; });
    for (var k = 0; total < remaining; k = (k + 1) % parts.length) { parts[k].whole += 1; total += 1; }
    parts.sort(function (a, b) { return b.whole - a.whole; });
    for (var m = 0; total > remaining; m = (m + 1) % parts.length) {
      if (parts[m].whole > 1) { parts[m].whole -= 1; total -= 1; }
    }
    parts.forEach(function (p) { tenths[p.i] = p.whole; });
  }

  function choiceSliders() {
    var form = document.getElementById("choice-form");
    if (!form) { return; }
    var numbers = Array.prototype.slice.call(form.querySelectorAll("input.choice-number"));
    var sliders = Array.prototype.slice.call(form.querySelectorAll("input.choice-slider"));
    var locks = Array.prototype.slice.call(form.querySelectorAll("input.choice-lock"));
    var total = document.getElementById("choice-total");
    var totalRow = document.getElementById("choice-total-row");
    function read(input) {
      var value = Math.round(parseFloat(input.value) * 10);
      return isNaN(value) ? null : value;
    }
    var tenths = numbers.map(read);
    function show(skip) {
      tenths.forEach(function (t, i) {
        var text = (t / 10).toFixed(1).replace(/\.0$/, "");
        if (numbers[i] !== skip) { numbers[i].value = text; }
        if (sliders[i] !== skip) { sliders[i].value = text; }
      });
      var sum = tenths.reduce(function (a, b) { return a + b; }, 0);
      total.textContent = (sum / 10).toFixed(1).replace(/\.0$/, "") + "%";
      totalRow.hidden = false;
    }
    function move(index, source) {
      var wanted = read(source);
      if (wanted === null || tenths.indexOf(null) >= 0) { return; }
      var free = [], lockedSum = 0;
      tenths.forEach(function (t, i) {
        if (i === index) { return; }
        if (locks[i].checked) { lockedSum += t; } else { free.push(i); }
      });
      if (!free.length) { show(null); return; }  // everything else is locked: nothing can give
      var most = 1000 - lockedSum - free.length;
      var value = Math.min(Math.max(wanted, 1), most);
      tenths[index] = value;
      shareOut(tenths, free, 1000 - lockedSum - value);
      show(value === wanted ? source : null);
    }
    numbers.concat(sliders).forEach(function (input) {
      var index = parseInt(input.dataset.index, 10);
      input.addEventListener("input", function () { move(index, input); });
      input.addEventListener("change", function () { show(null); });
    });
    locks.forEach(function (lock, i) {
      lock.addEventListener("change", function () {
        numbers[i].readOnly = lock.checked;
        sliders[i].disabled = lock.checked;
      });
    });
    if (tenths.indexOf(null) < 0) { show(null); }
  }

  function toggleRange() {
    var select = document.getElementById("question-type");
    var fields = document.getElementById("range-fields");
    var options = document.getElementById("option-fields");
    if (!select || !fields) { return; }
    function apply() {
      fields.hidden = select.value === "binary" || select.value === "multiple_choice";
      if (options) { options.hidden = select.value !== "multiple_choice"; }
    }
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
    choiceSliders();
    toggleRange();
  });
})();
