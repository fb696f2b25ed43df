#include "file_checks.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "skon/base/atomic_file.hpp"
#include "skon/base/errors.hpp"

namespace skon::cli {

void refuse_output_over_input(const std::vector<std::string>& outputs,
                              const std::vector<std::string>& inputs) {
  for (const std::string& out : outputs) {
    if (out.empty() || out == "-") continue;
    for (const std::string& in : inputs) {
      if (in.empty() || in == "-" || !base::same_file(out, in)) continue;
      throw base::InputError("the output '" + out + "' is the input '" + in +
                             "': writing it would destroy the input; choose another file");
    }
  }
}

void warn_about_stale_temporaries(const std::string& output) {
  if (output.empty() || output == "-") return;
  for (const auto& stale : base::stale_temporary_files(output)) {
    spdlog::warn(
        "'{}' was left by an interrupted run (it may hold personal data); remove it when no skon "
        "runs on '{}'",
        stale.string(), output);
  }
}

std::vector<std::string> rule_file_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec)) {
        if (e.path().extension() == ".skon") files.push_back(e.path().string());
      }
    } else {
      files.push_back(p);
    }
  }
  return files;
}

}  // namespace skon::cli
