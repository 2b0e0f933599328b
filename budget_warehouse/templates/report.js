// Filters of the findings table: a row shows when it matches every chosen filter.
(function () {
  var selects = document.querySelectorAll("select[data-filter]");
  var rows = document.querySelectorAll("#findings tbody tr.finding");
  var shown = document.getElementById("shown-count");
  function apply() {
    var count = 0;
    rows.forEach(function (row) {
      var visible = Array.prototype.every.call(selects, function (select) {
        return !select.value || row.dataset[select.dataset.filter] === select.value;
      });
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = String(count);
  }
  selects.forEach(function (select) { select.addEventListener("change", apply); });
}());
