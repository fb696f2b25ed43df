#pragma once

// Checks on the files a command writes, made before it reads anything: an output must not be one
// of its inputs, and temporary files that a killed run left beside an output are named.

#include <string>
#include <vector>

namespace skon::cli {

// Throws base::InputError when an output (e.g. -o) is the same file as an input (the cohort,
// the model, a rule file, the key, the mapping file): writing it would destroy the input.
// "-" and names that do not exist yet never clash.
void refuse_output_over_input(const std::vector<std::string>& outputs,
                              const std::vector<std::string>& inputs);

// Logs a warning naming temporary files that a process which no longer runs left beside
// `output` (after SIGKILL nothing could remove them; they may hold personal data).
void warn_about_stale_temporaries(const std::string& output);

// The rule files under `paths` (files, or directories searched for *.skon).
std::vector<std::string> rule_file_paths(const std::vector<std::string>& paths);

}  // namespace skon::cli
