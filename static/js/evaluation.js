// evaluation: dashboard charts (Apache ECharts), the review sheet's keyboard moves (printing is app.js's)
// button. Every page works without this file: the figures are in tables beside the charts, the
// sheet saves with its own submit buttons. No inline script anywhere (the CSP forbids it): chart
// data arrives in <script type="application/json"> elements, which the browser never executes.
(function () {
  "use strict";

  const PALETTE = ["#a4161a", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

  function readSpec(id) {
    const source = document.getElementById(id);
    if (!source) return null;
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  function axisOption(spec) {
    const horizontal = spec.type === "hbar";
    const many = spec.categories.length > 8;
    const category = {
      type: "category",
      data: spec.categories,
      axisLabel: horizontal || many
        ? { interval: 0, rotate: horizontal ? 0 : 40 }
        : { interval: 0, width: 90, overflow: "break" },
    };
    const value = { type: "value", axisLabel: { formatter: spec.unit === "%" ? "{value}%" : "{value}" } };
    const stacked = spec.stacked === true;
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: spec.series.length > 1 ? { top: 0, type: "scroll" } : { show: false },
      grid: { left: 8, right: 24, top: spec.series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: spec.series.map((s) => ({
        name: s.name,
        type: spec.type === "line" ? "line" : "bar",
        stack: stacked ? "total" : undefined,
        data: s.data,
        label: { show: spec.categories.length <= 12 && !stacked, position: horizontal ? "right" : "top" },
        barMaxWidth: 36,
      })),
    };
  }

  function optionFor(spec) {
    if (spec.type === "pie") {
      return {
        color: PALETTE,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0, type: "scroll" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: spec.categories.map((name, i) => ({ name: name, value: spec.series[0].data[i] })) }],
      };
    }
    if (spec.type === "funnel") {
      return {
        color: PALETTE,
        tooltip: { trigger: "item", formatter: "{b}: {c}" },
        series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "8%", label: { show: true, position: "inside", formatter: "{b} {c}" }, data: spec.categories.map((name, i) => ({ name: name, value: spec.series[0].data[i] })) }],
      };
    }
    return axisOption(spec);
  }

  const charts = [];

  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach((element) => {
      const spec = readSpec(element.dataset.chart);
      if (!spec) return;
      // Shown first: ECharts sizes the chart from its box, which is empty while hidden.
      element.classList.add("chart-ready");
      let chart = window.echarts.getInstanceByDom(element);
      if (!chart) {
        chart = window.echarts.init(element, null, { renderer: "svg" });
        charts.push(chart);
      }
      chart.setOption(optionFor(spec), true);
    });
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => charts.forEach((chart) => chart.isDisposed() || chart.resize()), 150);
  });

  // The review sheet: Enter and the arrow keys move between rows in the same column, as in a
  // spreadsheet, instead of submitting the whole form.
  function sheetMove(event) {
    const input = event.target;
    if (!(input instanceof HTMLElement) || !input.matches(".review-sheet [data-col]")) return;
    let step = 0;
    if (event.key === "Enter" || (event.key === "ArrowDown" && input.tagName !== "SELECT")) step = 1;
    if (event.key === "ArrowUp" && input.tagName !== "SELECT") step = -1;
    if (!step || event.isComposing) return;
    if (input.tagName === "TEXTAREA" && event.key === "Enter") return;
    const column = input.dataset.col;
    const cells = Array.from(document.querySelectorAll(`.review-sheet [data-col="${column}"]`));
    const next = cells[cells.indexOf(input) + step];
    if (next) {
      event.preventDefault();
      next.focus();
      if (typeof next.select === "function") next.select();
    } else if (event.key === "Enter") {
      event.preventDefault();
    }
  }

  document.addEventListener("keydown", sheetMove);

  document.addEventListener("DOMContentLoaded", () => renderCharts(document));
  document.addEventListener("htmx:afterSwap", (event) => renderCharts(event.detail.target));
})();
