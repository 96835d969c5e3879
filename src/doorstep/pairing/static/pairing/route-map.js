// The visit route on a Leaflet map: numbered stops joined in order from the base.
// Works without tiles (plain background), like registry's household map.
(function () {
  "use strict";
  function init() {
    if (typeof L === "undefined") return;
    var element = document.querySelector("[data-route-map]");
    var pointsNode = document.getElementById("route-points");
    if (!element || !pointsNode) return;
    var points = JSON.parse(pointsNode.textContent);
    var baseNode = document.getElementById("route-base");
    var base = baseNode ? JSON.parse(baseNode.textContent) : null;
    var map = L.map(element, { attributionControl: Boolean(element.dataset.tileUrl) });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 19,
        attribution: element.dataset.tileAttribution || "",
      }).addTo(map);
    } else {
      element.classList.add("map-plain");
    }
    var line = [];
    if (base) {
      line.push([base.lat, base.lng]);
      L.circleMarker([base.lat, base.lng], { radius: 8, weight: 3, color: "#a33" })
        .addTo(map)
        .bindTooltip(element.dataset.baseLabel || "");
    }
    points.forEach(function (p) {
      line.push([p.lat, p.lng]);
      L.circleMarker([p.lat, p.lng], { radius: 7, weight: 2, color: "#0b5cad", fillOpacity: 0.6 })
        .addTo(map)
        .bindTooltip(p.label, { permanent: true, direction: "right" });
    });
    var path = L.polyline(line, { color: "#0b5cad", weight: 3 }).addTo(map);
    map.fitBounds(path.getBounds(), { padding: [20, 20], maxZoom: 16 });
    element.dataset.ready = "1";
  }
  window.addEventListener("load", init);
})();
