/* congkhai charts: draw each figure of the page with plotly.js, fetched once,
   only when a chart comes near the viewport. Figures are JSON in
   <script type="application/json"> blocks (no inline script, no eval: the site
   runs under a Content Security Policy of script-src 'self'). Without
   JavaScript, or if anything here fails, the page keeps its sentences and
   tables, which say what each chart shows. */
(function () {
  'use strict';
  var loader = document.currentScript;
  var plots = document.querySelectorAll('.plot[data-figure]');
  if (!loader || !plots.length || !('IntersectionObserver' in window)) return;
  var bundle = loader.getAttribute('data-plotly');
  var plotly = null;

  function loadPlotly() {
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = bundle;
        script.async = true;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotly;
  }

  function draw(plot) {
    var source = document.getElementById(plot.getAttribute('data-figure'));
    var figure;
    try {
      figure = JSON.parse(source.textContent);
    } catch (error) {
      plot.hidden = true;
      return;
    }
    loadPlotly().then(function (Plotly) {
      return Plotly.newPlot(plot, figure.data, figure.layout, figure.config);
    }).then(function () {
      plot.classList.add('plot-drawn');
      offerImage(plot);
    }, function () {
      plot.hidden = true;
    });
  }

  // Once drawn, the chart can be saved as an image (plotly.js draws it again as PNG or SVG).
  function offerImage(plot) {
    var id = plot.getAttribute('data-figure');
    var tools = document.querySelector('.chart-image[data-for="' + id + '"]');
    if (!tools) return;
    tools.hidden = false;
    tools.addEventListener('click', function (event) {
      var format = event.target.getAttribute('data-format');
      if (format) window.Plotly.downloadImage(plot, {format: format, filename: id, width: plot.offsetWidth, height: plot.offsetHeight});
    });
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, {rootMargin: '200px 0px'});

  Array.prototype.forEach.call(plots, function (plot) {
    // Hold the chart's place so that drawing it moves nothing below.
    plot.style.height = plot.getAttribute('data-height') + 'px';
    plot.classList.add('plot-waiting');
    observer.observe(plot);
  });
})();
