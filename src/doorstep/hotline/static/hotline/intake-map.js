// The intake screen's map: a click (or tap) sets the call's latitude and longitude
// fields; typing in those fields moves the marker; choosing a compound that has
// coordinates centres the map on it. Without a tile server (offline offices,
// DOORSTEP_TILE_URL empty) the office area's compounds are drawn as labelled points on
// a plain background, which is enough to place a call. Without JavaScript the two
// fields are typed by hand. Loaded by hotline/intake.html after vendor/leaflet.
(function () {
  "use strict";

  function number(value) {
    var n = parseFloat(String(value || "").replace(",", "."));
    return isFinite(n) ? n : null;
  }

  function init() {
    var element = document.getElementById("intake-map");
    if (!element || typeof L === "undefined" || element.dataset.ready) return;
    element.dataset.ready = "1";
    var latInput = document.getElementById("id_latitude");
    var lngInput = document.getElementById("id_longitude");
    var place = document.getElementById("id_place_area");
    var points = [];
    try {
      points = JSON.parse(element.dataset.points || "[]");
    } catch (e) {
      points = [];
    }
    var hasTiles = Boolean(element.dataset.tileUrl);
    var map = L.map(element, { attributionControl: hasTiles });
    if (hasTiles) {
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 19,
        attribution: element.dataset.tileAttribution || "",
      }).addTo(map);
    } else {
      element.classList.add("map-plain");
    }
    var byId = {};
    points.forEach(function (p) {
      byId[String(p.id)] = p;
      L.circleMarker([p.lat, p.lng], { radius: 5, weight: 1, color: "#555", fillOpacity: 0.5 })
        .addTo(map)
        .bindTooltip(p.name, { permanent: !hasTiles, direction: "top", className: "map-label" });
    });
    var centre = [number(element.dataset.lat), number(element.dataset.lng)];
    if (points.length > 1) {
      map.fitBounds(
        points.map(function (p) {
          return [p.lat, p.lng];
        }),
        { padding: [24, 24], maxZoom: 17 }
      );
    } else if (centre[0] !== null && centre[1] !== null) {
      map.setView(centre, 15);
    } else if (points.length === 1) {
      map.setView([points[0].lat, points[0].lng], 16);
    } else {
      map.setView([0, 0], 2);
    }

    var marker = null;
    function show(lat, lng) {
      if (marker) marker.setLatLng([lat, lng]);
      else marker = L.marker([lat, lng], { keyboard: false }).addTo(map);
    }
    function set(lat, lng) {
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      show(lat, lng);
      element.dataset.picked = latInput.value + "," + lngInput.value;
    }
    map.on("click", function (event) {
      set(event.latlng.lat, event.latlng.lng);
    });
    function fromFields() {
      var lat = number(latInput.value);
      var lng = number(lngInput.value);
      if (lat !== null && lng !== null && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        show(lat, lng);
        map.panTo([lat, lng]);
      }
    }
    latInput.addEventListener("change", fromFields);
    lngInput.addEventListener("change", fromFields);
    if (place) {
      place.addEventListener("change", function () {
        var p = byId[place.value];
        if (p) map.setView([p.lat, p.lng], Math.max(map.getZoom(), 16));
      });
    }
    if (latInput.value && lngInput.value) fromFields();
  }

  window.addEventListener("load", init);
})();
