// Sorting and filtering of the ranked accounts, and the committee's first view.
// No dependencies, nothing fetched.
(function () {
  "use strict";
  // A committee wider than the page opens centred on the top of its largest reporting
  // tree (drawn first), where the most senior people sit.
  var wrap = document.querySelector(".diagram-wrap");
  var top = wrap && wrap.querySelector("g.person");
  if (top && wrap.scrollWidth > wrap.clientWidth) {
    var box = top.getBoundingClientRect(), frame = wrap.getBoundingClientRect();
    wrap.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
  }
  var table = document.getElementById("accounts");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var stages = ["target", "awareness", "consideration", "decision", "purchase"];
  var q = document.getElementById("q"), tier = document.getElementById("tier"), stage = document.getElementById("stage");
  var shown = document.getElementById("shown"), none = document.getElementById("none");

  function value(row, key, kind) {
    var v = row.dataset[key] || "";
    if (kind === "number") { var n = parseFloat(v); return isNaN(n) ? -Infinity : n; }
    if (kind === "stage") { return stages.indexOf(v); }
    return v.toLocaleLowerCase();
  }

  function sortBy(th) {
    var key = th.dataset.key, kind = th.dataset.sort;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    if (!th.hasAttribute("aria-sort") && kind !== "text") ascending = false;  // numbers: highest first
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = value(a, key, kind), y = value(b, key, kind);
      var order = x < y ? -1 : x > y ? 1 : 0;
      if (!ascending) order = -order;
      return order || value(a, "rank", "number") - value(b, "rank", "number");
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function filter() {
    var text = q.value.trim().toLocaleLowerCase(), t = tier.value, s = stage.value, count = 0;
    rows.forEach(function (r) {
      var hit = (!t || r.dataset.tier === t) && (!s || r.dataset.stage === s) &&
        (!text || (r.dataset.name + " " + r.dataset.id).toLocaleLowerCase().indexOf(text) >= 0);
      r.hidden = !hit;
      if (hit) count++;
    });
    shown.textContent = count + (count === 1 ? " account" : " accounts");
    none.hidden = count > 0;
  }

  Array.prototype.forEach.call(table.querySelectorAll("th[data-sort]"), function (th) {
    th.addEventListener("click", function () { sortBy(th); });
  });
  [q, tier, stage].forEach(function (el) { el.addEventListener("input", filter); });
  filter();
}());
