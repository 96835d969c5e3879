/* Dashboards: charts (ECharts) and the map (Leaflet + markercluster), both fed by the
   API the page names in data-url. No inline script; the page's tables hold every
   figure, so the page is complete without this file. */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }

  function link(url, text) { // built as nodes: no record text is parsed as HTML
    var a = document.createElement("a");
    a.href = url;
    a.textContent = text;
    return a;
  }

  function num(v) { return typeof v === "number" ? v : null; } // "<5" draws as a gap

  // Right to left (Uyghur): the legend reads from the right, each swatch on the right of
  // its name. The chart box is laid out left to right (doorstep.css), as ECharts assumes.
  var RTL = document.documentElement.dir === "rtl";

  function lineChart(el, data) {
    if (typeof echarts === "undefined" || !data) return;
    var d = el.dataset;
    var chart = echarts.init(el, null, { renderer: "svg" });
    var x = data.series.map(function (p) { return p.start; });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: RTL
        ? { top: 0, right: 0, align: "right", data: [d.labelResolved, d.labelOpened, d.labelContacts] }
        : { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: x },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: d.labelContacts, type: "bar", data: data.series.map(function (p) { return num(p.contacts); }) },
        { name: d.labelOpened, type: "line", data: data.series.map(function (p) { return num(p.needs_opened); }) },
        { name: d.labelResolved, type: "line", data: data.series.map(function (p) { return num(p.needs_resolved); }) },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function barChart(el, names, values, label) {
    if (typeof echarts === "undefined" || !el || !names.length) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: {},
      title: { text: label, textStyle: { fontSize: 13 } },
      grid: { left: 120, right: 16, top: 32, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: names, inverse: true },
      series: [{ type: "bar", data: values.map(num) }],
    });
  }

  function charts() {
    document.querySelectorAll("[data-insights-chart]").forEach(function (el) {
      getJSON(el.dataset.url).then(function (data) {
        lineChart(el, data);
        if (!data) return;
        var section = el.parentElement;
        var children = data.children || [];
        barChart(section.querySelector("[data-insights-children-chart]"),
          children.map(function (c) { return c.name; }),
          children.map(function (c) { return c.values.coverage; }), el.dataset.labelCoverage);
        var units = data.units || [];
        barChart(section.querySelector("[data-insights-units-chart]"),
          units.map(function (u) { return u.name; }),
          units.map(function (u) { return u.referrals; }), el.dataset.labelUnits);
      });
    });
  }

  function maps() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-insights-map]").forEach(function (el) {
      var d = el.dataset;
      // markercluster needs a maxZoom, which a map without a tile layer lacks.
      var map = L.map(el, { attributionControl: Boolean(d.tileUrl), maxZoom: 18 });
      if (d.tileUrl) {
        L.tileLayer(d.tileUrl, { maxZoom: 19, attribution: d.tileAttribution || "" }).addTo(map);
      } else {
        el.classList.add("map-plain");
      }
      map.setView([41.17, 80.26], 8);
      getJSON(d.url).then(function (data) {
        if (!data) return;
        var bounds = [];
        var cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
        data.households.forEach(function (h) {
          var m = L.circleMarker([h.lat, h.lng], { radius: 6, color: "#0b5cad", fillOpacity: 0.6 });
          m.bindPopup(link(h.url, d.labelHousehold + " " + h.household_no));
          cluster.addLayer(m);
          bounds.push([h.lat, h.lng]);
        });
        data.needs.forEach(function (n) {
          var m = L.circleMarker([n.lat, n.lng], { radius: 7, color: "#b3261e", fillOpacity: 0.7 });
          m.bindPopup(link(n.url, d.labelNeed + " · " + n.category));
          cluster.addLayer(m);
          bounds.push([n.lat, n.lng]);
        });
        map.addLayer(cluster);
        data.areas.forEach(function (a) {
          var m = L.circleMarker([a.lat, a.lng], { radius: 14, color: "#555", fillOpacity: 0.25 });
          var label = document.createElement("span");
          label.textContent = a.name + ": " + a.households + " / " + a.open_needs;
          m.bindTooltip(label, { permanent: !d.tileUrl });
          m.on("click", function () { window.location.href = a.url; });
          m.addTo(map);
          bounds.push([a.lat, a.lng]);
        });
        if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
        el.dataset.ready = "1";
        el.dataset.points = String(bounds.length);
      });
    });
  }

  window.addEventListener("load", function () { charts(); maps(); });
})();
