#pragma once

// Evaluation metrics with scikit-learn's definitions, plus what a municipality needs: the
// quality of the top k % it can follow up on, and the same metrics per group with the largest
// gap between groups (as Fairlearn's MetricFrame).

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace skon::models {

// Indices ordering `scores` ascending (stable: ties keep index order). LSD radix sort on the
// doubles' bit patterns: linear time, which is what makes AUC of a million scores fast.
std::vector<std::uint32_t> order_ascending(std::span<const double> scores);

struct AucResult {
  double auc = 0;
  double se = 0;      // DeLong standard error
  double ci_low = 0;  // 95 % interval, clipped to [0, 1]
  double ci_high = 0;
};

// ROC AUC (ties count one half) with DeLong's variance. Labels are 0/1; both must occur.
AucResult roc_auc(std::span<const double> labels, std::span<const double> scores);
// Two scores' AUCs on the same rows and their difference (b - a) with DeLong's paired variance
// (DeLong, DeLong & Clarke-Pearson 1988): what a source adds, measured on one cohort.
struct AucDifference {
  double auc_a = 0, auc_b = 0;
  double difference = 0, se = 0, ci_low = 0, ci_high = 0;  // 95 %
};
AucDifference paired_auc_difference(std::span<const double> labels, std::span<const double> a,
                                    std::span<const double> b);
// Average precision as scikit-learn's average_precision_score (step-wise, no interpolation).
double average_precision(std::span<const double> labels, std::span<const double> scores);
// One point of the ROC and precision–recall curves: everyone scoring at least `threshold` flagged.
struct CurvePoint {
  double threshold = 0;
  std::size_t flagged = 0, true_positives = 0;
  double fpr = 0, tpr = 0, precision = 0;  // tpr is the recall
};
// The curves from the highest score down, at every distinct score or — with more — at `points`
// evenly spread flag counts (always including the first and last); ties stay together.
std::vector<CurvePoint> curve_points(std::span<const double> labels, std::span<const double> scores,
                                     std::size_t points = 200);
// Wilson's score interval for `k` successes of `n` at the normal quantile `z` (1.96: 95 %).
std::pair<double, double> wilson_interval(double k, double n, double z = 1.959963984540054);
double brier_score(std::span<const double> labels, std::span<const double> probs);
// Mean log loss; probabilities clipped to [eps, 1 - eps] with eps = DBL_EPSILON (sklearn "auto").
double log_loss(std::span<const double> labels, std::span<const double> probs);

struct ReliabilityBin {
  double low = 0, high = 0;  // probability range
  std::size_t count = 0;
  double mean_predicted = 0;
  double observed_rate = 0;
};
// Equal-width bins over [0, 1].
std::vector<ReliabilityBin> reliability_table(std::span<const double> labels,
                                              std::span<const double> probs, int bins = 10);
// Expected calibration error: sum over bins of (count / n) * |mean predicted - observed|.
double expected_calibration_error(std::span<const double> labels, std::span<const double> probs,
                                  int bins = 10);

struct Confusion {
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
  double precision() const;
  double recall() const;  // TPR
  double fpr() const;
  double flag_rate() const;
};

// Flags the records scoring at or above `threshold`.
Confusion confusion_at(std::span<const double> labels, std::span<const double> probs,
                       double threshold);
// Flags the top `share` (0..1) of records by score (ties broken by record order), the follow-up
// capacity of a municipality. Returns the confusion and the score threshold that results.
Confusion confusion_at_capacity(std::span<const double> labels, std::span<const double> probs,
                                double share, double* threshold = nullptr);

struct GroupMetrics {
  std::string group;
  std::size_t count = 0;
  double base_rate = 0;
  double mean_predicted = 0;  // calibration in the large: compare with base_rate
  double auc = 0;             // NaN when the group has one class only
  double flag_rate = 0;
  double tpr = 0;  // NaN without positives
  double fpr = 0;  // NaN without negatives
};

struct GroupReport {
  std::string field;
  std::vector<GroupMetrics> groups;
  // Largest difference between two groups, per metric (NaN ignored).
  double gap_flag_rate = 0, gap_tpr = 0, gap_fpr = 0, gap_calibration = 0, gap_auc = 0;
  // Their uncertainty: standard deviations over `resamples` bootstrap resamples of the rows (at
  // the same flagging threshold), of each gap and of the largest one — what a gate `at 95 %`
  // acts on (the largest gap + 1.96 SD).
  int resamples = 0;
  double sd_flag_rate = 0, sd_tpr = 0, sd_fpr = 0, sd_calibration = 0, sd_largest = 0;
  // The largest of the flag-rate, TPR, FPR and calibration gaps: what `gate group_gap` bounds.
  double largest() const;
};

// The two-sided normal interval's z for `level` (0.95 -> 1.96).
double z_for(double level);

// Metrics per group; `group` holds each record's group index (NaN: no group, left out), `names`
// the group names. Flags use `threshold`.
GroupReport group_report(const std::string& field, const std::vector<std::string>& names,
                         std::span<const double> group, std::span<const double> labels,
                         std::span<const double> probs, double threshold);

}  // namespace skon::models
