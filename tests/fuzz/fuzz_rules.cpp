// libFuzzer target: rule text through the whole front end and the compiled plan. Whatever parses
// and checks must also format to text that parses to the same tree, run its tests, and assess
// records of missing, zero and extreme values — without a crash, a hang or a sanitizer report.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "skon/core/assessor.hpp"
#include "skon/core/test_runner.hpp"
#include "skon/dsl/format.hpp"
#include "skon/dsl/program.hpp"

using namespace skon;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  dsl::DiagnosticBag bag;
  auto program = dsl::load_program_text("fuzz.skon", text, bag);
  if (bag.has_errors()) return 0;
  dsl::check_program(*program, bag);
  if (bag.has_errors()) return 0;

  // Formatting is the identity on meaning: the formatted text parses and checks cleanly.
  const std::string formatted = dsl::format_module(program->modules[0], program->sources);
  dsl::DiagnosticBag again;
  auto reparsed = dsl::load_program_text("fuzz.skon", formatted, again);
  if (!again.has_errors()) dsl::check_program(*reparsed, again);
  if (again.has_errors()) __builtin_trap();  // the formatter broke a valid rule set

  engine::run_tests(*program, skon::base::system_clock());
  for (dsl::Index p = 0; p < program->purposes.size(); ++p) {
    const engine::Assessor assessor(engine::AssessorSetup{
        &*program, p, nullptr, engine::Language::Danish, 20454 /* 2026-01-01 */});
    const std::size_t width = assessor.input_fields().size();
    for (double v : {std::numeric_limits<double>::quiet_NaN(), 0.0, 1e300, -1e300}) {
      std::vector<double> values(width, v);
      engine::Assessment a;
      assessor.assess(values, a, 0.5);
    }
  }
  return 0;
}
