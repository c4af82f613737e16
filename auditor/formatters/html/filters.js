// The filters: a finding shows when its severity and its review state are both ticked; a cell or a line is
// highlighted (and reachable with Tab) only while a finding on it shows. Without script everything shows.
(function () {
  "use strict";
  var order = ["info", "warning", "error"];
  var form = document.getElementById("filters");
  var boxes = form.querySelectorAll("input[type=checkbox]");
  function apply() {
    var on = {};
    boxes.forEach(function (b) { on[b.name + ":" + b.value] = b.checked; });
    document.querySelectorAll("[data-finding]").forEach(function (el) {
      el.hidden = !(on["sev:" + el.dataset.sev] && on["state:" + el.dataset.state]);
    });
    document.querySelectorAll("[data-mk]").forEach(function (mk) {
      var worst = -1;
      mk.querySelectorAll("[data-finding]").forEach(function (el) {
        if (!el.hidden) { worst = Math.max(worst, order.indexOf(el.dataset.sev)); }
      });
      order.forEach(function (s) { mk.classList.remove("hl-" + s); });
      if (worst >= 0) {
        mk.classList.add("hl-" + order[worst]);
        if (mk.tagName === "TD") { mk.tabIndex = 0; }
      } else if (mk.tagName === "TD") {
        mk.removeAttribute("tabindex");
      }
    });
    var rows = document.querySelectorAll("#findings [data-finding]");
    var shown = 0;
    rows.forEach(function (r) { if (!r.hidden) { shown += 1; } });
    var out = document.getElementById("shown");
    out.textContent = out.dataset.template.replace("{shown}", shown).replace("{total}", rows.length);
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  form.hidden = false;
  apply();
})();
