/* Livelihoods charts: a household's income over the years and the relapse-watch trend.
   The figures come in a data attribute (no inline script); without ECharts or
   JavaScript the tables beside the charts say the same. */
(function () {
  "use strict";

  // Right to left (Uyghur): the legend reads from the right, each swatch on the right of
  // its name. The chart box is laid out left to right (doorstep.css), as ECharts assumes.
  var RTL = document.documentElement.dir === "rtl";
  function legend(base, series) {
    if (!RTL) return base;
    return Object.assign({}, base, {
      align: "right",
      data: series.map(function (s) { return s.name; }).reverse(),
    });
  }

  function draw(element) {
    if (typeof echarts === "undefined" || element.dataset.ready) return;
    element.dataset.ready = "1";
    var data = JSON.parse(element.dataset.chart || "{}");
    var chart = echarts.init(element, null, { renderer: "svg" });
    var option;
    if (element.dataset.kind === "income") {
      var series = (data.sources || []).map(function (s) {
        return { name: s.name, type: "bar", stack: "income", data: s.data };
      });
      series.push({ name: data.per_person_label, type: "line", yAxisIndex: 1, data: data.per_person });
      option = {
        tooltip: { trigger: "axis" },
        legend: legend({ type: "scroll", bottom: 0 }, series),
        grid: { left: 8, right: 8, top: 24, bottom: 40, containLabel: true },
        xAxis: { type: "category", data: data.years },
        yAxis: [{ type: "value" }, { type: "value" }],
        series: series,
      };
    } else {
      var lines = (data.series || []).map(function (s) {
        return { name: s.name, type: "line", data: s.data };
      });
      option = {
        tooltip: { trigger: "axis" },
        legend: legend({ bottom: 0 }, lines),
        grid: { left: 8, right: 8, top: 24, bottom: 40, containLabel: true },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", minInterval: 1 },
        series: lines,
      };
    }
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
