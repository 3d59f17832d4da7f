// The running total of a form's percentage shares: every input marked data-share adds to the
// <output data-share-total> of the same form, which says whether they make exactly 100.
// Without JavaScript the page shows the total of the values it was rendered with.
(function () {
  "use strict";

  function parse(text) {
    var value = parseFloat(String(text).replace(",", "."));
    return isNaN(value) ? 0 : value;
  }

  function update(form) {
    var output = form.querySelector("[data-share-total]");
    if (!output) return;
    var hundredths = 0;
    form.querySelectorAll("input[data-share]").forEach(function (input) {
      hundredths += Math.round(parse(input.value) * 100);
    });
    var total = hundredths / 100;
    var locale = document.documentElement.lang || "en";
    output.textContent = total.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var exact = hundredths === 10000;
    output.classList.toggle("text-success", exact);
    output.classList.toggle("text-danger", !exact);
    var state = form.querySelector("[data-share-state]");
    if (state) state.textContent = exact ? state.dataset.exact : state.dataset.off;
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-share]")) update(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(update);
  });
})();
