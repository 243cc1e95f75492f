/* Small self-hosted enhancements; every page works without them.
   - commune finder: typing a commune name and validating opens its page;
   - sortable tables: click a column header of a .rpc-sortable table to sort it. */
(function () {
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim(); }

  function finder(form) {
    var input = form.querySelector("input"), list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    form.addEventListener("submit", function (ev) {
      var q = fold(input.value), best = null;
      Array.prototype.forEach.call(list.options, function (o) {
        var n = fold(o.value);
        if (n === q || (!best && n.indexOf(q) === 0)) best = o;
        if (n === q) best = o;
      });
      if (best && q) { ev.preventDefault(); window.location.href = best.getAttribute("data-href"); }
    });
  }

  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "rpc-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var vx = x.getAttribute("data-sort") || x.textContent, vy = y.getAttribute("data-sort") || y.textContent;
          var nx = parseFloat(vx), ny = parseFloat(vy);
          var r = (!isNaN(nx) && !isNaN(ny) && /^[\d.\-]+$/.test(vx.trim()) && /^[\d.\-]+$/.test(vy.trim())) ? nx - ny : fold(vx).localeCompare(fold(vy), "fr");
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form.rpc-finder"), finder);
    Array.prototype.forEach.call(document.querySelectorAll("table.rpc-sortable"), sortable);
  }
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
