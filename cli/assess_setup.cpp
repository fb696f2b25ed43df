#include "assess_setup.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "diagnostics_output.hpp"
#include "exit_codes.hpp"
#include "skon/dsl/date.hpp"
#include "skon/dsl/suggest.hpp"
#include "skon/engine/columns.hpp"
#include "skon/engine/constraints.hpp"

namespace skon::cli {

void add_assess_inputs(CLI::App& sub, AssessInputs& in) {
  sub.add_option("--rules", in.rules, "rule files or directories")->required();
  sub.add_option("--purpose", in.purpose, "the purpose to assess under")->required();
  sub.add_option("--model", in.model, "the purpose's model file");
  sub.add_option("--id-column", in.id_column, "column with the person's id")->capture_default_str();
  sub.add_option(
      "--id-key-file", in.id_key_file,
      "file with the key for pseudonymous ids (else the SKON_ID_KEY environment variable)");
  sub.add_flag("--reveal-ids", in.reveal_ids, "write raw ids instead of pseudonyms");
  sub.add_option("--today", in.today,
                 "assessment date YYYY-MM-DD for the purpose's effective period (default: today)");
  in.data_options.add_to(sub);
}

namespace {

std::int32_t today_days(const std::string& given) {
  if (!given.empty()) {
    if (const auto d = dsl::parse_iso_date(given)) return *d;
    throw std::invalid_argument("--today: '" + given + "' is not a date YYYY-MM-DD");
  }
  return static_cast<std::int32_t>(std::time(nullptr) / 86400);
}

}  // namespace

int prepare_assessment(AssessInputs& in, Prepared& out) {
  dsl::DiagnosticBag bag;
  out.program = load_rules(in.rules, bag);
  if (bag.has_errors()) {
    print_diagnostics(bag, out.program->sources, DiagnosticOutput{}, stderr);
    std::fprintf(stderr, "skon: the rule files have errors; nothing was assessed\n");
    return kExitInput;
  }
  out.purpose = out.program->find_purpose(in.purpose);
  if (out.purpose == dsl::kNone) {
    std::vector<std::string> names;
    for (const auto& p : out.program->purposes) names.push_back(p.name);
    const auto s = dsl::closest_match(in.purpose, names);
    std::fprintf(stderr, "skon: no purpose '%s'%s\n", in.purpose.c_str(),
                 s ? ("; did you mean '" + *s + "'?").c_str() : "");
    return kExitInput;
  }
  if (!in.model.empty()) {
    out.model =
        std::make_unique<models::LogisticModel>(models::load_model(in.model, &out.model_sha256));
  }
  dsl::DiagnosticBag constraints;
  if (!engine::enforce_constraints(*out.program, out.purpose, out.model.get(), out.model_sha256,
                                   today_days(in.today), constraints)) {
    print_diagnostics(constraints, out.program->sources, DiagnosticOutput{}, stderr);
    std::fprintf(stderr, "skon: purpose '%s' may not be assessed; nothing was written\n",
                 in.purpose.c_str());
    return kExitInput;
  }
  if (!in.reveal_ids) {
    if (!in.id_key_file.empty()) {
      std::ifstream f(in.id_key_file, std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      in.id_key = ss.str();
      while (!in.id_key.empty() && (in.id_key.back() == '\n' || in.id_key.back() == '\r'))
        in.id_key.pop_back();
      if (!f || in.id_key.empty()) {
        std::fprintf(stderr, "skon: cannot read a key from '%s'\n", in.id_key_file.c_str());
        return kExitInput;
      }
    } else if (const char* env = std::getenv("SKON_ID_KEY"); env != nullptr && *env != '\0') {
      in.id_key = env;
    } else {
      std::fprintf(stderr,
                   "skon: ids are pseudonymized with a secret key: give --id-key-file FILE or set "
                   "SKON_ID_KEY (or --reveal-ids to write raw ids)\n");
      return kExitUsage;
    }
    if (in.id_key.size() < 16) {
      std::fprintf(stderr, "skon: the pseudonymization key must be at least 16 bytes\n");
      return kExitUsage;
    }
  }
  out.assessor = std::make_unique<engine::Assessor>(*out.program, out.purpose, out.model.get());
  out.columns.push_back({in.id_column, models::ColumnType::Text, {}, {}, {}, "", ""});
  for (dsl::Index f : out.assessor->input_fields())
    out.columns.push_back(engine::column_spec(*out.program, f));
  return kExitOk;
}

}  // namespace skon::cli
