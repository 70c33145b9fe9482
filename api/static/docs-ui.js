// Initialises Swagger UI on /docs (api/templates/docs_ui.html). A file of its own, not an
// inline script, so the page's Content-Security-Policy needs no 'unsafe-inline'.
// validatorUrl null: the UI never calls the public validator (no request to another origin).
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
