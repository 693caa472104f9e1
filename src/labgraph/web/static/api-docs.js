// Renders the OpenAPI description with Swagger UI (installed from npm, served locally).
(function () {
  var script = document.currentScript;
  window.ui = SwaggerUIBundle({ url: script.getAttribute("data-spec"), dom_id: "#swagger-ui" });
  // Swagger UI's selects (servers, media types) have no name a screen reader could say
  // (axe-core: "select-name"): each gets one, in English like the rest of Swagger UI.
  var root = document.getElementById("swagger-ui");
  function name() {
    root.querySelectorAll("select:not([aria-label])").forEach(function (select) {
      var media = select.closest(".response-control-media-type, .content-type-wrapper, .body-param-content-type");
      select.setAttribute("aria-label", select.id === "servers" ? "Server" : media ? "Media type" : "Choice");
    });
  }
  new MutationObserver(name).observe(root, { childList: true, subtree: true });
})();
