#pragma once

// The transformation from a cohort's raw values to the model's design matrix, fitted on training
// data, stored in the model file and applied identically when scoring:
//   number, bool, date -> standardized (x - mean) / sd, sd as numpy's default (ddof = 0), or
//                         left as they are (PreprocessOptions::scale off);
//   category           -> one column per non-reference level (0/1), reference = most frequent
//                         (or the first, or one named);
//   missing values     -> imputed with the training mean (or median, or a constant) for numbers,
//                         the reference for categories, plus a 0/1 missing-indicator column when
//                         the training data had gaps.

#include <Eigen/Dense>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skon/models/schema.hpp"

namespace skon::models {

struct FeatureTransform {
  ColumnSpec column;
  // number / bool / date: (x - mean) / scale; mean 0 and scale 1 when not scaled
  double mean = 0;
  double scale = 1;
  bool scaled = true;
  std::optional<double> impute;  // a missing value's stand-in; absent: the mean
  // category
  std::vector<std::string> levels;  // as in the data dictionary
  int reference = 0;                // index of the reference level (no column of its own)
  bool missing_indicator = false;

  // Design columns this feature produces, in order.
  std::size_t width() const;
};

// The analyst's preprocessing choices (`skon train --impute --reference --scale`), recorded in
// the model file through the transforms they give.
struct PreprocessOptions {
  enum class Impute : std::uint8_t { Mean, Median, Constant };
  Impute impute = Impute::Mean;
  double constant = 0;
  enum class Reference : std::uint8_t { MostFrequent, First };
  Reference reference = Reference::MostFrequent;
  std::map<std::string, std::string> reference_for;  // field -> its named reference value
  bool scale = true;
  std::string describe() const;  // in words, for the card
};

class Preprocessor {
 public:
  Preprocessor() = default;
  explicit Preprocessor(std::vector<FeatureTransform> features);

  // Fits the transforms to raw training columns (one vector per column spec, NaN = missing).
  static Preprocessor fit(const std::vector<ColumnSpec>& columns,
                          const std::vector<std::vector<double>>& raw);
  // The same over the rows listed in `rows` only (no copy of the data).
  static Preprocessor fit(const std::vector<ColumnSpec>& columns,
                          const std::vector<std::vector<double>>& raw,
                          const std::vector<std::uint32_t>& rows,
                          const PreprocessOptions& options = {});

  const std::vector<FeatureTransform>& features() const { return features_; }
  std::size_t width() const { return width_; }
  // Name of every design column ("absence_pct", "sex=male", "absence_pct:missing").
  const std::vector<std::string>& column_names() const { return names_; }
  // The feature (index into features()) each design column belongs to.
  const std::vector<std::size_t>& column_feature() const { return owner_; }

  // Writes the design row for one record; `raw[i]` is the value of features()[i].
  void transform(const double* raw, double* out) const;
  // Builds the whole design matrix (n x width, column-major) from raw columns.
  Eigen::MatrixXd transform_columns(const std::vector<std::vector<double>>& raw) const;
  // The design matrix of the rows listed in `rows`.
  Eigen::MatrixXd transform_rows(const std::vector<std::vector<double>>& raw,
                                 const std::vector<std::uint32_t>& rows) const;

 private:
  void index();
  std::vector<FeatureTransform> features_;
  std::vector<std::string> names_;
  std::vector<std::size_t> owner_;
  std::size_t width_ = 0;
};

}  // namespace skon::models
