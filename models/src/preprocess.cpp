#include "skon/models/preprocess.hpp"

#include <algorithm>
#include <cmath>

#include "skon/base/errors.hpp"

namespace skon::models {

std::size_t FeatureTransform::width() const {
  const std::size_t base =
      column.type == ColumnType::Category ? (levels.empty() ? 0 : levels.size() - 1) : 1;
  return base + (missing_indicator ? 1 : 0);
}

Preprocessor::Preprocessor(std::vector<FeatureTransform> features)
    : features_(std::move(features)) {
  index();
}

void Preprocessor::index() {
  names_.clear();
  owner_.clear();
  for (std::size_t f = 0; f < features_.size(); ++f) {
    const FeatureTransform& t = features_[f];
    if (t.column.type == ColumnType::Category) {
      for (std::size_t l = 0; l < t.levels.size(); ++l) {
        if (static_cast<int>(l) == t.reference) continue;
        names_.push_back(t.column.name + "=" + t.levels[l]);
        owner_.push_back(f);
      }
    } else {
      names_.push_back(t.column.name);
      owner_.push_back(f);
    }
    if (t.missing_indicator) {
      names_.push_back(t.column.name + ":missing");
      owner_.push_back(f);
    }
  }
  width_ = names_.size();
}

Preprocessor Preprocessor::fit(const std::vector<ColumnSpec>& columns,
                               const std::vector<std::vector<double>>& raw) {
  std::vector<std::uint32_t> all(raw.empty() ? 0 : raw[0].size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
  return fit(columns, raw, all);
}

std::string PreprocessOptions::describe() const {
  std::string s = "missing numbers imputed with the training ";
  s += impute == Impute::Mean     ? std::string("mean")
       : impute == Impute::Median ? std::string("median")
                                  : "constant " + std::to_string(constant);
  s += " (with a missing indicator where the training rows had gaps); each category's reference "
       "value ";
  s += reference == Reference::MostFrequent ? "its most frequent" : "its first declared";
  for (const auto& [field, value] : reference_for) s += ", " + field + ": " + value;
  s += scale ? "; numbers standardized" : "; numbers not scaled";
  return s;
}

Preprocessor Preprocessor::fit(const std::vector<ColumnSpec>& columns,
                               const std::vector<std::vector<double>>& raw,
                               const std::vector<std::uint32_t>& rows,
                               const PreprocessOptions& options) {
  std::vector<FeatureTransform> out;
  std::vector<double> x(rows.size());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    FeatureTransform t;
    t.column = columns[c];
    for (std::size_t i = 0; i < rows.size(); ++i) x[i] = raw[c][rows[i]];
    std::size_t known = 0;
    if (t.column.type == ColumnType::Category) {
      t.levels = t.column.levels;
      std::vector<std::size_t> counts(t.levels.size(), 0);
      for (double v : x) {
        if (is_missing(v)) continue;
        ++known;
        ++counts[static_cast<std::size_t>(v)];
      }
      // The most frequent level is the reference (contributions read as "compared with most"),
      // unless the analyst chose the first or named one.
      t.reference =
          options.reference == PreprocessOptions::Reference::First
              ? 0
              : static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
      if (const auto named = options.reference_for.find(t.column.name);
          named != options.reference_for.end()) {
        const auto at = std::find(t.levels.begin(), t.levels.end(), named->second);
        if (at == t.levels.end()) {
          throw base::UsageError("--reference " + named->first + "=" + named->second + ": " +
                                 named->first + " has no value '" + named->second + "'");
        }
        t.reference = static_cast<int>(at - t.levels.begin());
      }
    } else {
      // Two-pass mean and variance for accuracy (as numpy does).
      double sum = 0;
      for (double v : x) {
        if (is_missing(v)) continue;
        sum += v;
        ++known;
      }
      t.mean = known ? sum / static_cast<double>(known) : 0;
      double ss = 0;
      for (double v : x) {
        if (!is_missing(v)) ss += (v - t.mean) * (v - t.mean);
      }
      const double sd = known ? std::sqrt(ss / static_cast<double>(known)) : 0;
      t.scale = sd > 0 ? sd : 1;  // a constant column stays constant (as StandardScaler)
      const double mean = t.mean;
      if (options.impute == PreprocessOptions::Impute::Median && known > 0) {
        std::vector<double> v;
        for (double value : x) {
          if (!is_missing(value)) v.push_back(value);
        }
        std::sort(v.begin(), v.end());
        t.impute = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
      } else if (options.impute == PreprocessOptions::Impute::Constant) {
        t.impute = options.constant;
      }
      if (!options.scale) {
        t.scaled = false;
        t.mean = 0;
        t.scale = 1;
        if (!t.impute) t.impute = mean;  // the mean still stands in for a missing value
      }
    }
    t.missing_indicator = known < x.size();
    out.push_back(std::move(t));
  }
  return Preprocessor(std::move(out));
}

void Preprocessor::transform(const double* raw, double* out) const {
  std::size_t j = 0;
  for (std::size_t f = 0; f < features_.size(); ++f) {
    const FeatureTransform& t = features_[f];
    const double v = raw[f];
    const bool missing = is_missing(v);
    if (t.column.type == ColumnType::Category) {
      const int level = missing ? t.reference : static_cast<int>(v);
      for (int l = 0; l < static_cast<int>(t.levels.size()); ++l) {
        if (l == t.reference) continue;
        out[j++] = l == level ? 1.0 : 0.0;
      }
    } else {
      out[j++] =
          missing ? (t.impute ? (*t.impute - t.mean) / t.scale : 0.0) : (v - t.mean) / t.scale;
    }
    if (t.missing_indicator) out[j++] = missing ? 1.0 : 0.0;
  }
}

Eigen::MatrixXd Preprocessor::transform_columns(const std::vector<std::vector<double>>& raw) const {
  std::vector<std::uint32_t> all(raw.empty() ? 0 : raw[0].size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
  return transform_rows(raw, all);
}

Eigen::MatrixXd Preprocessor::transform_rows(const std::vector<std::vector<double>>& raw,
                                             const std::vector<std::uint32_t>& rows) const {
  const std::size_t n = rows.size();
  Eigen::MatrixXd X(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(width_));
  Eigen::Index j = 0;
  for (std::size_t f = 0; f < features_.size(); ++f) {
    const FeatureTransform& t = features_[f];
    const auto& col = raw[f];
    const auto x = [&](std::size_t i) { return col[rows[i]]; };
    if (t.column.type == ColumnType::Category) {
      for (int l = 0; l < static_cast<int>(t.levels.size()); ++l) {
        if (l == t.reference) continue;
        for (std::size_t i = 0; i < n; ++i) {
          const int level = is_missing(x(i)) ? t.reference : static_cast<int>(x(i));
          X(static_cast<Eigen::Index>(i), j) = level == l ? 1.0 : 0.0;
        }
        ++j;
      }
    } else {
      const double stand_in = t.impute ? (*t.impute - t.mean) / t.scale : 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double v = x(i);
        X(static_cast<Eigen::Index>(i), j) = is_missing(v) ? stand_in : (v - t.mean) / t.scale;
      }
      ++j;
    }
    if (t.missing_indicator) {
      for (std::size_t i = 0; i < n; ++i)
        X(static_cast<Eigen::Index>(i), j) = is_missing(x(i)) ? 1.0 : 0.0;
      ++j;
    }
  }
  return X;
}

}  // namespace skon::models
