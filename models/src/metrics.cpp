#include "skon/models/metrics.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>

namespace skon::models {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::uint64_t sortable_bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}

void check_sizes(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) throw std::invalid_argument("labels and scores differ in length");
}
}  // namespace

std::vector<std::uint32_t> order_ascending(std::span<const double> scores) {
  const std::size_t n = scores.size();
  std::vector<std::uint64_t> keys(n), keys_tmp(n);
  std::vector<std::uint32_t> idx(n), idx_tmp(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = sortable_bits(scores[i] == 0 ? 0.0 : scores[i]);  // -0 sorts with +0
    idx[i] = static_cast<std::uint32_t>(i);
  }
  // Six passes of 11 bits: the counts (2048) stay in L1 cache. Passes whose digit is the same
  // for every key are skipped.
  constexpr int kBits = 11;
  constexpr std::uint64_t kMask = (1u << kBits) - 1;
  std::vector<std::uint32_t> count(1u << kBits);
  for (int shift = 0; shift < 64; shift += kBits) {
    std::fill(count.begin(), count.end(), 0);
    for (std::size_t i = 0; i < n; ++i) ++count[(keys[i] >> shift) & kMask];
    if (count[(keys[0] >> shift) & kMask] == n) continue;
    std::uint32_t sum = 0;
    for (auto& c : count) {
      const std::uint32_t t = c;
      c = sum;
      sum += t;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t slot = count[(keys[i] >> shift) & kMask]++;
      keys_tmp[slot] = keys[i];
      idx_tmp[slot] = idx[i];
    }
    keys.swap(keys_tmp);
    idx.swap(idx_tmp);
  }
  return idx;
}

AucResult roc_auc(std::span<const double> labels, std::span<const double> scores) {
  check_sizes(labels, scores);
  const std::size_t n = scores.size();
  const auto order = n ? order_ascending(scores) : std::vector<std::uint32_t>{};
  double npos = 0;
  for (double y : labels) npos += y > 0.5 ? 1 : 0;
  const double nneg = static_cast<double>(n) - npos;
  if (npos == 0 || nneg == 0) throw std::invalid_argument("AUC needs both outcomes");
  // Walk tie groups in ascending order. For DeLong: each positive's placement is the share of
  // negatives scoring below it (+ half the ties); each negative's, the share of positives above.
  // Placements lie in [0, 1], so their variance is accumulated from sums without a second pass.
  double neg_below = 0, pos_below = 0, auc_sum = 0;
  double s10 = 0, ss10 = 0, s01 = 0, ss01 = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    double pos_tie = 0, neg_tie = 0;
    const double s = scores[order[i]];
    while (j < n && scores[order[j]] == s) {
      (labels[order[j]] > 0.5 ? pos_tie : neg_tie) += 1;
      ++j;
    }
    const double pos_place = (neg_below + 0.5 * neg_tie) / nneg;
    const double neg_place = (npos - pos_below - 0.5 * pos_tie) / npos;
    s10 += pos_tie * pos_place;
    ss10 += pos_tie * pos_place * pos_place;
    s01 += neg_tie * neg_place;
    ss01 += neg_tie * neg_place * neg_place;
    auc_sum += pos_tie * (neg_below + 0.5 * neg_tie);
    neg_below += neg_tie;
    pos_below += pos_tie;
    i = j;
  }
  AucResult r;
  r.auc = auc_sum / (npos * nneg);
  const auto variance = [](double sum, double sumsq, double count) {
    return count < 2 ? 0.0 : std::max(0.0, (sumsq - sum * sum / count) / (count - 1));
  };
  const double var = variance(s10, ss10, npos) / npos + variance(s01, ss01, nneg) / nneg;
  r.se = std::sqrt(var);
  r.ci_low = std::max(0.0, r.auc - 1.959963984540054 * r.se);
  r.ci_high = std::min(1.0, r.auc + 1.959963984540054 * r.se);
  return r;
}

namespace {

// Each row's DeLong placement: a positive's share of negatives scoring below it (ties half), a
// negative's share of positives scoring above it.
std::vector<double> placements(std::span<const double> labels, std::span<const double> scores,
                               double npos, double nneg) {
  const std::size_t n = scores.size();
  const auto order = order_ascending(scores);
  std::vector<double> place(n);
  double neg_below = 0, pos_below = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    double pos_tie = 0, neg_tie = 0;
    const double s = scores[order[i]];
    while (j < n && scores[order[j]] == s) {
      (labels[order[j]] > 0.5 ? pos_tie : neg_tie) += 1;
      ++j;
    }
    const double pos_place = (neg_below + 0.5 * neg_tie) / nneg;
    const double neg_place = (npos - pos_below - 0.5 * pos_tie) / npos;
    for (std::size_t k = i; k < j; ++k) {
      place[order[k]] = labels[order[k]] > 0.5 ? pos_place : neg_place;
    }
    neg_below += neg_tie;
    pos_below += pos_tie;
    i = j;
  }
  return place;
}

}  // namespace

AucDifference paired_auc_difference(std::span<const double> labels, std::span<const double> a,
                                    std::span<const double> b) {
  check_sizes(labels, a);
  check_sizes(labels, b);
  double npos = 0;
  for (double y : labels) npos += y > 0.5 ? 1 : 0;
  const double nneg = static_cast<double>(labels.size()) - npos;
  if (npos < 2 || nneg < 2) throw std::invalid_argument("AUC needs both outcomes");
  const std::vector<double> pa = placements(labels, a, npos, nneg);
  const std::vector<double> pb = placements(labels, b, npos, nneg);
  // Means, then the covariance of the two placements among positives and among negatives.
  double ma[2] = {}, mb[2] = {};
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int k = labels[i] > 0.5 ? 0 : 1;
    ma[k] += pa[i];
    mb[k] += pb[i];
  }
  const double count[2] = {npos, nneg};
  for (int k = 0; k < 2; ++k) ma[k] /= count[k], mb[k] /= count[k];
  double saa[2] = {}, sbb[2] = {}, sab[2] = {};
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int k = labels[i] > 0.5 ? 0 : 1;
    const double da = pa[i] - ma[k], db = pb[i] - mb[k];
    saa[k] += da * da;
    sbb[k] += db * db;
    sab[k] += da * db;
  }
  double var = 0;
  for (int k = 0; k < 2; ++k) {
    var += (saa[k] + sbb[k] - 2 * sab[k]) / (count[k] - 1) / count[k];
  }
  AucDifference d;
  d.auc_a = ma[0];
  d.auc_b = mb[0];
  d.difference = d.auc_b - d.auc_a;
  d.se = std::sqrt(std::max(0.0, var));
  d.ci_low = d.difference - 1.959963984540054 * d.se;
  d.ci_high = d.difference + 1.959963984540054 * d.se;
  return d;
}

double average_precision(std::span<const double> labels, std::span<const double> scores) {
  check_sizes(labels, scores);
  const auto order = order_ascending(scores);
  double npos = 0;
  for (double y : labels) npos += y > 0.5 ? 1 : 0;
  if (npos == 0) throw std::invalid_argument("average precision needs positives");
  double tp = 0, fp = 0, ap = 0, last_recall = 0;
  // Descending score, one step per distinct score.
  for (std::size_t i = order.size(); i > 0;) {
    std::size_t j = i;
    const double s = scores[order[i - 1]];
    while (j > 0 && scores[order[j - 1]] == s) {
      (labels[order[j - 1]] > 0.5 ? tp : fp) += 1;
      --j;
    }
    const double recall = tp / npos;
    ap += (recall - last_recall) * (tp / (tp + fp));
    last_recall = recall;
    i = j;
  }
  return ap;
}

double brier_score(std::span<const double> labels, std::span<const double> probs) {
  check_sizes(labels, probs);
  double s = 0;
  for (std::size_t i = 0; i < probs.size(); ++i)
    s += (probs[i] - labels[i]) * (probs[i] - labels[i]);
  return s / static_cast<double>(probs.size());
}

double log_loss(std::span<const double> labels, std::span<const double> probs) {
  check_sizes(labels, probs);
  double s = 0;
  for (std::size_t i = 0; i < probs.size(); ++i) {
    const double p = std::clamp(probs[i], DBL_EPSILON, 1 - DBL_EPSILON);
    s -= labels[i] > 0.5 ? std::log(p) : std::log1p(-p);
  }
  return s / static_cast<double>(probs.size());
}

std::vector<ReliabilityBin> reliability_table(std::span<const double> labels,
                                              std::span<const double> probs, int bins) {
  check_sizes(labels, probs);
  std::vector<ReliabilityBin> out(static_cast<std::size_t>(bins));
  for (int b = 0; b < bins; ++b) {
    out[static_cast<std::size_t>(b)].low = static_cast<double>(b) / bins;
    out[static_cast<std::size_t>(b)].high = static_cast<double>(b + 1) / bins;
  }
  for (std::size_t i = 0; i < probs.size(); ++i) {
    const int b = std::clamp(static_cast<int>(probs[i] * bins), 0, bins - 1);
    auto& bin = out[static_cast<std::size_t>(b)];
    ++bin.count;
    bin.mean_predicted += probs[i];
    bin.observed_rate += labels[i];
  }
  for (auto& bin : out) {
    if (bin.count == 0) continue;
    bin.mean_predicted /= static_cast<double>(bin.count);
    bin.observed_rate /= static_cast<double>(bin.count);
  }
  return out;
}

double expected_calibration_error(std::span<const double> labels, std::span<const double> probs,
                                  int bins) {
  double ece = 0;
  for (const auto& bin : reliability_table(labels, probs, bins)) {
    ece += static_cast<double>(bin.count) * std::abs(bin.mean_predicted - bin.observed_rate);
  }
  return probs.empty() ? 0 : ece / static_cast<double>(probs.size());
}

double Confusion::precision() const {
  return tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : kNaN;
}
double Confusion::recall() const {
  return tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : kNaN;
}
double Confusion::fpr() const {
  return fp + tn ? static_cast<double>(fp) / static_cast<double>(fp + tn) : kNaN;
}
double Confusion::flag_rate() const {
  const auto n = tp + fp + tn + fn;
  return n ? static_cast<double>(tp + fp) / static_cast<double>(n) : kNaN;
}

Confusion confusion_at(std::span<const double> labels, std::span<const double> probs,
                       double threshold) {
  check_sizes(labels, probs);
  Confusion c;
  for (std::size_t i = 0; i < probs.size(); ++i) {
    const bool flag = probs[i] >= threshold;
    const bool pos = labels[i] > 0.5;
    if (flag && pos)
      ++c.tp;
    else if (flag)
      ++c.fp;
    else if (pos)
      ++c.fn;
    else
      ++c.tn;
  }
  return c;
}

Confusion confusion_at_capacity(std::span<const double> labels, std::span<const double> probs,
                                double share, double* threshold) {
  check_sizes(labels, probs);
  const std::size_t n = probs.size();
  const auto order = order_ascending(probs);
  const auto k = static_cast<std::size_t>(
      std::ceil(std::clamp(share, 0.0, 1.0) * static_cast<double>(n) - 1e-9));
  Confusion c;
  // The top k are the last k of the ascending order; among equal scores the later record wins,
  // which is deterministic.
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint32_t i = order[r];
    const bool flag = r >= n - k;
    const bool pos = labels[i] > 0.5;
    if (flag && pos)
      ++c.tp;
    else if (flag)
      ++c.fp;
    else if (pos)
      ++c.fn;
    else
      ++c.tn;
  }
  if (threshold != nullptr) *threshold = k == 0 ? 1.0 : probs[order[n - k]];
  return c;
}

namespace {

// The gaps' bootstrap standard deviations: the rows with a group resampled with replacement
// (seeded: the same data give the same figures), each resample's gaps computed from its counts
// per group at the same threshold.
void bootstrap_gaps(GroupReport& report, std::size_t groups, std::span<const double> group,
                    std::span<const double> labels, std::span<const double> probs,
                    double threshold) {
  constexpr int kResamples = 200;
  std::vector<std::uint32_t> rows;
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (!std::isnan(group[i])) rows.push_back(static_cast<std::uint32_t>(i));
  }
  if (rows.size() < 2 || groups < 2) return;
  struct Counts {
    double n = 0, pos = 0, flagged = 0, flagged_pos = 0, psum = 0;
  };
  // Each evaluation row packed once (its group, outcome and flag in one word beside its
  // probability): a resample then reads one small array, drawn with a fast seeded generator
  // (splitmix64) and Lemire's multiply-shift for the index.
  struct Packed {
    std::uint32_t group_pos_flag;  // group << 2 | pos << 1 | flag
    double p;
  };
  std::vector<Packed> packed(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::uint32_t i = rows[r];
    packed[r] = {static_cast<std::uint32_t>(group[i]) << 2 |
                     static_cast<std::uint32_t>(labels[i] > 0.5) << 1 |
                     static_cast<std::uint32_t>(probs[i] >= threshold),
                 probs[i]};
  }
  std::uint64_t state = 0x5eed2026 + std::hash<std::string>{}(report.field);
  const auto next = [&state] {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  const std::uint64_t n = packed.size();  // < 2^32: rows are numbered in 32 bits
  // Above kRowsResampled rows a resample is drawn per cell (group x outcome x flag): its counts
  // exactly (multinomial, as sequential binomials), the sum of its probabilities by the central
  // limit theorem (count x the cell's mean + sqrt(count) x its SD x a normal draw) — the same
  // distribution as resampling rows, in time independent of their number.
  constexpr std::size_t kRowsResampled = 200000;
  const bool by_cell = packed.size() > kRowsResampled;
  const std::size_t cells = 4 * groups;
  std::vector<double> cell_n(cells, 0), cell_sum(cells, 0), cell_squares(cells, 0);
  if (by_cell) {
    for (const Packed& row : packed) {
      cell_n[row.group_pos_flag] += 1;
      cell_sum[row.group_pos_flag] += row.p;
      cell_squares[row.group_pos_flag] += row.p * row.p;
    }
  }
  std::mt19937_64 cell_rng(state);
  std::normal_distribution<double> normal(0, 1);
  std::vector<Counts> counts(groups);
  double sum[5] = {}, squares[5] = {};
  for (int b = 0; b < kResamples; ++b) {
    std::fill(counts.begin(), counts.end(), Counts{});
    if (by_cell) {
      double left = static_cast<double>(n), left_share = 1;
      for (std::size_t k = 0; k < cells; ++k) {
        if (cell_n[k] == 0) continue;
        const double share = cell_n[k] / static_cast<double>(n);
        const double drawn = left <= 0 ? 0
                             : share >= left_share
                                 ? left
                                 : static_cast<double>(std::binomial_distribution<std::uint64_t>(
                                       static_cast<std::uint64_t>(left),
                                       std::min(1.0, share / left_share))(cell_rng));
        left -= drawn;
        left_share -= share;
        const double mean = cell_sum[k] / cell_n[k];
        const double sd = std::sqrt(std::max(0.0, cell_squares[k] / cell_n[k] - mean * mean));
        Counts& c = counts[k >> 2];
        const bool pos = k & 2, flag = k & 1;
        c.n += drawn;
        c.pos += pos ? drawn : 0;
        c.flagged += flag ? drawn : 0;
        c.flagged_pos += flag && pos ? drawn : 0;
        c.psum += drawn * mean + std::sqrt(drawn) * sd * normal(cell_rng);
      }
    } else {
      for (std::size_t r = 0; r < packed.size(); ++r) {
        const Packed& row = packed[static_cast<std::size_t>(((next() >> 32) * n) >> 32)];
        Counts& c = counts[row.group_pos_flag >> 2];
        const bool pos = row.group_pos_flag & 2, flag = row.group_pos_flag & 1;
        c.n += 1;
        c.pos += pos;
        c.flagged += flag;
        c.flagged_pos += flag && pos;
        c.psum += row.p;
      }
    }
    double lo[4], hi[4];
    std::fill(lo, lo + 4, INFINITY);
    std::fill(hi, hi + 4, -INFINITY);
    for (const Counts& c : counts) {
      if (c.n == 0) continue;
      const double v[4] = {c.flagged / c.n, c.pos > 0 ? c.flagged_pos / c.pos : kNaN,
                           c.n > c.pos ? (c.flagged - c.flagged_pos) / (c.n - c.pos) : kNaN,
                           (c.psum - c.pos) / c.n};
      for (int m = 0; m < 4; ++m) {
        if (std::isnan(v[m])) continue;
        lo[m] = std::min(lo[m], v[m]);
        hi[m] = std::max(hi[m], v[m]);
      }
    }
    double gaps[5];
    for (int m = 0; m < 4; ++m) gaps[m] = hi[m] >= lo[m] ? hi[m] - lo[m] : 0.0;
    gaps[4] = std::max({gaps[0], gaps[1], gaps[2], gaps[3]});
    for (int m = 0; m < 5; ++m) sum[m] += gaps[m], squares[m] += gaps[m] * gaps[m];
  }
  double sd[5];
  for (int m = 0; m < 5; ++m) {
    const double mean = sum[m] / kResamples;
    sd[m] = std::sqrt(std::max(0.0, squares[m] / kResamples - mean * mean) * kResamples /
                      (kResamples - 1));
  }
  report.resamples = kResamples;
  report.sd_flag_rate = sd[0];
  report.sd_tpr = sd[1];
  report.sd_fpr = sd[2];
  report.sd_calibration = sd[3];
  report.sd_largest = sd[4];
}

}  // namespace

GroupReport group_report(const std::string& field, const std::vector<std::string>& names,
                         std::span<const double> group, std::span<const double> labels,
                         std::span<const double> probs, double threshold) {
  GroupReport report;
  report.field = field;
  for (std::size_t g = 0; g < names.size(); ++g) {
    std::vector<double> y, p;
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (!std::isnan(group[i]) && static_cast<std::size_t>(group[i]) == g) {
        y.push_back(labels[i]);
        p.push_back(probs[i]);
      }
    }
    GroupMetrics m;
    m.group = names[g];
    m.count = y.size();
    if (y.empty()) {
      m.base_rate = m.mean_predicted = m.auc = m.flag_rate = m.tpr = m.fpr = kNaN;
      report.groups.push_back(m);
      continue;
    }
    double pos = 0, psum = 0;
    for (std::size_t i = 0; i < y.size(); ++i) pos += y[i], psum += p[i];
    m.base_rate = pos / static_cast<double>(y.size());
    m.mean_predicted = psum / static_cast<double>(y.size());
    m.auc = (pos > 0 && pos < static_cast<double>(y.size())) ? roc_auc(y, p).auc : kNaN;
    const Confusion c = confusion_at(y, p, threshold);
    m.flag_rate = c.flag_rate();
    m.tpr = c.recall();
    m.fpr = c.fpr();
    report.groups.push_back(m);
  }
  const auto gap = [&](auto get) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& m : report.groups) {
      const double v = get(m);
      if (std::isnan(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    return hi >= lo ? hi - lo : 0.0;
  };
  report.gap_flag_rate = gap([](const GroupMetrics& m) { return m.flag_rate; });
  report.gap_tpr = gap([](const GroupMetrics& m) { return m.tpr; });
  report.gap_fpr = gap([](const GroupMetrics& m) { return m.fpr; });
  report.gap_auc = gap([](const GroupMetrics& m) { return m.auc; });
  report.gap_calibration =
      gap([](const GroupMetrics& m) { return m.mean_predicted - m.base_rate; });
  bootstrap_gaps(report, names.size(), group, labels, probs, threshold);
  return report;
}

double GroupReport::largest() const {
  return std::max({gap_flag_rate, gap_tpr, gap_fpr, std::abs(gap_calibration)});
}

std::vector<CurvePoint> curve_points(std::span<const double> labels, std::span<const double> scores,
                                     std::size_t points) {
  const std::vector<std::uint32_t> order = order_ascending(scores);
  double positives = 0;
  for (double y : labels) positives += y > 0.5 ? 1 : 0;
  const double n = static_cast<double>(labels.size()), negatives = n - positives;
  // Cut points: after each run of tied scores (walking from the top), thinned to `points`.
  std::vector<std::size_t> cuts;  // flag counts
  for (std::size_t k = 1; k <= order.size(); ++k) {
    const double s = scores[order[order.size() - k]];
    if (k < order.size() && scores[order[order.size() - k - 1]] == s) continue;
    cuts.push_back(k);
  }
  std::vector<CurvePoint> out;
  const std::size_t step =
      std::max<std::size_t>(1, (cuts.size() + points - 1) / std::max<std::size_t>(points, 1));
  std::size_t flagged = 0, tp = 0;
  for (std::size_t c = 0; c < cuts.size(); ++c) {
    for (; flagged < cuts[c]; ++flagged) tp += labels[order[order.size() - 1 - flagged]] > 0.5;
    if (c % step != 0 && c + 1 != cuts.size()) continue;
    CurvePoint p;
    p.threshold = scores[order[order.size() - flagged]];
    p.flagged = flagged;
    p.true_positives = tp;
    p.tpr = positives > 0 ? static_cast<double>(tp) / positives : 0;
    p.fpr = negatives > 0 ? static_cast<double>(flagged - tp) / negatives : 0;
    p.precision = static_cast<double>(tp) / static_cast<double>(flagged);
    out.push_back(p);
  }
  return out;
}

std::pair<double, double> wilson_interval(double k, double n, double z) {
  if (!(n > 0)) return {kNaN, kNaN};
  const double p = k / n, z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double z_for(double level) {
  // The inverse of the standard normal's CDF at (1 + level) / 2, by bisection on erfc.
  const double tail = (1 - level) / 2;
  double lo = 0, hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(mid / std::sqrt(2.0)) > tail ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace skon::models
