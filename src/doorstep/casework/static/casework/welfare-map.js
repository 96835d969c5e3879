// The welfare-check round's map: households (or, for large rounds, villages with their
// counts) coloured by status, clustered. Without a tile server (DOORSTEP_TILE_URL empty)
// the points stand on a plain background, which is enough to see where the residents not
// reached are. Redrawn each time the coverage panel refreshes (htmx), so it stays live.
// Loaded by casework/welfare_round.html after vendor/leaflet and leaflet.markercluster.
(function () {
  "use strict";

  var COLOURS = { done: "#1d7a3a", not_reached: "#b3261e", pending: "#e0a000" };
  var state = null;

  function label(element, status) {
    var key = { done: "labelDone", not_reached: "labelNotReached", pending: "labelPending" }[status];
    return element.dataset[key] || status;
  }

  function draw(data) {
    var element = state.element;
    var layer = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.layerGroup();
    var bounds = [];
    data.points.forEach(function (p) {
      var radius = data.kind === "areas" ? Math.min(6 + Math.sqrt(p.count), 24) : 7;
      var marker = L.circleMarker([p.lat, p.lng], {
        radius: radius, weight: 2, color: COLOURS[p.status] || "#555", fillOpacity: 0.7,
      });
      var text = p.label + " · " + label(element, p.status);
      if (data.kind === "areas") {
        text = p.label + " · " + label(element, "done") + " " + p.done + " · " +
          label(element, "not_reached") + " " + p.not_reached + " · " +
          label(element, "pending") + " " + p.pending;
      } else if (p.count > 1) {
        text += " (" + p.count + ")";
      }
      marker.bindTooltip(text);
      layer.addLayer(marker);
      bounds.push([p.lat, p.lng]);
    });
    if (state.layer) state.map.removeLayer(state.layer);
    state.layer = layer.addTo(state.map);
    if (!state.fitted && bounds.length) {
      state.map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
      state.fitted = true;
    }
    element.dataset.points = String(data.points.length);
    var unplaced = document.getElementById("round-map-unplaced");
    if (unplaced) {
      unplaced.hidden = !data.unplaced;
      unplaced.textContent = data.unplaced ? (element.dataset.labelUnplaced || "") + ": " + data.unplaced : "";
    }
  }

  function load() {
    fetch(state.element.dataset.mapUrl, {
      credentials: "same-origin", headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) draw(data); });
  }

  function init() {
    var element = document.getElementById("round-map");
    if (!element || typeof L === "undefined" || element.dataset.ready) return;
    element.dataset.ready = "1";
    var hasTiles = Boolean(element.dataset.tileUrl);
    // markercluster needs a maxZoom, which a map without a tile layer does not have.
    var map = L.map(element, { attributionControl: hasTiles, maxZoom: 18 });
    map.setView([41.17, 80.26], 8);
    if (hasTiles) {
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 19, attribution: element.dataset.tileAttribution || "",
      }).addTo(map);
    } else {
      element.classList.add("map-plain");
    }
    state = { element: element, map: map, layer: null, fitted: false };
    load();
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail && event.detail.target && event.detail.target.id === "coverage") load();
    });
  }
  window.addEventListener("load", init);
})();
