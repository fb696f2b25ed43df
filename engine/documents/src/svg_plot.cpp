#include "skon/documents/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "skon/documents/document.hpp"

namespace skon::engine {

namespace {

// The drawing area inside a 520 x 340 view box: room for the tick labels and axis titles.
constexpr double kWidth = 520, kHeight = 340;
constexpr double kLeft = 62, kRight = 30, kTop = 34, kBottom = 52;

const char* const kPalette[] = {"#1f5f8b", "#c0392b", "#2e8b57", "#8a4b00", "#6c3483"};

std::string num(double v, int digits = 1) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// A tick label: as few decimals as the step needs.
std::string tick_label(double v, double step, bool percent, bool comma) {
  if (percent) v *= 100, step *= 100;
  int digits = 0;
  while (digits < 4 && std::abs(step * std::pow(10.0, digits) -
                                std::round(step * std::pow(10.0, digits))) > 1e-9) {
    ++digits;
  }
  std::string s = num(v, digits);
  if (s == "-0") s = "0";
  if (comma) std::replace(s.begin(), s.end(), '.', ',');
  return percent ? s + " %" : s;
}

struct Frame {
  const Plot& plot;
  double x(double v) const {
    const double span = plot.x_max - plot.x_min;
    return kLeft + (span > 0 ? (v - plot.x_min) / span : 0.5) * (kWidth - kLeft - kRight);
  }
  double y(double v) const {
    const double span = plot.y_max - plot.y_min;
    return kHeight - kBottom -
           (span > 0 ? (v - plot.y_min) / span : 0.5) * (kHeight - kTop - kBottom);
  }
  double cx(double v) const { return std::clamp(x(v), kLeft, kWidth - kRight); }
  double cy(double v) const { return std::clamp(y(v), kTop, kHeight - kBottom); }
};

std::string axes(const Frame& f) {
  const Plot& p = f.plot;
  std::string out = "<g class=\"axis x\">";
  const auto xt = p.x_ticks.empty() ? nice_ticks(p.x_min, p.x_max) : p.x_ticks;
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1;
  out += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(kHeight - kBottom) + "\" x2=\"" +
         num(kWidth - kRight) + "\" y2=\"" + num(kHeight - kBottom) + "\" class=\"frame\"/>";
  for (double t : xt) {
    out += "<line x1=\"" + num(f.x(t)) + "\" y1=\"" + num(kHeight - kBottom) + "\" x2=\"" +
           num(f.x(t)) + "\" y2=\"" + num(kHeight - kBottom + 5) + "\" class=\"tick\"/>";
    out += "<text x=\"" + num(f.x(t)) + "\" y=\"" + num(kHeight - kBottom + 18) +
           "\" text-anchor=\"middle\">" +
           escape_html(tick_label(t, xstep, p.percent_x, p.decimal_comma)) + "</text>";
  }
  out += "<text class=\"label\" x=\"" + num((kLeft + kWidth - kRight) / 2) + "\" y=\"" +
         num(kHeight - 10) + "\" text-anchor=\"middle\">" + escape_html(p.x_label) + "</text>";
  out += "</g><g class=\"axis y\">";
  const auto yt = nice_ticks(p.y_min, p.y_max);
  const double ystep = yt.size() > 1 ? yt[1] - yt[0] : 1;
  out += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(kLeft) +
         "\" y2=\"" + num(kHeight - kBottom) + "\" class=\"frame\"/>";
  for (double t : yt) {
    out += "<line x1=\"" + num(kLeft - 5) + "\" y1=\"" + num(f.y(t)) + "\" x2=\"" +
           num(kWidth - kRight) + "\" y2=\"" + num(f.y(t)) + "\" class=\"grid\"/>";
    out += "<text x=\"" + num(kLeft - 8) + "\" y=\"" + num(f.y(t) + 4) + "\" text-anchor=\"end\">" +
           escape_html(tick_label(t, ystep, p.percent_y, p.decimal_comma)) + "</text>";
  }
  out += "<text class=\"label\" transform=\"translate(14 " + num((kTop + kHeight - kBottom) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + escape_html(p.y_label) + "</text>";
  out += "</g>";
  return out;
}

std::string series_svg(const Frame& f, const PlotSeries& s, const std::string& color) {
  std::string out = "<g class=\"series\" data-name=\"" + escape_html(s.name) + "\" data-points=\"" +
                    std::to_string(s.points.size()) + "\">";
  const bool banded = s.band.size() == s.points.size() && !s.points.empty();
  switch (s.style) {
    case PlotSeries::Style::Line: {
      if (banded) {
        std::string d;
        for (std::size_t i = 0; i < s.points.size(); ++i) {
          d += (i ? "L" : "M") + num(f.cx(s.points[i].first)) + " " + num(f.cy(s.band[i].second));
        }
        for (std::size_t i = s.points.size(); i-- > 0;) {
          d += "L" + num(f.cx(s.points[i].first)) + " " + num(f.cy(s.band[i].first));
        }
        out += "<path class=\"band\" d=\"" + d + "Z\" fill=\"" + color +
               "\" fill-opacity=\"0.18\" stroke=\"none\"/>";
      }
      std::string d;
      for (std::size_t i = 0; i < s.points.size(); ++i) {
        d += (i ? "L" : "M") + num(f.cx(s.points[i].first)) + " " + num(f.cy(s.points[i].second));
      }
      out += "<path class=\"line\" d=\"" + d + "\" fill=\"none\" stroke=\"" + color +
             "\" stroke-width=\"2\"/>";
      break;
    }
    case PlotSeries::Style::Points:
      for (std::size_t i = 0; i < s.points.size(); ++i) {
        const double x = f.cx(s.points[i].first), y = f.cy(s.points[i].second);
        if (banded) {
          out += "<line class=\"error\" x1=\"" + num(x) + "\" y1=\"" + num(f.cy(s.band[i].first)) +
                 "\" x2=\"" + num(x) + "\" y2=\"" + num(f.cy(s.band[i].second)) + "\" stroke=\"" +
                 color + "\"/>";
        }
        out += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3.5\" fill=\"" + color +
               "\"/>";
      }
      break;
    case PlotSeries::Style::Bars:
      for (const auto& [x, y] : s.points) {
        const double left = f.cx(x - s.bar_width / 2), right = f.cx(x + s.bar_width / 2);
        const double top = f.cy(y), base = f.cy(std::max(f.plot.y_min, 0.0));
        out += "<rect x=\"" + num(left) + "\" y=\"" + num(std::min(top, base)) + "\" width=\"" +
               num(std::max(0.5, right - left - 1)) + "\" height=\"" + num(std::abs(base - top)) +
               "\" fill=\"" + color + "\"/>";
      }
      break;
  }
  out += "</g>";
  return out;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(1, count);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * power >= raw) {
      step = m * power;
      break;
    }
  }
  // Whole multiples of the step, each computed afresh (a running sum drifts: 0.6000000000000001).
  std::vector<double> ticks;
  const auto first = static_cast<long>(std::ceil(lo / step - 1e-9));
  const auto last = static_cast<long>(std::floor(hi / step + 1e-9));
  for (long k = first; k <= last; ++k) ticks.push_back(static_cast<double>(k) * step);
  return ticks;
}

std::string render_svg(const Plot& plot) {
  const Frame f{plot};
  std::string out = "<figure class=\"plot\"" +
                    (plot.id.empty() ? std::string() : " id=\"" + escape_html(plot.id) + "\"") +
                    "><svg viewBox=\"0 0 " + num(kWidth, 0) + " " + num(kHeight, 0) +
                    "\" role=\"img\"><title>" + escape_html(plot.title) + "</title>";
  out += "<text class=\"title\" x=\"" + num(kLeft) + "\" y=\"20\">" + escape_html(plot.title) +
         "</text>";
  out += axes(f);
  if (plot.diagonal) {
    const double lo = std::max(plot.x_min, plot.y_min), hi = std::min(plot.x_max, plot.y_max);
    out += "<line class=\"diagonal\" x1=\"" + num(f.x(lo)) + "\" y1=\"" + num(f.y(lo)) +
           "\" x2=\"" + num(f.x(hi)) + "\" y2=\"" + num(f.y(hi)) + "\"/>";
  }
  for (std::size_t i = 0; i < plot.series.size(); ++i) {
    const PlotSeries& s = plot.series[i];
    out += series_svg(f, s, s.color.empty() ? kPalette[i % 5] : s.color);
  }
  for (const PlotMarker& m : plot.markers) {
    out += "<g class=\"marker\"><line x1=\"" + num(f.cx(m.x)) + "\" y1=\"" + num(kTop) +
           "\" x2=\"" + num(f.cx(m.x)) + "\" y2=\"" + num(kHeight - kBottom) + "\"/><text x=\"" +
           num(f.cx(m.x) + 4) + "\" y=\"" + num(kTop + 12) + "\">" + escape_html(m.label) +
           "</text></g>";
  }
  // The legend, when there is more than one series to tell apart.
  if (plot.series.size() > 1) {
    double y = kTop + 4;
    for (std::size_t i = 0; i < plot.series.size(); ++i) {
      const PlotSeries& s = plot.series[i];
      const std::string color = s.color.empty() ? kPalette[i % 5] : s.color;
      out += "<g class=\"legend\"><rect x=\"" + num(kWidth - kRight - 150) + "\" y=\"" +
             num(y + 2) + "\" width=\"10\" height=\"10\" fill=\"" + color + "\"/><text x=\"" +
             num(kWidth - kRight - 135) + "\" y=\"" + num(y + 11) + "\">" + escape_html(s.name) +
             "</text></g>";
      y += 16;
    }
  }
  out += "</svg>";
  if (!plot.caption.empty()) out += "<figcaption>" + escape_html(plot.caption) + "</figcaption>";
  out += "</figure>\n";
  return out;
}

}  // namespace skon::engine
