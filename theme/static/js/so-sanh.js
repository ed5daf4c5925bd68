/* Compare units (/so-sanh/): pick up to five by name, with or without diacritics, and see their
   XS share and coverage month by month beside the organisation's, on one chart and in one table.
   Units come from the search index (tim-kiem/don-vi.json), figures from so-sanh/du-lieu/ (both
   written by generator/). The selection is the address (?don-vi=A,B), so it can be shared.
   plotly.js is fetched only once there is something to draw. Text goes in as text, never HTML. */
(function () {
  "use strict";
  var form = document.getElementById("so-sanh");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var text = form.dataset;
  var alone = form.hasAttribute("data-alone");  // /so-sanh/bieu-do/: the chart alone, no picking
  var most = Number(text.most);
  var input = document.getElementById("them");
  var status = document.getElementById("so-sanh-trang-thai");
  var choices = document.getElementById("goi-y");
  var chosenList = document.getElementById("da-chon");
  var none = document.getElementById("chua-chon");
  var results = document.getElementById("ket-qua-so-sanh");
  var plot = document.getElementById("bieu-do-so-sanh");
  var table = document.getElementById("bang-so-sanh");
  var address = document.getElementById("dia-chi");
  var csvLink = document.getElementById("so-sanh-csv");
  var months = JSON.parse(document.getElementById("so-sanh-thang").textContent);
  var monthNames = JSON.parse(document.getElementById("so-sanh-thang-ten").textContent);
  var monthTicks = JSON.parse(document.getElementById("so-sanh-thang-nhan").textContent);
  var lang = document.documentElement.lang;
  var percent = new Intl.NumberFormat(lang === "en" ? "en" : "vi", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  // Okabe-Ito colours other than the levels' blue, each with its own marker (greyscale print).
  var COLOURS = ["#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"];
  var SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x"];
  var units = [], byCode = {}, chosen = [], loaded = {}, plotly = null;

  function fold(value) {  // as generator/text.py fold(): no marks, đ -> d, lower case
    return value.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d")
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function element(tag, content) {
    var node = document.createElement(tag);
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function named(tag, name) {  // a unit's own name stays Vietnamese on English pages
    var node = element(tag, name);
    if (lang !== "vi") node.lang = "vi";
    return node;
  }
  function json(url) {
    if (!loaded[url]) loaded[url] = fetch(url).then(function (r) { if (!r.ok) throw new Error(url); return r.json(); });
    return loaded[url];
  }
  function shown(value) { return value === null ? "–" : percent.format(value) + "%"; }

  function suggest() {
    var words = fold(input.value).split(" ").filter(Boolean);
    choices.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    if (chosen.length >= most) { status.textContent = fill(text.full, { most: most }); return; }
    var found = units.filter(function (unit) {
      if (chosen.indexOf(unit[0]) >= 0) return false;
      var own = fold(unit[1] + " " + unit[0]).split(" ");
      return words.every(function (word) { return own.some(function (w) { return w.indexOf(word) === 0; }); });
    });
    status.textContent = fill(found.length ? text.found : text.none, { count: found.length, query: input.value.trim() });
    found.slice(0, 8).forEach(function (unit) {
      var button = element("button");
      button.appendChild(named("span", unit[1]));
      button.type = "button";
      button.value = unit[0];
      button.appendChild(element("small", " " + unit[2]));
      var item = element("li");
      item.appendChild(button);
      choices.appendChild(item);
    });
  }

  function setChosen(codes) {
    chosen = codes.filter(function (code, i) { return byCode[code] && codes.indexOf(code) === i; }).slice(0, most);
    var params = new URLSearchParams(location.search);
    if (chosen.length) params.set("don-vi", chosen.join(",")); else params.delete("don-vi");
    var query = params.toString().replace(/%2C/g, ",");
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    var selection = chosen.length ? "?don-vi=" + chosen.join(",") : "";
    var alonePage = new URL(text.alonePage, location.href).href + selection;
    if (alone) {
      document.getElementById("so-sanh-trang").href = text.base + "so-sanh/" + selection;
      results.hidden = !chosen.length;
      draw();
      return;
    }
    address.href = location.href;
    address.textContent = location.href;
    document.getElementById("so-sanh-mot-minh").href = alonePage;
    document.getElementById("so-sanh-nhung").textContent = '<iframe src="' + alonePage + '" title="' +
      text.title.replace(/"/g, "&quot;") + '" width="100%" height="900" loading="lazy"></iframe>';
    chosenList.textContent = "";
    chosen.forEach(function (code) {
      var item = element("li");
      var link = named("a", byCode[code][1]);
      link.href = text.base + byCode[code][3];
      var remove = element("button", text.remove);
      remove.type = "button";
      remove.value = code;
      remove.setAttribute("aria-label", text.remove + " " + byCode[code][1]);
      item.append(link, " ", remove);
      chosenList.appendChild(item);
    });
    none.hidden = chosen.length > 0;
    draw();
  }

  function draw() {
    results.hidden = !chosen.length;
    if (!chosen.length) return;
    var files = [text.data + "toan-bo.json"].concat(chosen.map(function (code) { return text.data + code + ".json"; }));
    Promise.all(files.map(json)).then(function (data) {
      var series = data.map(function (d, i) {
        return { name: i ? byCode[chosen[i - 1]][1] : text.organisation, organisation: !i, xs: d.xs, coverage: d.coverage };
      });
      series.push(series.shift());  // the organisation last, as in the table
      fillTable(series);
      fillCsv(series);
      return drawChart(series);
    }).catch(function () { if (status) status.textContent = text.failed; });
  }

  function fillTable(series) {
    var head = table.tHead, body = table.tBodies[0];
    head.textContent = body.textContent = "";
    var top = head.insertRow(), sub = head.insertRow();
    var corner = element("th", text.month);
    corner.rowSpan = 2; corner.scope = "col"; corner.className = "name";
    top.appendChild(corner);
    series.forEach(function (s) {
      var th = s.organisation ? element("th", s.name) : named("th", s.name);
      th.colSpan = 2; th.scope = "colgroup";
      top.appendChild(th);
      [text.xs, text.coverage].forEach(function (label) {
        var cell = element("th", label); cell.scope = "col"; sub.appendChild(cell);
      });
    });
    for (var m = months.length - 1; m >= 0; m--) {
      if (series.every(function (s) { return s.xs[m] === null && s.coverage[m] === null; })) continue;
      var row = body.insertRow();
      var th = element("th", monthNames[m]); th.scope = "row"; th.className = "name";
      row.appendChild(th);
      series.forEach(function (s) {
        // On a phone the row stacks and each cell says its column (site.css, "Tables on a phone").
        [[s.xs[m], text.xs], [s.coverage[m], text.coverage]].forEach(function (pair) {
          var cell = element("td", shown(pair[0]));
          cell.setAttribute("data-l", s.name + ": " + pair[1]);
          row.appendChild(cell);
        });
      });
    }
  }

  function fillCsv(series) {  // exactly the figures drawn, as the site's chart CSVs have them
    var cell = function (v) { v = String(v); return /[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; };
    var lines = [[text.month].concat(series.map(function (s) { return s.name + ": " + text.xs + " (%)"; }),
      series.map(function (s) { return s.name + ": " + text.coverage + " (%)"; })).map(cell).join(",")];
    months.forEach(function (month, m) {
      var values = series.map(function (s) { return s.xs[m]; }).concat(series.map(function (s) { return s.coverage[m]; }));
      lines.push([month].concat(values.map(function (v) { return v === null ? "" : v.toFixed(2); })).join(","));
    });
    if (csvLink.href.indexOf("blob:") === 0) URL.revokeObjectURL(csvLink.href);
    csvLink.href = URL.createObjectURL(new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv" }));
  }

  function loadPlotly() {
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = text.plotly;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotly;
  }

  function drawChart(series) {
    var traces = [];
    series.forEach(function (s, i) {
      var own = i === series.length - 1
        ? { line: { color: "#1b1f24", width: 2, dash: "dash" }, marker: { color: "#1b1f24", symbol: "circle-open" } }
        : { line: { color: COLOURS[i], width: 2 }, marker: { color: COLOURS[i], symbol: SYMBOLS[i], size: 7 } };
      ["xs", "coverage"].forEach(function (field, panel) {
        traces.push(Object.assign({
          type: "scatter", mode: "lines+markers", name: s.name, x: monthNames, y: s[field], legendgroup: String(i),
          showlegend: panel === 0, xaxis: panel ? "x2" : "x", yaxis: panel ? "y2" : "y", connectgaps: false,
          hovertemplate: "%{y:.2f}%"
        }, own));
      });
    });
    // Six month labels at most, short ("T1/24") and on the same calendar months as the site's charts
    // (generator/pages/charts.py, month_tick_step), so that they never touch on a phone.
    var step = months.length <= 6 ? 1 : months.length <= 12 ? 3 : months.length <= 24 ? 6 : 12;
    var ticked = months.map(function (month, m) { return m; })
      .filter(function (m) { return (parseInt(months[m].slice(5, 7), 10) - 1) % step === 0; });
    var axis = { type: "category", fixedrange: true, automargin: true, linecolor: "#1b1f24", tickangle: 0, tickmode: "array",
      tickvals: ticked.map(function (m) { return monthNames[m]; }), ticktext: ticked.map(function (m) { return monthTicks[m]; }) };
    var layout = {
      height: 520, margin: { l: 8, r: 8, t: 8, b: 8 }, font: { size: 12, color: "#1b1f24" },
      separators: lang === "en" ? ".," : ",.", legend: { orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom" }, hovermode: "x unified",
      grid: { rows: 2, columns: 1, pattern: "independent", ygap: 0.15 },
      xaxis: Object.assign({ showticklabels: false }, axis), xaxis2: Object.assign({ matches: "x" }, axis),
      yaxis: { ticksuffix: "%", rangemode: "tozero", fixedrange: true, automargin: true, gridcolor: "#d5dbe1", title: { text: text.xs } },
      yaxis2: { ticksuffix: "%", fixedrange: true, automargin: true, gridcolor: "#d5dbe1", title: { text: text.coverage } }
    };
    plot.style.height = "520px";
    return loadPlotly().then(function (Plotly) {
      return Plotly.react(plot, traces, layout, { displayModeBar: false, responsive: true });
    }).then(function () {
      document.querySelector("#ket-qua-so-sanh .chart-image").hidden = false;
    });
  }

  document.querySelector("#ket-qua-so-sanh .chart-image").addEventListener("click", function (event) {
    var format = event.target.getAttribute("data-format");
    if (format && window.Plotly) window.Plotly.downloadImage(plot, { format: format, filename: "so-sanh", width: plot.offsetWidth, height: plot.offsetHeight });
  });
  if (!alone) {
    choices.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      setChosen(chosen.concat([button.value]));
      input.value = "";
      choices.textContent = "";
      status.textContent = "";
      input.focus();
    });
    chosenList.addEventListener("click", function (event) {
      if (event.target.tagName !== "BUTTON") return;
      var code = event.target.value;
      setChosen(chosen.filter(function (c) { return c !== code; }));
      input.focus();
    });
    input.addEventListener("input", suggest);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  json(text.units).then(function (list) {
    units = list;
    list.forEach(function (unit) { byCode[unit[0]] = unit; });
    form.hidden = alone;
    document.getElementById("khong-js").hidden = true;
    setChosen((new URLSearchParams(location.search).get("don-vi") || "").split(",").filter(Boolean));
    if (!alone) suggest();
  }).catch(function () { /* the page keeps its links to the units */ });
})();
