// Renders the OpenAPI description with Swagger UI (installed from npm, served locally).
(function () {
  var script = document.currentScript;
  window.ui = SwaggerUIBundle({ url: script.getAttribute("data-spec"), dom_id: "#swagger-ui" });
})();
