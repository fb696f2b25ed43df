#pragma once

#include <string_view>

namespace skon::engine {

// The project version, e.g. "0.1.0"; what assessments and model files record as tool version.
std::string_view version();
// The version plus `git describe` of the build's checkout when known, e.g. "0.1.0 (a1b2c3d)".
std::string_view version_with_build();

}  // namespace skon::engine
