/* Search across units and honour-list names, with or without diacritics ("dang" finds "Đặng").
   The index is written by generator/search.py (see there for its files); this loads the
   unit list and the word counts once, then only the one shard of names that the rarest
   word of the query needs. Results are built as DOM text, never as HTML. */
(function () {
  "use strict";
  var form = document.getElementById("tim");
  if (!form || !window.fetch) return;
  var input = document.getElementById("q");
  var status = document.getElementById("tim-trang-thai");
  var results = document.getElementById("ket-qua");
  var unitList = document.getElementById("ket-qua-don-vi");
  var nameList = document.getElementById("ket-qua-ten");  // absent when the honour list is off
  var text = form.dataset;
  var months = JSON.parse(document.getElementById("tim-thang").textContent);
  var monthNames = JSON.parse(document.getElementById("tim-thang-ten").textContent);
  var counts = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en" : "vi");
  var MOST_SHOWN = 100;       // results listed per section
  var MOST_LOADED = 4000;     // names a query may download before it must be narrowed
  var MONTHS_SHOWN = 12;      // honour-list months listed per person

  function fold(value) {  // as generator/text.py fold(): no marks, đ -> d, lower case
    return value.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d")
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  var loaded = {};
  function load(file) {
    if (!loaded[file]) {
      loaded[file] = fetch(text.index + file).then(function (response) {
        if (!response.ok) throw new Error(file + ": " + response.status);
        return response.json();
      });
      loaded[file].catch(function () { delete loaded[file]; });
    }
    return loaded[file];
  }

  function element(tag, content, href) {
    var node = document.createElement(tag);
    if (href) node.href = text.base + href;
    if (content) node.textContent = content;
    return node;
  }

  function matches(folded, words, prefix) {  // every query word starts a word of the text
    var own = folded.split(" ");
    return words.every(function (word) {
      return own.some(function (w) { return prefix ? w.indexOf(word) === 0 : w.indexOf(word) >= 0; });
    });
  }

  function findUnits(units, words) {
    return units.filter(function (unit) { return matches(fold(unit[1] + " " + unit[0]), words, false); });
  }

  // The names to download: for each query word, the index words it starts; keep the cheapest.
  function cheapestWord(index, words) {
    var best = null;
    words.forEach(function (word) {
      var keys = Object.keys(index.words).filter(function (key) { return key.indexOf(word) === 0; });
      var total = keys.reduce(function (sum, key) { return sum + index.words[key][1]; }, 0);
      if (!best || total < best.total) best = { word: word, keys: keys, total: total };
    });
    return best;
  }

  function findNames(index, words) {
    if (!nameList) return Promise.resolve({ names: [] });
    var best = cheapestWord(index, words);
    if (best.total > MOST_LOADED) return Promise.resolve({ names: [], narrow: best });
    return Promise.all(best.keys.map(function (key) { return load("ten/" + index.words[key][0] + ".json"); }))
      .then(function (shards) {
        var seen = {};
        var names = [];
        shards.forEach(function (shard) {
          shard.forEach(function (entry) {
            var key = entry[2] + "\u0000" + entry[0];  // entry: [unit number, [month numbers], name]
            if (seen[key] || !matches(fold(entry[2]), words, true)) return;
            seen[key] = true;
            names.push(entry);
          });
        });
        return { names: names };
      });
  }

  function showUnits(units, found) {
    unitList.textContent = "";
    unitList.parentNode.hidden = !found.length;
    found.slice(0, MOST_SHOWN).forEach(function (unit) {
      var item = element("li");
      item.appendChild(element("a", unit[1], unit[3]));
      item.appendChild(element("small", " " + unit[0] + " · " + unit[2]));
      unitList.appendChild(item);
    });
  }

  function showNames(units, index, found) {
    if (!nameList) return;
    nameList.textContent = "";
    nameList.parentNode.hidden = !found.length;
    found.slice(0, MOST_SHOWN).forEach(function (entry) {
      var unit = units[entry[0]];
      var item = element("li");
      item.appendChild(element("b", entry[2]));
      item.appendChild(document.createTextNode(", "));
      item.appendChild(element("a", unit[1], unit[3]));
      var list = element("span");
      list.className = "on-list";
      entry[1].slice(0, MONTHS_SHOWN).forEach(function (number, i) {
        var month = index.months[number];
        list.appendChild(document.createTextNode(i ? ", " : ": "));
        // month: [YYYY-MM, honour list address, {block: its page}] (the third where split by block)
        var page = (month[2] && month[2][unit[2]]) || month[1];
        list.appendChild(element("a", monthNames[months.indexOf(month[0])] || month[0], page + "#dv-" + unit[0]));
      });
      if (entry[1].length > MONTHS_SHOWN) list.appendChild(document.createTextNode(", …"));
      item.appendChild(list);
      nameList.appendChild(item);
    });
  }

  var latest = 0;
  function run(query) {
    var words = fold(query).split(" ").filter(Boolean);
    var ticket = ++latest;
    if (!words.length) {
      results.hidden = true;
      status.textContent = "";
      return;
    }
    status.textContent = text.searching;
    Promise.all([load("don-vi.json"), load("ten.json")]).then(function (files) {
      var units = files[0], index = files[1];
      return findNames(index, words).then(function (names) {
        if (ticket !== latest) return;  // a newer query is on its way
        var foundUnits = findUnits(units, words);
        showUnits(units, foundUnits);
        showNames(units, index, names.names);
        results.hidden = false;
        var message = foundUnits.length || names.names.length
          ? fill(text.found, { units: counts.format(foundUnits.length), names: counts.format(names.names.length), query: query.trim() })
          : fill(text.none, { query: query.trim() });
        if (names.narrow) message += " " + fill(text.narrow, { count: counts.format(names.narrow.total), word: names.narrow.word });
        if (Math.max(foundUnits.length, names.names.length) > MOST_SHOWN) message += " " + fill(text.shown, { shown: MOST_SHOWN });
        status.textContent = message;
      });
    }).catch(function () {
      if (ticket === latest) status.textContent = text.failed;
    });
  }

  var waiting = null;
  input.addEventListener("input", function () {
    clearTimeout(waiting);
    waiting = setTimeout(function () { remember(input.value); run(input.value); }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(waiting);
    remember(input.value);
    run(input.value);
  });

  function remember(query) {  // the address keeps the query, so Back and sharing work
    var address = new URL(window.location.href);
    if (query.trim()) address.searchParams.set("q", query.trim()); else address.searchParams.delete("q");
    window.history.replaceState(null, "", address.toString());
  }

  document.getElementById("khong-js").hidden = true;
  var given = new URLSearchParams(window.location.search).get("q");
  if (given) {
    input.value = given;
    run(given);
  }
}());
