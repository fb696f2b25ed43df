#include "run_inputs.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "diagnostics_output.hpp"
#include "skon/base/clock.hpp"
#include "skon/base/date.hpp"
#include "skon/base/keys.hpp"
#include "skon/core/columns.hpp"
#include "skon/dsl/suggest.hpp"

namespace skon::cli {

void add_run_arguments(CLI::App& sub, RunArguments& args) {
  sub.add_option("--rules", args.rules, "rule files or directories")->required();
  sub.add_option("--purpose", args.purpose, "the purpose to assess under")->required();
  sub.add_option("--model", args.model, "the purpose's model file");
  sub.add_option("--id-column", args.id_column, "column with the person's id")
      ->capture_default_str();
  sub.add_option("--id-key-file", args.id_key_file,
                 "file with the key for pseudonymous ids (else the SKON_ID_KEY environment "
                 "variable)");
  sub.add_flag("--reveal-ids", args.reveal_ids, "write raw ids instead of pseudonyms");
  sub.add_option("--today", args.today,
                 "assessment date YYYY-MM-DD for the purpose's effective period (default: today); "
                 "recorded in the manifest as a replay");
  sub.add_option("--lang", args.lang,
                 "da or en: the language of the words skon adds (rule texts stay as written)")
      ->check(CLI::IsMember({"da", "en"}))
      ->capture_default_str();
  args.data_options.add_to(sub);
}

std::string read_key(const RunArguments& args) {
  constexpr const char* kWhat = "the pseudonymization key";
  std::string key;
  if (!args.id_key_file.empty()) {
    key = base::read_secret_key(args.id_key_file, kWhat);
    if (base::readable_by_others(args.id_key_file)) {
      spdlog::warn("the key file '{}' can be read by others than its owner; chmod 600 it",
                   args.id_key_file);
    }
    return key;
  }
  if (const char* env = std::getenv("SKON_ID_KEY"); env != nullptr && *env != '\0') {
    base::check_secret_key(env, kWhat);
    return env;
  }
  throw base::UsageError(
      "ids are pseudonymized with a secret key (in the output unless --reveal-ids, and always "
      "in the audit log): give --id-key-file FILE or set SKON_ID_KEY; make a key with: "
      "od -An -tx1 -N32 /dev/urandom | tr -d ' \\n' > pseudonym.key");
}

void refuse_stream_data(const std::string& data) {
  std::error_code ec;
  const bool stream = data == "-" || (std::filesystem::exists(data, ec) &&
                                      !std::filesystem::is_regular_file(data, ec));
  if (!stream) return;  // a file, or a name that does not exist (reported when it is opened)
  throw base::UsageError("--data " + data +
                         ": training reads the cohort more than once, which standard input or "
                         "a pipe cannot give; save it to a file and give its name");
}

namespace {

void print(const dsl::DiagnosticBag& bag, const dsl::SourceMap& sources) {
  print_diagnostics(bag, sources, DiagnosticOutput{}, stderr);
}

}  // namespace

std::unique_ptr<dsl::Program> load_checked_rules(const std::vector<std::string>& paths,
                                                 std::string_view verb) {
  return engine::load_checked_rules(paths, verb, print);
}

dsl::Index find_purpose(const dsl::Program& program, const std::string& name) {
  return engine::find_purpose(program, name);
}

engine::LoadedPurpose load_purpose(const std::vector<std::string>& rules,
                                   const std::string& purpose, const std::string& model,
                                   std::string_view verb) {
  return engine::load_purpose(rules, purpose, model, verb, print);
}

LoadedRun load_run(const RunArguments& args, engine::RunOptions options, bool with_key,
                   bool key_even_if_revealed) {
  engine::RunSetup setup;
  setup.rules = args.rules;
  setup.purpose = args.purpose;
  setup.model = args.model;
  setup.mapping = args.data_options.mapping;
  setup.today = args.today;
  setup.language = args.lang;
  setup.reveal_ids = !with_key || args.reveal_ids;
  // The date is checked before the key is asked for, as a user reads the options.
  engine::assessment_date(args.today, *options.today_clock);
  if (!setup.reveal_ids || key_even_if_revealed) setup.id_key = read_key(args);
  return engine::prepare_run(setup, std::move(options), print);
}

}  // namespace skon::cli
