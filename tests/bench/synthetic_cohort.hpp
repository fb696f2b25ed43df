#pragma once

// The seeded synthetic cohort the benchmarks share until `skon generate` exists: 20 numbers,
// 3 bools, 2 categories, an id, the outcome and a cohort year.

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "skon/models/schema.hpp"

namespace skon::bench {

inline std::vector<models::ColumnSpec> cohort_features() {
  std::vector<models::ColumnSpec> f;
  for (int i = 0; i < 20; ++i)
    f.push_back({"x" + std::to_string(i), models::ColumnType::Number, {}, {}, {}, "s", ""});
  for (int i = 0; i < 3; ++i)
    f.push_back({"b" + std::to_string(i), models::ColumnType::Bool, {}, {}, {}, "s", ""});
  f.push_back(
      {"track", models::ColumnType::Category, {}, {}, {"stx", "hhx", "htx", "eux"}, "s", ""});
  f.push_back(
      {"region", models::ColumnType::Category, {}, {}, {"north", "middle", "south"}, "s", ""});
  return f;
}

inline void write_cohort(const std::string& path, std::size_t rows) {
  std::mt19937_64 rng(20261126);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  std::FILE* out = std::fopen(path.c_str(), "w");
  std::fputs("id", out);
  for (const auto& c : cohort_features()) std::fprintf(out, ",%s", c.name.c_str());
  std::fputs(",outcome,cohort_year\n", out);
  const char* tracks[] = {"stx", "hhx", "htx", "eux"};
  const char* regions[] = {"north", "middle", "south"};
  for (std::size_t r = 0; r < rows; ++r) {
    double eta = -1.5;
    std::fprintf(out, "%zu", r);
    for (int i = 0; i < 20; ++i) {
      const double x = std::round((10 + 3 * normal(rng)) * 100) / 100;
      eta += (i % 3 == 0 ? 0.15 : i % 3 == 1 ? -0.1 : 0.02) * (x - 10);
      std::fprintf(out, ",%.2f", x);
    }
    for (int i = 0; i < 3; ++i) {
      const bool b = u(rng) < 0.2 + 0.1 * i;
      eta += b ? 0.4 : 0;
      std::fprintf(out, ",%d", b ? 1 : 0);
    }
    const int track = static_cast<int>(u(rng) * 4), region = static_cast<int>(u(rng) * 3);
    eta += track == 3 ? 0.6 : 0;
    eta += region == 0 ? -0.2 : 0;
    const bool y = u(rng) < 1 / (1 + std::exp(-eta));
    std::fprintf(out, ",%s,%s,%d,%d\n", tracks[track], regions[region], y ? 1 : 0,
                 2019 + static_cast<int>(r % 5));
  }
  std::fclose(out);
}

}  // namespace skon::bench
