#pragma once

// What `skon evaluate` shows: a model's, or a purpose's score's, quality on a cohort with
// outcomes (models/evaluate.hpp) — as text and as JSON.

#include <cstddef>
#include <string>

#include "skon/models/evaluate.hpp"

namespace skon::engine {

// What was measured, on what, as the user named them.
struct EvaluationHeading {
  std::string model, model_sha256;          // a model file ("" for a score)
  std::string purpose;                      // the model's purpose, or the score's
  std::string score_field;                  // a score: the field it is read from
  std::size_t gates = 0, gates_failed = 0;  // a score: the purpose's quality gates
  std::string data;
  double capacity_pct = 10;
  double threshold = -1;  // < 0: none asked for
};

std::string evaluation_json(const EvaluationHeading& heading, const models::Evaluation& e);
std::string evaluation_text(const EvaluationHeading& heading, const models::Evaluation& e);

}  // namespace skon::engine
