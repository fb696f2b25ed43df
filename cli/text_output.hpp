#pragma once

// A command's whole text output, to a file written atomically or, for "-", to standard output.

#include <string>

namespace skon::cli {

void write_text_output(const std::string& path, const std::string& text);

}  // namespace skon::cli
