#include "skon/documents/report.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "skon/base/errors.hpp"
#include "skon/documents/report_card.hpp"
#include "skon/documents/svg_plot.hpp"
#include "skon/models/logistic.hpp"
#include "skon/models/metrics.hpp"
#include "support/rules.hpp"
#include "support/temp_path.hpp"

using namespace skon;

TEST_CASE("report card: the percentage-point steps add up to the probability shown, exactly") {
  std::mt19937_64 rng(2026);
  std::normal_distribution<double> contribution(0, 0.8);
  std::uniform_real_distribution<double> start(-4, 1);
  for (int trial = 0; trial < 2000; ++trial) {
    const double s = start(rng);
    std::vector<std::pair<std::string, double>> parts;
    double at = s;
    for (int k = 0; k < 5; ++k) {
      parts.emplace_back("f" + std::to_string(k), contribution(rng));
      at += parts.back().second;
    }
    const double others = contribution(rng) / 4;
    const double p = models::sigmoid(at + others);
    double start_shown = 0, end_shown = 0;
    const auto steps =
        engine::percentage_steps(s, parts, others, p, {"f2"}, &start_shown, &end_shown);
    REQUIRE(steps.size() == 6);
    long sum = std::lround(start_shown * 10);
    for (const auto& step : steps) sum += std::lround(step.points * 10);
    CHECK(sum == std::lround(end_shown * 10));
    CHECK(std::lround(end_shown * 10) == std::lround(1000 * p));
    CHECK(steps[2].missing);
    CHECK_FALSE(steps[1].missing);
    // Each step stays within a tenth of a point of the change it stands for.
    double at2 = s;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const double exact = 100 * (models::sigmoid(at2 + parts[k].second) - models::sigmoid(at2));
      at2 += parts[k].second;
      CHECK(std::abs(steps[k].points - exact) <= 0.1 + 1e-9);
    }
  }
}

TEST_CASE("metrics: curve points agree with counting by hand, ties kept together") {
  const std::vector<double> labels = {1, 0, 1, 1, 0, 0, 1, 0};
  const std::vector<double> scores = {0.9, 0.8, 0.8, 0.6, 0.5, 0.3, 0.3, 0.1};
  const auto points = models::curve_points(labels, scores, 100);
  // Distinct scores: 0.9, 0.8 (two), 0.6, 0.5, 0.3 (two), 0.1 -> six cut points.
  REQUIRE(points.size() == 6);
  for (const auto& p : points) {
    std::size_t flagged = 0, tp = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      if (scores[i] >= p.threshold) ++flagged, tp += labels[i] > 0.5;
    }
    CHECK(p.flagged == flagged);
    CHECK(p.true_positives == tp);
    CHECK(p.tpr == doctest::Approx(tp / 4.0));
    CHECK(p.fpr == doctest::Approx((flagged - tp) / 4.0));
  }
  CHECK(points.back().tpr == 1.0);
  CHECK(points.back().fpr == 1.0);
  // Thinned to at most the points asked for (plus the last), the ends kept.
  std::vector<double> many_labels, many_scores;
  for (int i = 0; i < 10000; ++i) {
    many_scores.push_back(i * 1e-4);
    many_labels.push_back(i % 3 == 0);
  }
  const auto thin = models::curve_points(many_labels, many_scores, 50);
  CHECK(thin.size() <= 51);
  CHECK(thin.front().flagged == 1);
  CHECK(thin.back().flagged == 10000);
}

TEST_CASE("metrics: Wilson's interval") {
  const auto [lo, hi] = models::wilson_interval(5, 10);
  CHECK(lo == doctest::Approx(0.2366).epsilon(1e-3));
  CHECK(hi == doctest::Approx(0.7634).epsilon(1e-3));
  const auto [zero_lo, zero_hi] = models::wilson_interval(0, 20);
  CHECK(zero_lo == 0);
  CHECK(zero_hi == doctest::Approx(0.1611).epsilon(1e-3));
  CHECK(std::isnan(models::wilson_interval(0, 0).first));
}

TEST_CASE("plots: round ticks, and every figure has its title, axes and series") {
  const auto ticks = engine::nice_ticks(0, 1);
  REQUIRE(ticks.size() == 6);
  for (std::size_t i = 0; i < ticks.size(); ++i) CHECK(ticks[i] == doctest::Approx(0.2 * i));
  CHECK(engine::nice_ticks(0, 0.37).back() <= 0.37 + 1e-12);
  engine::Plot p;
  p.title = "ROC <test>";
  p.series.push_back({"a", engine::PlotSeries::Style::Line, {{0, 0}, {1, 1}}, {}, 0, ""});
  const std::string svg = engine::render_svg(p);
  CHECK(svg.find("<title>ROC &lt;test&gt;</title>") != std::string::npos);
  CHECK(svg.find("class=\"axis x\"") != std::string::npos);
  CHECK(svg.find("class=\"axis y\"") != std::string::npos);
  CHECK(svg.find("data-points=\"2\"") != std::string::npos);
  CHECK(svg.find("<script") == std::string::npos);
}

TEST_CASE("report: one pass over assessments counts levels, rules and disagreements") {
  std::string text = test::kPrelude;
  text += R"(
rule high_absence "Højt fravær" in ew {
  when absence_pct > 10
  flag "Fravær"
}
)";
  const auto rules = test::load(text);
  REQUIRE_FALSE(rules.bag.has_errors());
  const auto& program = *rules.program;
  const dsl::Index ew = program.find_purpose("ew");
  const auto path = test::temp_path("report_assessments.jsonl");
  {
    std::ofstream out(path);
    out << R"({"id":"a","run":"r1","outcome":"assessed","level":"high","probability":0.61,"model_level":"low","flags":[{"rule":"high_absence","text":"x"}],"review":{"required":true,"reasons":[]}})"
        << "\n"
        << R"({"id":"b","run":"r1","outcome":"assessed","level":"low","probability":0.05,"model_level":"low","flags":[],"review":{"required":false,"reasons":[]}})"
        << "\n"
        << R"({"id":"c","run":"r1","outcome":"insufficient_data","level":null,"probability":null,"model_level":null,"flags":[],"review":{"required":true,"reasons":[]}})"
        << "\n";
  }
  const auto s = engine::summarize_assessments(path.string(), program, ew, 10);
  CHECK(s.run == "r1");
  CHECK(s.records == 3);
  CHECK(s.outcomes.at("assessed") == 2);
  CHECK(s.outcomes.at("insufficient_data") == 1);
  CHECK(s.per_level[program.find_level("high")] == 1);
  CHECK(s.review_required == 2);
  CHECK(s.with_probability == 2);
  CHECK(s.histogram[30] == 1);  // 0.61 in [0.60, 0.62)
  CHECK(s.model_vs_final[program.find_level("low")][program.find_level("high")] == 1);
  REQUIRE(s.rules.size() == 1);
  CHECK(s.rules[0].fired == 1);
  CHECK(s.cards.size() == 3);

  // A line that is not an assessment is named by its number, never by its content.
  {
    std::ofstream out(path, std::ios::app);
    out << "{\"id\":\"0101991234\",\"outcome\":1\n";
  }
  try {
    engine::summarize_assessments(path.string(), program, ew, 10);
    FAIL("a broken line was accepted");
  } catch (const base::InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("line 4") != std::string::npos);
    CHECK(what.find("0101991234") == std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST_CASE("metrics: the paired DeLong difference by its definition, counted by hand") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> labels(400), a(400), b(400);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    labels[i] = u(rng) < 0.3 ? 1 : 0;
    a[i] = std::round((labels[i] * 0.4 + u(rng)) * 20) / 20;  // ties on purpose
    b[i] = a[i] + (u(rng) - 0.5) * 0.3;
  }
  // Placements and the paired variance, pair by pair.
  std::vector<std::size_t> pos, neg;
  for (std::size_t i = 0; i < labels.size(); ++i) (labels[i] > 0.5 ? pos : neg).push_back(i);
  const auto psi = [](double x, double y) { return x > y ? 1.0 : x == y ? 0.5 : 0.0; };
  const auto place = [&](const std::vector<double>& s, std::vector<double>& v10,
                         std::vector<double>& v01) {
    for (auto i : pos) {
      double sum = 0;
      for (auto j : neg) sum += psi(s[i], s[j]);
      v10.push_back(sum / static_cast<double>(neg.size()));
    }
    for (auto j : neg) {
      double sum = 0;
      for (auto i : pos) sum += psi(s[i], s[j]);
      v01.push_back(sum / static_cast<double>(pos.size()));
    }
  };
  std::vector<double> a10, a01, b10, b01;
  place(a, a10, a01);
  place(b, b10, b01);
  const auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  const auto cov = [&](const std::vector<double>& x, const std::vector<double>& y) {
    const double mx = mean(x), my = mean(y);
    double s = 0;
    for (std::size_t k = 0; k < x.size(); ++k) s += (x[k] - mx) * (y[k] - my);
    return s / static_cast<double>(x.size() - 1);
  };
  const double m = static_cast<double>(pos.size()), n = static_cast<double>(neg.size());
  const double var = (cov(a10, a10) + cov(b10, b10) - 2 * cov(a10, b10)) / m +
                     (cov(a01, a01) + cov(b01, b01) - 2 * cov(a01, b01)) / n;
  const models::AucDifference d = models::paired_auc_difference(labels, a, b);
  CHECK(d.auc_a == doctest::Approx(mean(a10)).epsilon(1e-12));
  CHECK(d.auc_b == doctest::Approx(mean(b10)).epsilon(1e-12));
  CHECK(d.auc_a == doctest::Approx(models::roc_auc(labels, a).auc).epsilon(1e-12));
  CHECK(d.difference == doctest::Approx(mean(b10) - mean(a10)).epsilon(1e-12));
  CHECK(d.se == doctest::Approx(std::sqrt(var)).epsilon(1e-9));
  // The same scores: no difference, no uncertainty.
  const models::AucDifference same = models::paired_auc_difference(labels, a, a);
  CHECK(same.difference == 0);
  CHECK(same.se == doctest::Approx(0).epsilon(1e-12));
}
