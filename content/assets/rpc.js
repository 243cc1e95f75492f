/* Small self-hosted enhancements; every page works without them.
   - commune finder: typing a commune name and validating opens its page;
   - sortable tables: click a column header of a .rpc-sortable table to sort it;
   - menu button: Material's phone menu button is a <label>, which the keyboard cannot reach;
     a real <button> takes its place (Enter or Space opens the menu, Escape closes it);
   - a link to an annex shown inline on its deliberation page opens it. */
(function () {
  // accents, case and punctuation folded; « st »/« ste » read as « saint »/« sainte » (as the site search does)
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim()
      .replace(/\bste\b/g, "sainte").replace(/\bst\b/g, "saint");
  }

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

  function menu() {
    var toggle = document.getElementById("__drawer");
    var label = document.querySelector('label.md-header__button[for="__drawer"]');
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !label || document.querySelector(".rpc-menu")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button md-icon rpc-menu";
    button.setAttribute("aria-label", "Menu");
    button.setAttribute("aria-expanded", String(toggle.checked));
    button.innerHTML = label.innerHTML;  // Material's own menu icon
    label.parentNode.insertBefore(button, label);
    document.documentElement.classList.add("rpc-menu-js");  // rpc.css hides the label
    toggle.addEventListener("change", function () { button.setAttribute("aria-expanded", String(toggle.checked)); });
    button.addEventListener("click", function (ev) {
      toggle.click();  // checks the box and fires its events, as a tap on the label would
      if (!toggle.checked || ev.detail !== 0 || !drawer) return;
      // opened from the keyboard (detail 0): focus goes to the first item in sight in the menu
      var items = drawer.querySelectorAll("a[href], [tabindex='0']");
      for (var i = 0; i < items.length; i++) {
        if (getComputedStyle(items[i]).visibility === "visible") { items[i].focus(); break; }
      }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && toggle.checked) { toggle.click(); button.focus(); }
    });
    // focus leaving the open menu (Tab past its last item) closes it: nothing stays covered
    document.addEventListener("focusin", function (ev) {
      if (toggle.checked && drawer && !drawer.contains(ev.target) && ev.target !== button) toggle.click();
    });
    // a sub-menu's title is its « back » control: reachable by Tab (Material clicks a focused
    // label on Enter); opening or closing a sub-menu moves focus to what is now in sight
    Array.prototype.forEach.call(document.querySelectorAll(".md-nav--primary .md-nav__toggle[id^='__nav']"), function (sub) {
      var back = document.querySelector(".md-nav--primary label.md-nav__title[for='" + sub.id + "']");
      var opener = document.getElementById(sub.id + "_label");
      if (!back || !opener) return;
      back.setAttribute("tabindex", "0");
      sub.addEventListener("change", function () {
        if (!toggle.checked) return;  // wide screens: the sidebar is not a drawer
        (sub.checked ? back : opener).focus();
      });
    });
  }

  // a link to a short annex shown inline (#annexe-2, from the search) opens its <details>
  function annexeCiblee() {
    var id = decodeURIComponent(window.location.hash.slice(1)), cible = id && document.getElementById(id);
    if (cible && cible.tagName === "DETAILS" && !cible.open) { cible.open = true; cible.scrollIntoView(); }
  }

  function init() {
    menu();
    annexeCiblee();
    Array.prototype.forEach.call(document.querySelectorAll("form.rpc-finder"), finder);
    Array.prototype.forEach.call(document.querySelectorAll("table.rpc-sortable"), sortable);
  }
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
  window.addEventListener("hashchange", annexeCiblee);
})();
