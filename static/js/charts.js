/*
 * Draws every chart on the page from data the server put in a JSON block. No inline script:
 * the content security policy allows scripts from this site only.
 *
 * Load it after Chart.js, both deferred, only on pages with charts:
 *
 *   {% block scripts %}{% include "networks/_report_chart_scripts.html" %}{% endblock %}
 *
 * In the template, one JSON block and one canvas per chart:
 *
 *   {{ chart|json_script:"criteria-chart-data" }}
 *   <canvas data-chart="bar" data-source="criteria-chart-data"
 *           role="img" aria-label="A sentence that says what the chart shows, with its numbers">
 *     The same sentence, for browsers without canvas.
 *   </canvas>
 *
 * and a table or text with the same numbers next to it (the chart is never the only way to read
 * them). data-chart is one of "bar", "line", "doughnut", "pie". The JSON block holds:
 *
 *   {
 *     "labels": ["0", "1", "2"],          categories on the x axis, or the slices' names
 *     "datasets": [                       one or more series
 *       {"label": "Networks", "data": [10, 9, 7]}
 *     ],
 *     "x_title": "Criteria met, at least", optional axis titles (bar and line)
 *     "y_title": "Networks",
 *     "integer": true,                    optional: whole-number ticks on the value axis
 *     "percent": false,                   optional: values are percentages (0-100)
 *     "horizontal": false,                optional: horizontal bars
 *     "stacked": false                    optional: stack the datasets (bar and line)
 *   }
 *
 * Numbers are written in the page's language (<html lang>). Colours come from a palette that
 * colour-blind readers can tell apart; a dataset may set its own "color" ("#rrggbb").
 */
(function () {
  "use strict";

  // Okabe-Ito, led by the app's own teal: distinguishable with the common colour deficiencies.
  var PALETTE = ["#0b5563", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00", "#0072b2",
    "#7f6d00", "#000000"];
  var ROUND = ["doughnut", "pie"];
  var TYPES = ["bar", "line"].concat(ROUND);

  function readData(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source") || "");
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  function datasets(spec, type) {
    return (spec.datasets || []).map(function (set, index) {
      var copy = Object.assign({}, set);
      delete copy.color;
      if (ROUND.indexOf(type) !== -1) {
        // One colour per slice, and a white edge so that slices are told apart by more than hue.
        copy.backgroundColor = (set.data || []).map(function (_value, i) {
          return PALETTE[i % PALETTE.length];
        });
        copy.borderColor = "#ffffff";
        copy.borderWidth = 2;
      } else {
        var colour = set.color || PALETTE[index % PALETTE.length];
        copy.backgroundColor = colour;
        copy.borderColor = colour;
        if (type === "line") {
          copy.fill = false;
          copy.tension = 0;
          // Points in different shapes per series: the series differ by more than colour.
          copy.pointStyle = ["circle", "rect", "triangle", "rectRot", "star"][index % 5];
          copy.pointRadius = 4;
        }
      }
      return copy;
    });
  }

  function axis(spec, title, isValueAxis, locale) {
    var options = {
      title: { display: Boolean(title), text: title || "" },
      stacked: Boolean(spec.stacked),
    };
    if (isValueAxis) {
      options.beginAtZero = true;
      options.ticks = {
        precision: spec.integer ? 0 : undefined,
        callback: function (value) {
          var text = Number(value).toLocaleString(locale);
          return spec.percent ? text + "%" : text;
        },
      };
      if (spec.percent) {
        options.max = 100;
      }
    }
    return options;
  }

  function config(type, spec) {
    var locale = document.documentElement.lang || undefined;
    var reduceMotion = window.matchMedia &&
      window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var options = {
      locale: locale,
      responsive: true,
      animation: reduceMotion ? false : undefined,
      plugins: {
        legend: {
          display: ROUND.indexOf(type) !== -1 || (spec.datasets || []).length > 1,
        },
        tooltip: {
          callbacks: spec.percent ? {
            label: function (context) {
              var value = context.parsed && typeof context.parsed === "object" ?
                (spec.horizontal ? context.parsed.x : context.parsed.y) : context.parsed;
              return context.dataset.label + ": " + Number(value).toLocaleString(locale) + "%";
            },
          } : {},
        },
      },
    };
    if (ROUND.indexOf(type) === -1) {
      var horizontal = type === "bar" && Boolean(spec.horizontal);
      options.indexAxis = horizontal ? "y" : "x";
      var category = axis(spec, spec.x_title, false, locale);
      var values = axis(spec, spec.y_title, true, locale);
      options.scales = horizontal ? { x: values, y: category } : { x: category, y: values };
    }
    return {
      type: type,
      data: { labels: spec.labels || [], datasets: datasets(spec, type) },
      options: options,
    };
  }

  function draw(canvas) {
    var type = canvas.getAttribute("data-chart");
    var spec = readData(canvas);
    if (TYPES.indexOf(type) === -1 || !spec || canvas.dataset.drawn) {
      return;
    }
    canvas.dataset.drawn = "true";
    new window.Chart(canvas, config(type, spec));
  }

  function drawAll() {
    if (typeof window.Chart === "undefined") {
      return; // Chart.js did not load: the table next to each chart still has the numbers.
    }
    document.querySelectorAll("canvas[data-chart][data-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Pages that swap content in with htmx get their new charts drawn too.
  document.addEventListener("htmx:afterSettle", drawAll);
})();
