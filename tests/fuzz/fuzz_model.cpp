// libFuzzer target: model files. A file is loaded whole or refused with an InputError; a model
// that loads scores and explains a record of missing values and one of zeros.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "skon/models/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const skon::models::LogisticModel m = skon::models::model_from_json_text(text, "fuzz.json");
    const std::size_t n = m.preprocessor.features().size();
    for (double v : {std::numeric_limits<double>::quiet_NaN(), 0.0}) {
      const std::vector<double> raw(n, v);
      skon::models::LogisticModel::Scratch scratch;
      const double p = m.score(raw.data(), scratch).probability;
      if (!(p >= 0 && p <= 1)) __builtin_trap();  // a loaded model gives probabilities
      m.explain(raw.data());
    }
  } catch (const skon::base::InputError&) {
  }
  return 0;
}
