/* The month table: sort by any column, show one block, find a unit by name or code
   with or without diacritics ("giang bien" finds "Giang Biên").
   Progressive enhancement: without this script the table is whole, in block order, and its tools
   hide (figures.css).
   Every text comes from the page (translated there); nothing here is language-specific
   but reading numbers, whose format the page's lang attribute gives. */
(function () {
  "use strict";
  var table = document.getElementById("bang-don-vi");
  var tools = document.getElementById("cong-cu");
  if (!table || !tools || !table.tHead) return;
  var blockSelect = document.getElementById("loc-khoi");
  var search = document.getElementById("loc-ten");
  var reset = document.getElementById("thu-tu-goc");
  var status = document.getElementById("trang-thai");
  var vietnamese = document.documentElement.lang !== "en";
  var collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });
  var counts = new Intl.NumberFormat(vietnamese ? "vi" : "en");

  function fold(text) {  // as generator/text.py fold(): no marks, đ -> d, lower case
    return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d")
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function number(text) {  // "1.234" or "5,59%" (vi), "1,234" or "5.59%" (en); "–" is no figure
    var plain = text.replace(/[\s\u00a0%]/g, "");
    plain = vietnamese ? plain.split(".").join("").replace(",", ".") : plain.split(",").join("");
    var value = parseFloat(plain);
    return isNaN(value) ? null : value;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // Cells by column, a merged cell (HT+K) counting as no figure for both of its columns.
  function cellsOf(row) {
    var cells = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      for (var i = 0; i < cell.colSpan; i++) cells.push(cell.colSpan > 1 ? null : cell);
    });
    return cells;
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var kinds = headers.map(function (th, i) {  // how a column sorts
    if (i === 0 || th.getAttribute("data-sort") === "text") return "text";
    return th.querySelector("abbr") ? "share" : "count";
  });

  function valueOf(cell, kind) {
    if (!cell) return null;
    if (kind === "text") return cell.textContent.trim();
    var small = cell.querySelector("small");
    if (kind === "share" && small) return number(small.textContent);
    return number(cell.firstChild ? cell.firstChild.textContent : "");
  }

  var bodies = Array.prototype.slice.call(table.tBodies);
  var units = null;  // read from the table at the first sort or search, not at load
  var subtotals = [];
  var sortedBody = null;
  function read() {
    if (units) return;
    units = [];
    bodies.forEach(function (body, block) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.classList.contains("subtotal")) { subtotals.push(row); return; }
        if (row.classList.contains("group")) return;
        var cells = cellsOf(row);
        units.push({
          row: row, block: block, body: body, order: units.length,
          text: fold(row.cells[0].textContent + " " + (cells[1] ? cells[1].textContent : "")),
          values: kinds.map(function (kind, i) { return valueOf(cells[i], kind); })
        });
      });
    });
    sortedBody = document.createElement("tbody");
    sortedBody.className = "sorted";
    sortedBody.hidden = true;
    table.insertBefore(sortedBody, table.tFoot);
  }

  var sorted = null;  // {column, descending} while the table is sorted
  // Each heading's box (its words and arrow: _figures.html heading()) becomes its sort button.
  var buttons = headers.map(function (th, column) {
    var box = th.querySelector(".sort");
    var button = document.createElement("button");
    button.type = "button";
    while (box.firstChild) button.appendChild(box.firstChild);
    button.addEventListener("click", function () {
      var descending = sorted && sorted.column === column ? !sorted.descending : kinds[column] !== "text";
      sortBy(column, descending);
    });
    th.replaceChild(button, box);
    return button;
  });

  function sortBy(column, descending) {
    read();
    sorted = { column: column, descending: descending };
    var kind = kinds[column];
    var order = units.slice().sort(function (a, b) {
      var x = a.values[column], y = b.values[column];
      if (x === null || y === null) return x === y ? a.order - b.order : (x === null ? 1 : -1);
      var c = kind === "text" ? collator.compare(x, y) : x - y;
      return (descending ? -c : c) || a.order - b.order;
    });
    order.forEach(function (unit) { sortedBody.appendChild(unit.row); });
    headers.forEach(function (th, i) {
      if (i === column) th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    reset.hidden = false;
    apply();
    say(fill(status.getAttribute("data-sorted"), {
      column: headers[column].textContent.trim(),
      order: status.getAttribute(descending ? "data-descending" : "data-ascending")
    }));
  }

  function restore() {
    sorted = null;
    units.forEach(function (unit) {
      unit.body.insertBefore(unit.row, subtotals[unit.block] || null);
    });
    headers.forEach(function (th) { th.removeAttribute("aria-sort"); });
    reset.hidden = true;
    apply();
    say(status.getAttribute("data-original"));
    buttons[0].focus();
  }

  var announce = null;
  function say(text) {
    clearTimeout(announce);
    status.textContent = text;
  }

  function apply() {
    read();
    var block = blockSelect.value;
    var words = fold(search.value).split(" ").filter(Boolean);
    var shown = 0;
    var shownInBlock = bodies.map(function () { return 0; });
    units.forEach(function (unit) {
      var visible = (block === "" || String(unit.block) === block) &&
        words.every(function (word) { return unit.text.indexOf(word) >= 0; });
      unit.row.hidden = !visible;
      if (visible) { shown++; shownInBlock[unit.block]++; }
    });
    bodies.forEach(function (body, i) { body.hidden = sorted !== null || shownInBlock[i] === 0; });
    sortedBody.hidden = sorted === null;
    // A subtotal adds up its whole block: hidden while a search shows only part of it.
    subtotals.forEach(function (row) { row.hidden = words.length > 0; });
    return shown;
  }

  function filtered() {
    var shown = apply();
    clearTimeout(announce);
    announce = setTimeout(function () {
      status.textContent = fill(status.getAttribute("data-shown"), {
        shown: counts.format(shown), total: counts.format(units.length)
      });
    }, 400);
  }

  // On a phone a row shows evaluated, XS and HT/K; the other columns come back at a press. The page
  // comes so (class "few", the tools shown: figures.css) where the browser says scripts run; one
  // that cannot say shows every column, and the button has nothing to add.
  var allColumns = document.getElementById("du-cot");
  if (!window.matchMedia("(scripting: enabled)").matches) allColumns.parentNode.hidden = true;
  allColumns.addEventListener("click", function () {
    var all = table.classList.toggle("few") === false;
    allColumns.setAttribute("aria-pressed", String(all));
  });

  blockSelect.addEventListener("change", filtered);
  search.addEventListener("input", filtered);
  reset.addEventListener("click", restore);
}());
