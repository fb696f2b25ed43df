#pragma once

// A model for the prelude's purpose (support/rules.hpp), trained on synthetic data in which
// absence raises the risk and exit exams lower it: for tests that need a real model file.

#include <cmath>
#include <fstream>
#include <random>

#include "skon/core/columns.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/train.hpp"
#include "support/temp_path.hpp"

namespace skon::test {

// `features` 1: absence_pct (field 0); 2: also exams_taken (field 1).
inline models::LogisticModel train_absence_model(const dsl::Program& program, int features = 1) {
  const std::filesystem::path csv = temp_path("absence_train.csv");
  {
    std::ofstream out(csv);
    out << "absence_pct,exams_taken,outcome\n";
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < 4000; ++i) {
      const double a = std::floor(u(rng) * 40);
      const int exams = u(rng) < 0.9 ? 1 : 0;
      out << a << "," << exams << ","
          << (u(rng) < 1 / (1 + std::exp(-(-2 + 0.1 * a - exams))) ? 1 : 0) << "\n";
    }
  }
  models::TrainSpec spec;
  spec.purpose = "ew";
  spec.data_path = csv.string();
  for (dsl::Index f = 0; f < static_cast<dsl::Index>(features); ++f) {
    spec.features.push_back(engine::column_spec(program, f));
    spec.directions.push_back(0);
  }
  spec.target = "outcome";
  spec.created = "2026-11-26T00:00:00Z";
  spec.tool_version = "test";
  models::LogisticModel model = models::train_model(spec).model;
  std::filesystem::remove(csv);
  return model;
}

}  // namespace skon::test
