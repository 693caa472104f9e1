// The labgraph map: the page's selection (/map.geojson with the page's filters) on Leaflet maps,
// one for metropolitan France and one inset per overseas département, over the outlines of
// France (/map/outlines.geojson) or a configured tile server. Markers are clustered (10,000
// structures stay usable), reachable with Tab, and open the structure's card in the side panel on
// click or Enter. Nothing here writes HTML from the data: texts go through textContent.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("labgraph-map-config").textContent);
  var lang = config.lang;
  var host = document.getElementById("map");
  var words = {
    fr: { kind: "Nature", host: "Structure porteuse", territory: "Territoire", services: "Services",
          methods: "Méthodes", themes: "Thèmes", networks: "Réseaux", maturity: "Maturité",
          notStated: "non précisé par les sources", no: "non", page: "Page de la structure",
          card: "Fiche complète (JSON)", completeness: "Complétude", placed: "Placée au centroïde de",
          structures: "structures", open: "Ouvrir la fiche de " },
    en: { kind: "Kind", host: "Host organisation", territory: "Territory", services: "Services",
          methods: "Methods", themes: "Themes", networks: "Networks", maturity: "Maturity",
          notStated: "not stated in the sources", no: "no", page: "The structure's page",
          card: "Full card (JSON)", completeness: "Completeness", placed: "Placed at the centroid of",
          structures: "structures", open: "Open the card of " },
  }[lang === "en" ? "en" : "fr"];
  var FIELDS = ["kind", "host", "territory", "services", "methods", "themes", "networks", "maturity"];

  function label(labels, fallback) {
    if (!labels) { return { text: fallback, lang: lang }; }
    if (labels[lang]) { return { text: labels[lang], lang: lang }; }
    if (labels.fr) { return { text: labels.fr, lang: "fr" }; }
    if (labels.en) { return { text: labels.en, lang: "en" }; }
    return { text: fallback, lang: lang };
  }
  function local(iri) {
    if (iri.indexOf(config.base) === 0) {
      var rest = iri.slice(config.base.length);
      if (/^(id|def|graph|api)\//.test(rest)) {
        var keep = /[?&]lang=(fr|en)/.exec(window.location.search);
        return config.root + rest + (keep && rest.indexOf("api/") !== 0 ? "?lang=" + keep[1] : "");
      }
    }
    return /^https?:\/\//i.test(iri) ? iri : null;
  }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function span(l) { return el("span", l.text, { lang: l.lang }); }

  // ------------------------------------------------------------------ the card panel
  var panel = document.getElementById("map-card");
  function openCard(feature) {
    var p = feature.properties;
    var name = label(p.label, p.slug);
    panel.textContent = "";
    var title = el("h2", null, { id: "map-card-title", tabindex: "-1" });
    title.appendChild(span(name));
    panel.appendChild(title);
    var dl = el("dl", null, { class: "props card-fields" });
    FIELDS.forEach(function (name) {
      var field = p[name];
      if (!field) { return; }
      dl.appendChild(el("dt", words[name]));
      if (field.status !== "stated" || !field.values) {
        var dd = el("dd", null, { class: "card-" + field.status });
        dd.appendChild(el("em", field.status === "no" ? words.no : words.notStated));
        dl.appendChild(dd);
        return;
      }
      field.values.forEach(function (v) {
        var dd = el("dd");
        var text = v.iri ? label(v.label, v.iri.split("/").pop()) : { text: v.value, lang: lang };
        var href = v.iri ? local(v.iri) : null;
        if (href) { var a = el("a", null, { href: href }); a.appendChild(span(text)); dd.appendChild(a); }
        else { dd.appendChild(span(text)); }
        dl.appendChild(dd);
      });
    });
    dl.appendChild(el("dt", words.placed));
    var where = el("dd");
    where.appendChild(span(label(p.placedAt.label, p.placedAt.territory.split("/").pop())));
    dl.appendChild(where);
    dl.appendChild(el("dt", words.completeness));
    dl.appendChild(el("dd", Math.round(p.completeness * 100) + " %"));
    panel.appendChild(dl);
    var links = el("p", null, { class: "map-card-links" });
    var page = local(p.uri);
    if (page) { links.appendChild(el("a", words.page, { href: page, class: "map-card-page" })); links.appendChild(document.createTextNode(" · ")); }
    var card = local(p.card);
    if (card) { links.appendChild(el("a", words.card, { href: card + ".json", type: "application/json" })); }
    panel.appendChild(links);
    panel.setAttribute("data-uri", p.uri);
    title.focus();
  }

  // ------------------------------------------------------------------ the maps
  var views = {};
  Object.keys(config.views).forEach(function (code) {
    var node = document.getElementById("map-view-" + code);
    if (!node) { return; }
    var inset = code !== "metropole";
    var map = L.map(node, {
      zoomControl: !inset, attributionControl: !inset || !!config.tiles, zoomSnap: 0.25,
      scrollWheelZoom: !inset, keyboard: true, minZoom: 2, maxZoom: 14,
    });
    map.fitBounds(config.views[code].bounds);
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 18 }).addTo(map);
    } else if (map.attributionControl) {
      map.attributionControl.setPrefix(false);
      map.attributionControl.addAttribution("Natural Earth");
    }
    var cluster = L.markerClusterGroup({
      chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 40,
      iconCreateFunction: function (c) {
        var n = c.getChildCount();
        return L.divIcon({ html: "<span>" + n + "</span>", className: "lg-cluster", iconSize: L.point(34, 34) });
      },
    });
    cluster.on("clusterkeypress", function (e) {
      if (e.originalEvent && e.originalEvent.keyCode === 13) { e.layer.zoomToBounds(); }
    });
    map.addLayer(cluster);
    views[code] = { map: map, cluster: cluster, bounds: L.latLngBounds(config.views[code].bounds), count: 0 };
  });

  function viewOf(latlng) {
    var found = null;
    Object.keys(views).forEach(function (code) {
      if (code !== "metropole" && views[code].bounds.pad(0.5).contains(latlng)) { found = code; }
    });
    return found || "metropole";
  }

  function marker(feature) {
    var c = feature.geometry.coordinates;
    var latlng = L.latLng(c[1], c[0]);
    var p = feature.properties;
    var name = label(p.label, p.slug).text;
    var m = L.marker(latlng, {
      icon: L.divIcon({ className: "lg-marker lg-level-" + p.placedAt.level + " lg-type-" + p.type, iconSize: L.point(18, 18) }),
      keyboard: true, title: name, riseOnHover: true,
    });
    m.on("add", function () {
      var node = m.getElement();
      if (node) {
        node.setAttribute("aria-label", words.open + name);
        node.setAttribute("data-uri", p.uri);
      }
    });
    m.on("click", function () { openCard(feature); });
    m.on("keypress", function (e) {
      if (e.originalEvent && e.originalEvent.keyCode === 13) { openCard(feature); }
    });
    return { marker: m, view: viewOf(latlng) };
  }

  function draw(collection) {
    var batches = {};
    collection.features.forEach(function (f) {
      var made = marker(f);
      (batches[made.view] = batches[made.view] || []).push(made.marker);
    });
    var total = 0;
    Object.keys(views).forEach(function (code) {
      var list = batches[code] || [];
      views[code].cluster.addLayers(list);
      views[code].count = list.length;
      total += list.length;
      var node = document.getElementById("map-view-" + code);
      node.setAttribute("data-count", String(list.length));
    });
    host.setAttribute("data-rendered", String(total));
    host.setAttribute("data-state", "ready");
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + " answered " + r.status); }
      return r.json();
    });
  }

  var outlines = config.tiles ? Promise.resolve(null) : getJSON(config.outlines).catch(function () { return null; });
  outlines.then(function (shapes) {
    if (!shapes) { return; }
    Object.keys(views).forEach(function (code) {
      L.geoJSON(shapes, {
        interactive: false,
        style: function (f) {
          return f.properties.france
            ? { color: "#51606f", weight: 1, fillColor: "#e8eef4", fillOpacity: 1 }
            : { color: "#a5adb5", weight: 0.7, fillColor: "#f6f6f4", fillOpacity: 1 };
        },
      }).addTo(views[code].map);
    });
  }).then(function () { return getJSON(config.geojson); }).then(draw).catch(function (err) {
    host.setAttribute("data-state", "failed");
    host.appendChild(el("p", String(err), { class: "map-error", role: "alert" }));
  });

  // A filter applies as soon as it is chosen (the form's GET still works without JavaScript).
  var form = document.getElementById("map-filters");
  form.querySelectorAll("select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  });
  window.labgraphMap = { views: views, openCard: openCard };
})();
