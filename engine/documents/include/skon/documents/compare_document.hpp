#pragma once

// What `skon compare` shows: its result as text and JSON, and the decision paper.

#include <string>

#include "skon/documents/document.hpp"
#include "skon/studies/compare.hpp"

namespace skon::engine {

// As JSON text (indented, one trailing newline).
std::string compare_json(const CompareResult& result);
std::string compare_text(const CompareResult& result);

// The decision paper: per scenario what it uses, gains (with uncertainty) and costs, structured
// as a fundamental-rights impact assessment (AI Act Art. 27) with the Dutch IAMA's why / what /
// how; what the measurements cannot answer is asked of the working group.
Document decision_paper(const dsl::Program& program, const CompareResult& result,
                        Language language);

}  // namespace skon::engine
