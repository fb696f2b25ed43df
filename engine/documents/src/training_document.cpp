// What `skon train` prints when it has written a model: the fit, its validation, the C path, the
// metrics, the group gaps, each quality gate's verdict with its uncertainty, the coefficients.
#include "skon/documents/training_document.hpp"

#include <cmath>
#include <cstdio>

#include "appendf.hpp"
#include "skon/core/constraints.hpp"
#include "skon/models/metrics.hpp"

namespace skon::engine {
namespace {

using detail::appendf;

std::string fmt3(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}

}  // namespace

std::string training_text(const TrainingHeading& h, const dsl::Program& program, dsl::Index purpose,
                          const models::TrainReport& r) {
  const models::LogisticModel& m = r.model;
  std::string out;
  const auto& mm = m.metrics;
  appendf(out, "trained %s for purpose %s on %zu rows (%.1f %% positive) in %.2f s\n",
          h.model_path.c_str(), m.purpose.c_str(), m.training.rows, 100 * m.training.base_rate(),
          h.seconds);
  appendf(out, "validation: %s\n", mm.validation.c_str());
  if (!r.c_path.empty()) {
    appendf(out, "C path (mean over the folds; the test rows unseen):\n%10s %10s %8s\n", "C",
            "log loss", "AUC");
    for (const auto& p : r.c_path) {
      appendf(out, "%10g %10.5f %8.4f%s\n", p.C, p.log_loss, p.auc,
              p.C == m.training.C ? "  <-" : "");
    }
    appendf(out, "%s\n", r.c_selection.c_str());
  }
  appendf(out, "AUC %.3f (95 %% CI %.3f-%.3f), PR AUC %.3f, Brier %.4f, calibration error %.4f\n",
          mm.auc, mm.auc_ci_low, mm.auc_ci_high, mm.pr_auc, mm.brier, mm.calibration_error);
  appendf(out, "top %.0f %%: precision %.3f, recall %.3f\n", 100 * mm.capacity,
          mm.capacity_precision, mm.capacity_recall);
  for (const auto& g : mm.groups) {
    appendf(out, "largest gaps by %s: flag rate %.3f, TPR %.3f, FPR %.3f", g.field.c_str(),
            g.gap_flag_rate, g.gap_tpr, g.gap_fpr);
    if (g.resamples > 0) {
      appendf(out, " (bootstrap SD %.3f, %.3f, %.3f)", g.sd_flag_rate, g.sd_tpr, g.sd_fpr);
    }
    appendf(out, "\n");
  }
  // Each quality gate's verdict with its uncertainty: `skon assess` enforces them.
  for (const dsl::Gate& gate : program.purposes[purpose].gates) {
    const GateVerdict v = gate_verdict(program, gate, mm);
    const std::string bound = std::string(gate.at_least ? ">= " : "<= ") + fmt3(gate.bound) +
                              (gate.confidence ? " at " + fmt3(100 * *gate.confidence) + " %" : "");
    if (!v.measured) {
      appendf(out, "gate %s %s: not measured (train with --by)\n", v.name.c_str(), bound.c_str());
      continue;
    }
    std::string uncertainty;
    if (!std::isnan(v.sd)) {
      const double z = models::z_for(gate.confidence.value_or(0.95));
      uncertainty = " ± " + fmt3(v.sd) + " (" + fmt3(100 * gate.confidence.value_or(0.95)) +
                    " % interval " + fmt3(std::max(0.0, v.value - z * v.sd)) + "–" +
                    fmt3(v.value + z * v.sd) + ")";
    }
    appendf(out, "gate %s %s: %s%s — %s%s\n", v.name.c_str(), bound.c_str(), fmt3(v.value).c_str(),
            uncertainty.c_str(), v.holds ? "met" : "NOT met",
            gate.confidence ? " on the interval's bound" : " on the point estimate");
  }
  if (r.rows_rejected > 0) {
    appendf(out, "%zu rows skipped; reasons in %s\n", r.rows_rejected, h.rejects_path.c_str());
  }
  if (!m.coefficients.empty() && m.coefficients.front().std_error) {
    appendf(out, "\n%-32s %11s %10s %23s %10s\n", "coefficient (standardized)", "estimate",
            "std. err", "95 % Wald interval", "p-value");
    if (m.intercept_std_error) {
      models::Coefficient ic{"(intercept)", m.intercept, 0, m.intercept_std_error};
      appendf(out, "%-32s %11.5f %10.5f %11.5f %11.5f %10.3g\n", ic.name.c_str(), ic.value,
              *ic.std_error, ic.ci_low(), ic.ci_high(), ic.p_value());
    }
    for (const auto& c : m.coefficients) {
      appendf(out, "%-32s %11.5f %10.5f %11.5f %11.5f %10.3g\n", c.name.c_str(), c.value,
              *c.std_error, c.ci_low(), c.ci_high(), c.p_value());
    }
    appendf(out, "\n");
  }
  return out;
}

}  // namespace skon::engine
