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

namespace {

std::int32_t assessment_date(const std::string& given) {
  const auto clock = base::system_clock().today();
  if (given.empty()) return clock;
  const auto d = base::parse_iso_date(given);
  if (!d) {
    throw base::UsageError("--today: '" + given +
                           "' is not a date; give it as YYYY-MM-DD, e.g. 2026-08-15");
  }
  // A replay assesses as of a past day; a future day would run a purpose before its approval.
  if (*d > clock) {
    throw base::UsageError("--today " + given + " is later than today (" +
                           base::format_iso_date(clock) +
                           "): a replay assesses as of a day that has been");
  }
  return *d;
}

}  // namespace

std::string read_key(const RunArguments& args) {
  std::string key;
  if (!args.id_key_file.empty()) {
    std::ifstream f(args.id_key_file, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    key = ss.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (!f || key.empty()) {
      throw base::InputError("cannot read a key from '" + args.id_key_file +
                             "'; it should hold the secret key for pseudonyms (at least 16 "
                             "bytes)");
    }
  } else if (const char* env = std::getenv("SKON_ID_KEY"); env != nullptr && *env != '\0') {
    key = env;
  } else {
    throw base::UsageError(
        "ids are pseudonymized with a secret key (in the output unless --reveal-ids, and always "
        "in the audit log): give --id-key-file FILE or set SKON_ID_KEY; make a key with: "
        "od -An -tx1 -N32 /dev/urandom | tr -d ' \\n' > pseudonym.key");
  }
  if (key.size() < 16) {
    throw base::UsageError("the pseudonymization key must be at least 16 bytes");
  }
  // A key anyone could guess (all zeros, "aaaa...", "password12345678") makes pseudonyms
  // reversible by trying every CPR number. Its bytes' empirical entropy must reach 64 bits.
  std::array<std::size_t, 256> counts{};
  for (unsigned char c : key) ++counts[c];
  double bits = 0;
  for (std::size_t n : counts) {
    if (n == 0) continue;
    const double p = static_cast<double>(n) / static_cast<double>(key.size());
    bits -= static_cast<double>(n) * std::log2(p);
  }
  if (bits < 64) {
    throw base::UsageError(
        "the pseudonymization key is too easy to guess (about " + std::to_string(int(bits)) +
        " bits); make a random one: od -An -tx1 -N32 /dev/urandom | tr -d ' \\n' > pseudonym.key");
  }
  if (!args.id_key_file.empty()) {
    struct stat st {};
    if (::stat(args.id_key_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      spdlog::warn("the key file '{}' can be read by others than its owner; chmod 600 it",
                   args.id_key_file);
    }
  }
  return key;
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

std::unique_ptr<dsl::Program> load_checked_rules(const std::vector<std::string>& paths,
                                                 std::string_view verb) {
  dsl::DiagnosticBag bag;
  auto program = load_rules(paths, bag);
  if (bag.has_errors()) {
    print_diagnostics(bag, program->sources, DiagnosticOutput{}, stderr);
    throw base::InputError("the rule files have errors; nothing was " + std::string(verb));
  }
  return program;
}

dsl::Index find_purpose(const dsl::Program& program, const std::string& name) {
  const dsl::Index pi = program.find_purpose(name);
  if (pi != dsl::kNone) return pi;
  std::vector<std::string> names;
  for (const auto& p : program.purposes) names.push_back(p.name);
  const auto s = dsl::closest_match(name, names);
  throw base::InputError("no purpose '" + name + "' in the rule files" +
                         (s ? "; did you mean '" + *s + "'?" : std::string()));
}

LoadedRun load_run(const RunArguments& args, engine::RunOptions options, bool with_key,
                   bool key_even_if_revealed) {
  options.assessment_date = assessment_date(args.today);
  options.date_given = !args.today.empty();
  options.language = *engine::parse_language(args.lang);
  options.reveal_ids = !with_key || args.reveal_ids;
  if (!options.reveal_ids || key_even_if_revealed) options.id_key = read_key(args);

  LoadedRun loaded;
  loaded.program = load_checked_rules(args.rules, "assessed");
  // Column bindings come from the reviewed rule files; a mapping file may rename headers but
  // never point a field at another field's column.
  if (!args.data_options.mapping.empty()) {
    const auto header_for = models::read_header_map(args.data_options.mapping);
    engine::check_column_bindings(*loaded.program, header_for);
    options.column_for = header_for;
  }
  engine::RunInputs inputs;
  inputs.program = loaded.program.get();
  inputs.purpose = find_purpose(*loaded.program, args.purpose);
  if (!args.model.empty()) {
    loaded.model = std::make_unique<models::LogisticModel>(
        models::load_model(args.model, &inputs.model_sha256));
    inputs.model = loaded.model.get();
  }
  dsl::DiagnosticBag constraints;
  loaded.run = engine::Run::prepare(std::move(inputs), std::move(options), constraints);
  if (!loaded.run) {
    print_diagnostics(constraints, loaded.program->sources, DiagnosticOutput{}, stderr);
    throw base::InputError("purpose '" + args.purpose +
                           "' may not be assessed; nothing was written");
  }
  return loaded;
}

}  // namespace skon::cli
