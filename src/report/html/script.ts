// The report page's script, inline (allowed by its hash in the page's CSP): sortable
// leaderboards and the item drill-down. Every string from the data is set with textContent,
// never as HTML, so an output holding markup is shown as text and nothing in it runs.

/** The report's JavaScript (plain ES2020, no modules, no network). */
export const reportScript = String.raw`
"use strict";
(function () {
  // Sorting: a click on a heading sorts that table's rows by the cell's data-v.
  function sortTable(th) {
    var table = th.closest("table");
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-kind") === "num";
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
      // Empty values (no value, no interval) sort last either way.
      if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1;
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.board th").forEach(function (th) {
    th.addEventListener("click", function () { sortTable(th); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortTable(th); } });
  });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  // The drill-down is built after the first paint, so a big run shows its leaderboards at once.
  setTimeout(function () {
    var data = JSON.parse(document.getElementById("assay-data").textContent);
    var T = data.trials, S = T.strings, rows = T.rows;
    var C = {};
    T.columns.forEach(function (name, i) { C[name] = i; });
    function str(i) { return i < 0 ? null : S[i]; }
    var PAGE = 50;
    var drill = document.getElementById("drill");
    drill.textContent = "";
    drill.className = "";

    // Items where two strategies or two runs disagree: same task, item and model, and some
    // metric whose per-(run, strategy) mean differs.
    var disagree = null;
    function disagreeing() {
      if (disagree) return disagree;
      var groups = new Map();
      rows.forEach(function (r) {
        var sc = r[C.scores];
        for (var k = 0; k < sc.length; k += 3) {
          if (sc[k + 1] === null) continue;
          var key = r[C.task] + "/" + r[C.item] + "/" + r[C.model] + "/" + sc[k];
          var side = r[C.run] + "/" + r[C.strategy];
          var g = groups.get(key);
          if (!g) groups.set(key, g = new Map());
          var s = g.get(side) || [0, 0];
          s[0] += sc[k + 1]; s[1] += 1;
          g.set(side, s);
        }
      });
      disagree = new Set();
      groups.forEach(function (g, key) {
        var means = new Set();
        g.forEach(function (s) { means.add(s[0] / s[1]); });
        if (means.size > 1) disagree.add(key.slice(0, key.lastIndexOf("/")));
      });
      return disagree;
    }

    var filters = el("div", null, "filters");
    function select(label, name, values) {
      var wrap = el("label", label + " ");
      var s = el("select");
      s.name = name;
      s.appendChild(el("option", "all")).value = "";
      values.forEach(function (v) { var o = el("option", v[1]); o.value = String(v[0]); s.appendChild(o); });
      wrap.appendChild(s);
      filters.appendChild(wrap);
      return s;
    }
    function distinct(col) {
      var seen = new Map();
      rows.forEach(function (r) { if (!seen.has(r[col])) seen.set(r[col], col === C.run ? "run " + r[col] : S[r[col]]); });
      return Array.from(seen.entries());
    }
    var metricSeen = new Map();
    rows.forEach(function (r) { var sc = r[C.scores]; for (var k = 0; k < sc.length; k += 3) metricSeen.set(sc[k], S[sc[k]]); });
    var fRun = distinct(C.run).length > 1 ? select("run", "run", distinct(C.run)) : null;
    var fTask = select("task", "task", distinct(C.task));
    var fModel = select("model", "model", distinct(C.model));
    var fStrategy = select("strategy", "strategy", distinct(C.strategy));
    var fMetric = select("metric", "metric", Array.from(metricSeen.entries()));
    var fOutcome = select("score", "outcome", [["pass", "all 1 (passed)"], ["fail", "below 1 or error"], ["unscored", "unscored"]]);
    var searchWrap = el("label", "search ");
    var fSearch = el("input");
    fSearch.type = "search";
    fSearch.name = "search";
    fSearch.placeholder = "prompt, output, answer, target, item";
    searchWrap.appendChild(fSearch);
    filters.appendChild(searchWrap);
    var disWrap = el("label");
    var fDisagree = el("input");
    fDisagree.type = "checkbox";
    fDisagree.name = "disagree";
    disWrap.appendChild(fDisagree);
    disWrap.appendChild(document.createTextNode(" only items where two strategies or runs disagree"));
    filters.appendChild(disWrap);
    drill.appendChild(filters);

    var pager = el("div", null, "pager");
    var prev = el("button", "‹ previous");
    var next = el("button", "next ›");
    var status = el("span", null, "count");
    pager.appendChild(prev); pager.appendChild(status); pager.appendChild(next);
    drill.appendChild(pager);
    var table = el("table", null, "items");
    var head = el("thead");
    var hr = el("tr");
    ["run", "task", "item", "model", "strategy", "sample", "answer", "scores"].forEach(function (h) { hr.appendChild(el("th", h)); });
    head.appendChild(hr);
    table.appendChild(head);
    var body = el("tbody");
    table.appendChild(body);
    drill.appendChild(table);

    var matched = [], page = 0;
    function metricValues(r, metric) {
      var sc = r[C.scores], out = [];
      for (var k = 0; k < sc.length; k += 3) if (metric === "" || String(sc[k]) === metric) out.push(sc[k + 1]);
      return out;
    }
    function apply() {
      var run = fRun ? fRun.value : "", task = fTask.value, model = fModel.value, strategy = fStrategy.value;
      var metric = fMetric.value, outcome = fOutcome.value, q = fSearch.value.toLowerCase(), dis = fDisagree.checked ? disagreeing() : null;
      matched = [];
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        if (run && String(r[C.run]) !== run) continue;
        if (task && String(r[C.task]) !== task) continue;
        if (model && String(r[C.model]) !== model) continue;
        if (strategy && String(r[C.strategy]) !== strategy) continue;
        var values = metricValues(r, metric);
        if (metric && !values.length) continue;
        if (outcome === "pass" && (r[C.status] === 1 || !values.length || values.some(function (v) { return v === null || v < 1; }))) continue;
        if (outcome === "fail" && !(r[C.status] === 1 || values.some(function (v) { return v !== null && v < 1; }))) continue;
        if (outcome === "unscored" && !values.some(function (v) { return v === null; })) continue;
        if (dis && !dis.has(r[C.task] + "/" + r[C.item] + "/" + r[C.model])) continue;
        if (q) {
          var hay = [C.item, C.prompt, C.output, C.answer, C.target, C.error].map(function (c) { return str(r[c]) || ""; }).join("\u0000").toLowerCase();
          if (hay.indexOf(q) < 0) continue;
        }
        matched.push(r);
      }
      page = 0;
      render();
    }
    function scoreText(r) {
      var sc = r[C.scores], parts = [];
      for (var k = 0; k < sc.length; k += 3) parts.push(S[sc[k]] + " " + (sc[k + 1] === null ? "unscored" : +sc[k + 1].toFixed(3)));
      return r[C.status] === 1 ? "error" : parts.join(" · ");
    }
    function detail(r) {
      var tr = el("tr", null, "detail");
      var td = el("td");
      td.colSpan = 8;
      function block(name, text) {
        if (text === null || text === undefined) return;
        td.appendChild(el("h4", name));
        var pre = el("pre", text);
        pre.dir = "auto";
        td.appendChild(pre);
      }
      block("prompt", str(r[C.prompt]));
      if (r[C.status] === 1) block("error", str(r[C.error]));
      else { block("output", str(r[C.output])); block("extracted answer", str(r[C.answer]) === null ? "(none extracted)" : str(r[C.answer])); }
      block("target", str(r[C.target]));
      var sc = r[C.scores];
      for (var k = 0; k < sc.length; k += 3) {
        block("score: " + S[sc[k]], (sc[k + 1] === null ? "unscored" : String(sc[k + 1])) + (sc[k + 2] >= 0 ? "\n\n" + S[sc[k + 2]] : ""));
      }
      var human = r[C.human];
      if (human.length) block("human ratings", human.map(function (i) { return S[i]; }).join("\n"));
      tr.appendChild(td);
      return tr;
    }
    function render() {
      body.textContent = "";
      var pages = Math.max(1, Math.ceil(matched.length / PAGE));
      var start = page * PAGE;
      matched.slice(start, start + PAGE).forEach(function (r) {
        var tr = el("tr", null, "trial");
        var cells = [r[C.run], S[r[C.task]], S[r[C.item]], S[r[C.model]], S[r[C.strategy]], r[C.sample], r[C.status] === 1 ? "(error)" : str(r[C.answer]) === null ? "(none)" : str(r[C.answer]), scoreText(r)];
        cells.forEach(function (c, i) { tr.appendChild(el("td", c, i === 6 ? "cut" : "")); });
        var open = null;
        tr.addEventListener("click", function () {
          if (open) { open.remove(); open = null; return; }
          open = detail(r);
          tr.after(open);
        });
        body.appendChild(tr);
      });
      status.textContent = matched.length ? "items " + (start + 1) + "–" + Math.min(start + PAGE, matched.length) + " of " + matched.length + " (page " + (page + 1) + " of " + pages + ")" : "no item matches";
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    prev.addEventListener("click", function () { page--; render(); });
    next.addEventListener("click", function () { page++; render(); });
    [fRun, fTask, fModel, fStrategy, fMetric, fOutcome, fDisagree].forEach(function (s) { if (s) s.addEventListener("change", apply); });
    var timer = null;
    fSearch.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 150); });
    apply();
  }, 0);
})();
`;
