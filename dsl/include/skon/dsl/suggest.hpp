#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skon::dsl {

// Damerau-Levenshtein (optimal string alignment) distance, in bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` for a "did you mean" hint, or nothing when no candidate is
// plausibly a typo of it (distance above about a third of the word's length). Ties go to the
// earliest candidate, so the answer is deterministic.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace skon::dsl
