// The labgraph query editor: YASGUI pointed at this server's endpoint, with the catalogue's
// queries as examples, result links that open this server's pages, and shareable links.
(function () {
  var config = JSON.parse(document.getElementById("labgraph-config").textContent);
  var host = document.getElementById("yasgui");
  host.innerHTML = "";
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"]; // no remote vocabulary lookups
  var yasgui = new Yasgui(host, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    populateFromUrl: true,
    persistenceId: null,
    yasqe: { value: config.examples.length ? config.examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
  });

  // IRIs under the public base open this server's page for them.
  function localise(root) {
    root.querySelectorAll("a[href^='" + config.base + "']").forEach(function (a) {
      var rest = a.getAttribute("href").slice(config.base.length);
      if (/^(id|def|graph)\//.test(rest)) {
        a.setAttribute("href", config.root + rest);
        a.removeAttribute("target");
      }
    });
  }
  function watch(tab) {
    var yasr = tab.getYasr();
    if (yasr && !yasr.__labgraph) {
      yasr.__labgraph = true;
      yasr.on("drawn", function () { localise(yasr.rootEl); });
    }
  }
  watch(yasgui.getTab());
  yasgui.on("tabSelect", function () { setTimeout(function () { watch(yasgui.getTab()); }, 0); });

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = config.examples.find(function (e) { return e.name === button.dataset.name; });
      var yasqe = yasgui.getTab().getYasqe();
      yasqe.setValue(example.query);
      yasqe.query();
    });
  });
  // YASGUI leaves the query's text area and the endpoint field without a name that a screen
  // reader could say (axe-core: "label"); they get one on every tab, in English like the rest
  // of YASGUI (its host is marked lang="en").
  var names = { ".yasqe textarea": "SPARQL query", "input.autocomplete": "SPARQL endpoint address" };
  function name(root) {
    Object.keys(names).forEach(function (selector) {
      root.querySelectorAll(selector).forEach(function (field) {
        if (!field.getAttribute("aria-label")) field.setAttribute("aria-label", names[selector]);
      });
    });
  }
  name(host);
  new MutationObserver(function () { name(host); }).observe(host, { childList: true, subtree: true });
  window.labgraphYasgui = yasgui;
})();
