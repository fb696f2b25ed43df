#pragma once

// What `skon train` prints once the model and its card are written.

#include <string>

#include "skon/dsl/program.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {

struct TrainingHeading {
  std::string model_path;    // as the user gave it (-o)
  std::string rejects_path;  // where skipped rows' reasons went
  double seconds = 0;        // the fit's wall time
};

std::string training_text(const TrainingHeading& heading, const dsl::Program& program,
                          dsl::Index purpose, const models::TrainReport& report);

}  // namespace skon::engine
