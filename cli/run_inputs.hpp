#pragma once

// The options `assess` and `explain` share, and turning them into the engine's run: the rules,
// purpose, model, assessment date and pseudonym key, loaded and checked before any record is read.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "data_options.hpp"
#include "skon/core/run_setup.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"

namespace skon::cli {

struct RunArguments {
  std::vector<std::string> rules;
  std::string purpose;
  std::string model;
  std::string id_column = "id";
  std::string id_key_file;
  bool reveal_ids = false;
  std::string today;  // YYYY-MM-DD; default: the current date (UTC)
  std::string lang = "da";
  DataOptions data_options;
};

void add_run_arguments(CLI::App& sub, RunArguments& args);

using engine::LoadedRun;

// Loads the rules and model and prepares the run (the constraints are checked then). Prints
// diagnostics and throws base::InputError when the rules have errors or the purpose may not be
// assessed; base::UsageError for a bad date or a missing key. `with_key`: pseudonyms are made.
// `key_even_if_revealed`: the key is needed anyway (the audit log's pseudonyms).
LoadedRun load_run(const RunArguments& args, engine::RunOptions options, bool with_key,
                   bool key_even_if_revealed = false);

// The engine's run setup (core/run_setup.hpp) with the diagnostics printed to stderr.
std::unique_ptr<dsl::Program> load_checked_rules(const std::vector<std::string>& paths,
                                                 std::string_view verb);

// The pseudonym key: --id-key-file, else $SKON_ID_KEY; UsageError when there is none or it is
// short or guessable, InputError when the file cannot be read.
std::string read_key(const RunArguments& args);

dsl::Index find_purpose(const dsl::Program& program, const std::string& name);

// Rules, one purpose of them and its model (when `model` is given): engine::load_purpose with the
// diagnostics printed to stderr.
engine::LoadedPurpose load_purpose(const std::vector<std::string>& rules,
                                   const std::string& purpose, const std::string& model,
                                   std::string_view verb);

// "-" or a pipe as --data, where the input must be read more than once (training).
void refuse_stream_data(const std::string& data);

}  // namespace skon::cli
