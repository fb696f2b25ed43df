#pragma once

// Plots as inline SVG for Skøn's HTML documents: lines (with an optional shaded band), points
// with error bars, and bars; axes with ticks and labels, a title, a legend, and marker lines.
// No script and nothing loaded: the figure is part of the page and prints as it shows.
//
// Every figure carries what a test (or a reader's tools) needs to check it: `class="plot"`, the
// title in <title>, the axes as `g.axis.x` / `g.axis.y`, and each series as `.series` with its
// name and its number of points in data attributes.

#include <string>
#include <utility>
#include <vector>

namespace skon::engine {

struct PlotSeries {
  enum class Style { Line, Points, Bars };
  std::string name;
  Style style = Style::Line;
  std::vector<std::pair<double, double>> points;  // (x, y)
  // Optional, one per point: a band (Line) or error bars (Points) from low to high.
  std::vector<std::pair<double, double>> band;
  double bar_width = 0;  // Bars: in x units
  std::string color;     // CSS colour; empty: the series' default by position
};

struct PlotMarker {
  double x = 0;
  std::string label;
};

struct Plot {
  std::string id;  // the figure's HTML id
  std::string title, x_label, y_label;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  bool diagonal = false;                      // the line y = x (ROC's chance, calibration's ideal)
  bool percent_x = false, percent_y = false;  // tick labels as percentages
  bool decimal_comma = false;
  std::vector<double> x_ticks;  // explicit x ticks (e.g. whole numbers for categories); else round
                                // ones                 // tick labels as Danish writes numbers
  std::vector<PlotSeries> series;
  std::vector<PlotMarker> markers;  // vertical lines
  std::string caption;              // under the figure
};

// The figure as HTML: <figure class="plot"><svg ...>...</svg><figcaption>...</figcaption>.
std::string render_svg(const Plot& plot);

// Round tick positions covering [lo, hi] (about `count` of them).
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

}  // namespace skon::engine
