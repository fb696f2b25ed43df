#pragma once

// The explanation card: one assessment as a professional reads it, in Danish or English. The
// engine's own words come from the message catalogue; what the rule authors wrote (labels, flag
// texts, reasons, guidance) appears as written. The numbers are the assessment's, rounded for
// reading so that the contributions shown add up to the total shown.

#include <string>
#include <string_view>
#include <vector>

#include "skon/core/assessor.hpp"
#include "skon/core/messages.hpp"

namespace skon::engine {

// `person` names whom the card is about (an id, or the catalogue's CardValuesGiven). A replay's
// card says the day it was assessed as of (`replay`).
// With `values` (the record, in the assessor's input_fields order) each contribution shows the
// person's value beside the typical one.
std::string render_card(const Assessor& assessor, const Assessment& assessment,
                        std::string_view person, Language language, bool replay = false,
                        const std::vector<double>* values = nullptr);

}  // namespace skon::engine
