// Starts Swagger UI on /api/v1/docs (a file of its own: the Content-Security-Policy allows no
// inline script). The document's address comes from the page's data-spec-url.
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.ui = window.SwaggerUIBundle({
      url: root.getAttribute("data-spec-url"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      // Operation ids beside each path where there is room for them (not on a phone).
      displayOperationId: window.innerWidth >= 700,
      defaultModelsExpandDepth: 0,
      persistAuthorization: false,
      // The base layout: no bar to load another document into this page.
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
