// "Everyone" and "none" buttons for a list of checkboxes: a [data-check-all-for="<name>"] block,
// hidden in the page, is moved above the checkboxes of that name and shown. Without
// JavaScript the block stays hidden and each box is ticked by hand.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-check-all-for]").forEach(function (tools) {
      var name = tools.dataset.checkAllFor;
      var form = tools.closest("form") || document;
      var boxes = form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
      if (!boxes.length) return;
      var first = boxes[0].closest("fieldset, .mb-3") || boxes[0].parentNode;
      var legend = first.querySelector("legend, label");
      if (legend && legend.nextSibling) legend.parentNode.insertBefore(tools, legend.nextSibling);
      else first.prepend(tools);
      tools.hidden = false;
      tools.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-check]");
        if (!button) return;
        var on = button.dataset.check === "all";
        boxes.forEach(function (box) { box.checked = on; });
      });
    });
  });
})();
