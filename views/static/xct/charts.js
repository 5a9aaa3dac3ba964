/*
 * 巡察通 charts: draws every chart element of the page with ECharts (served from our own static files).
 *
 * CONTRACT (used by 领导看板 and by the questionnaire statistics; keep it this simple):
 *
 *   <div class="xct-chart" style="height: 360px;"
 *        data-chart='{ECharts option as JSON}'
 *        data-links='[[url or null, ...], ...]'></div>
 *
 *   - data-chart (required): an ECharts option object, JSON, passed to chart.setOption() as it is.
 *   - data-links (optional): JSON array, one entry per series (in the order of option.series), each an array of
 *     URLs (or null) by data index: clicking data point i of series s opens data-links[s][i] in the same tab.
 *     Only same-origin relative URLs ("/...") are followed.
 *   - the element needs a height (style or CSS); the width follows its container.
 *
 * Include on the page, after echarts.min.js, both with the CSP nonce:
 *   <script src="{{ url_for('static', filename='xct/vendor/echarts.min.js') }}" nonce="{{ baselib.get_nonce() }}"></script>
 *   <script src="{{ url_for('static', filename='xct/charts.js') }}" nonce="{{ baselib.get_nonce() }}"></script>
 * Each drawn element gets data-rendered="1" (browser tests wait for it).
 */
(function () {
  "use strict";

  function parse(text, fallback) {
    if (!text) { return fallback; }
    try { return JSON.parse(text); } catch (e) { return fallback; }
  }

  function sameOrigin(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function render(el) {
    if (!window.echarts || el.getAttribute("data-rendered")) { return; }
    var option = parse(el.getAttribute("data-chart"), null);
    if (!option) { el.textContent = "图表数据有误，无法显示"; return; }
    var links = parse(el.getAttribute("data-links"), []);
    el.textContent = "";
    var chart = window.echarts.init(el);
    chart.setOption(option);
    chart.on("click", function (params) {
      var series = links[params.seriesIndex] || [];
      var url = series[params.dataIndex];
      if (sameOrigin(url)) { window.location.href = url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-rendered", "1");
  }

  function renderAll() {
    var els = document.querySelectorAll(".xct-chart");
    for (var i = 0; i < els.length; i++) { render(els[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
  window.xctCharts = { renderAll: renderAll };
}());
