// A table wider than a phone scrolls inside a region of its own: keyboard users reach it with
// Tab and scroll it with the arrow keys, and a screen reader names it after the heading above
// it, while the table keeps its table semantics.
(function () {
  "use strict";

  function label(table) {
    var node = table.previousElementSibling;
    while (node && !/^H[1-6]$/.test(node.tagName)) { node = node.previousElementSibling; }
    if (!node && table.parentElement) {
      node = table.parentElement.querySelector("h1, h2, h3");
    }
    return (node ? node.textContent.trim() : "Table") + " (scrolls sideways)";
  }

  function wrap() {
    document.querySelectorAll("table.list").forEach(function (table) {
      if (table.parentElement.classList.contains("scroll-region")) { return; }
      var region = document.createElement("div");
      region.className = "scroll-region";
      table.parentElement.insertBefore(region, table);
      region.appendChild(table);
    });
    mark();
  }

  function mark() {
    document.querySelectorAll(".scroll-region").forEach(function (region) {
      var table = region.querySelector("table");
      if (region.scrollWidth > region.clientWidth + 1) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", label(region));
      } else {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
        region.removeAttribute("aria-label");
      }
      if (!table) { region.removeAttribute("role"); }
    });
  }

  document.addEventListener("DOMContentLoaded", wrap);
  window.addEventListener("resize", mark);
})();
