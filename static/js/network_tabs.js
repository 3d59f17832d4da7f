// A network's sub-navigation scrolls sideways inside itself on a phone: bring the current tab
// into view, so that the reader sees where they are without scrolling the bar first. Without
// JavaScript the bar starts at its first tab and still scrolls.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".network-tabs").forEach(function (bar) {
      var current = bar.querySelector("[aria-current]");
      if (!current || bar.scrollWidth <= bar.clientWidth) return;
      var offset = current.getBoundingClientRect().left - bar.getBoundingClientRect().left;
      bar.scrollLeft += offset - (bar.clientWidth - current.offsetWidth) / 2;
    });
  });
})();
