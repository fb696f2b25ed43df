// skon explain — one person's assessment as a card a professional can read (Danish by default,
// --lang en). The numbers are the ones `skon assess` writes to JSON, rounded for reading.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "assess_setup.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "skon/engine/assessment_writer.hpp"
#include "skon/models/cohort_reader.hpp"

namespace skon::cli {
namespace {

struct ExplainOptions {
  AssessInputs in;
  std::string id;
  std::vector<std::string> set;
  std::string lang = "da";
};

struct Words {
  const char* assessment;
  const char* person;
  const char* level;
  const char* model_band;
  const char* probability;
  const char* base_rate;
  const char* insufficient;
  const char* review_required;
  const char* review_not_required;
  const char* signs;
  const char* no_signs;
  const char* trace;
  const char* model;
  const char* because;
  const char* contributions;
  const char* baseline;
  const char* total;
  const char* others;
  const char* gaps;
  const char* guidance;
  const char* rules_above_model;
  const char* model_unexplained;
  const char* advisory;
  bool level_labels;  // the rule set's level labels are in its own language (Danish)
};

constexpr Words kDanish = {
    "Vurdering",
    "Person",
    "Niveau",
    "modellens bånd",
    "Sandsynlighed (model)",
    "basisrate i træningsdata",
    "For få data til en vurdering",
    "Skal gennemgås af en fagperson",
    "Kræver ikke gennemgang",
    "Tegn fra reglerne",
    "Ingen regler gav tegn",
    "Sådan blev niveauet til",
    "model",
    "fordi",
    "Modellens bidrag (log-odds i forhold til en gennemsnitlig ung)",
    "udgangspunkt",
    "i alt",
    "øvrige træk",
    "Manglende data",
    "Vejledning",
    "Bemærk: modellen vurderer risikoen lav, men reglerne har hævet niveauet.",
    "Bemærk: modellen vurderer risikoen høj, men ingen regel forklarer det.",
    "Vurderingen er vejledende og erstatter ikke en faglig vurdering.",
    true};
constexpr Words kEnglish = {
    "Assessment",
    "Person",
    "Level",
    "model band",
    "Probability (model)",
    "base rate in training data",
    "Insufficient data for an assessment",
    "Must be reviewed by a professional",
    "No review required",
    "Signs from the rules",
    "No rule raised a sign",
    "How the level came about",
    "model",
    "because",
    "Model contributions (log-odds relative to an average young person)",
    "baseline",
    "total",
    "other features",
    "Missing data",
    "Guidance",
    "Note: the model rates the risk low, but the rules raised the level.",
    "Note: the model rates the risk high, but no rule explains it.",
    "The assessment is advisory and does not replace a professional judgement.",
    false};

bool g_decimal_comma = true;  // Danish cards write 12,5 %

std::string decimal(const char* format, double v) {
  char b[32];
  std::snprintf(b, sizeof b, format, v);
  std::string s = b;
  if (g_decimal_comma) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string pct(double p) {
  return decimal("%.1f", 100 * p) + " %";
}

// Columns taken by `s`, counting code points, so Danish letters do not shift the numbers.
std::size_t columns(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t n = columns(s);
  return n >= width ? s : s + std::string(width - n, ' ');
}

// The parts in hundredths, rounded so that they add up to the rounded total exactly (largest
// remainder): the numbers on the card add up to the number on the card.
std::vector<long> round_to_total(const std::vector<double>& parts, double total) {
  std::vector<long> rounded(parts.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  long sum = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const double scaled = parts[i] * 100;
    rounded[i] = static_cast<long>(std::floor(scaled));
    sum += rounded[i];
    remainders.push_back({scaled - std::floor(scaled), i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  long missing = std::lround(total * 100) - sum;
  for (std::size_t k = 0; missing > 0 && k < remainders.size(); ++k, --missing)
    ++rounded[remainders[k].second];
  for (std::size_t k = remainders.size(); missing < 0 && k > 0; --k, ++missing)
    --rounded[remainders[k - 1].second];
  return rounded;
}

std::string signed_hundredths(long v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%c%ld.%02ld", v < 0 ? '-' : '+', std::labs(v) / 100,
                std::labs(v) % 100);
  std::string s = buffer;
  if (g_decimal_comma) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

void print_card(const Prepared& prep, const std::string& who, const engine::Assessment& a,
                const Words& w) {
  const dsl::Program& p = *prep.program;
  const dsl::PurposeInfo& purpose = p.purposes[prep.purpose];
  const engine::PurposeOutcome& o = a.outcome;
  const auto field_label = [&](dsl::Index f) {
    return p.fields[f].label.empty() ? p.fields[f].name : p.fields[f].label;
  };
  const std::vector<std::string> files = engine::rule_file_names(p);
  const auto level_name = [&](dsl::Index l) -> const std::string& {
    return w.level_labels ? p.level_labels[l] : p.levels[l];
  };
  const auto where = [&](const dsl::Span& s) {
    return files[s.file] + ":" + std::to_string(p.sources.file(s.file).line_col(s.begin).line);
  };
  std::printf("%s — %s (%s)\n", w.assessment,
              purpose.label.empty() ? purpose.name.c_str() : purpose.label.c_str(),
              purpose.name.c_str());
  std::printf("%s: %s\n\n", w.person, who.c_str());
  if (o.insufficient_data) {
    std::printf("%s.\n", w.insufficient);
  } else {
    std::printf("%s: %s", w.level, level_name(o.level).c_str());
    if (a.model_level != dsl::kNone)
      std::printf("  (%s: %s)", w.model_band, level_name(a.model_level).c_str());
    std::printf("\n");
    if (a.probability) {
      std::printf("%s: %s  (%s: %s)\n", w.probability, pct(*a.probability).c_str(), w.base_rate,
                  pct(prep.model->training.base_rate()).c_str());
    }
  }
  std::printf("%s\n", o.review_required ? w.review_required : w.review_not_required);
  for (const auto& r : o.review_reasons) std::printf("  - %s\n", r.c_str());
  if (a.disagreement == "rules_above_model") std::printf("%s\n", w.rules_above_model);
  if (a.disagreement == "model_unexplained") std::printf("%s\n", w.model_unexplained);

  if (!o.insufficient_data) {
    std::printf("\n%s:\n", o.flags.empty() ? w.no_signs : w.signs);
    for (const auto& f : o.flags) {
      const dsl::RuleInfo& r = p.rules[f.rule];
      std::printf("  • %s: %s   [%s]\n", r.label.empty() ? r.name.c_str() : r.label.c_str(),
                  f.text.c_str(), where(r.span).c_str());
    }
    std::printf("\n%s:\n", w.trace);
    for (const auto& s : o.trace) {
      if (s.rule == dsl::kNone) {
        std::printf("  %s: %s\n", w.model, level_name(s.to).c_str());
      } else {
        const dsl::RuleInfo& r = p.rules[s.rule];
        std::printf("  %s → %s: %s (%s, %s) %s \"%s\"\n", level_name(s.from).c_str(),
                    level_name(s.to).c_str(), r.label.empty() ? r.name.c_str() : r.label.c_str(),
                    r.name.c_str(), where(r.span).c_str(), w.because,
                    std::string(s.because).c_str());
      }
    }
    if (prep.model && !a.contributions.empty()) {
      std::printf("\n%s:\n", w.contributions);
      std::vector<std::string> labels{w.baseline};
      std::vector<double> parts{a.baseline};
      for (const auto& c : a.contributions) {
        labels.push_back(field_label(c.field));
        parts.push_back(c.log_odds);
      }
      if (a.others != 0) {
        labels.push_back(w.others);
        parts.push_back(a.others);
      }
      std::size_t width = std::string_view(w.total).size();
      for (const auto& l : labels) width = std::max(width, columns(l));
      const std::vector<long> hundredths = round_to_total(parts, a.log_odds);
      for (std::size_t i = 0; i < labels.size(); ++i) {
        std::printf("  %s %8s\n", pad(labels[i], width).c_str(),
                    signed_hundredths(hundredths[i]).c_str());
      }
      std::printf("  %s %8s  → %s\n", pad(w.total, width).c_str(),
                  signed_hundredths(std::lround(a.log_odds * 100)).c_str(),
                  a.probability ? pct(*a.probability).c_str() : "–");
    }
  }
  if (!o.missing_fields.empty()) {
    std::printf("\n%s: ", w.gaps);
    for (std::size_t i = 0; i < o.missing_fields.size(); ++i) {
      std::printf("%s%s", i ? ", " : "", field_label(o.missing_fields[i]).c_str());
    }
    std::printf("\n");
  }
  if (!o.guidance.empty())
    std::printf("\n%s:\n%.*s\n", w.guidance, static_cast<int>(o.guidance.size()),
                o.guidance.data());
  std::printf("\n%s\n", w.advisory);
}

int run_explain(ExplainOptions& opt) {
  opt.in.reveal_ids = true;  // one person, asked for by a professional who knows who it is
  Prepared prep;
  if (const int rc = prepare_assessment(opt.in, prep); rc != kExitOk) return rc;
  const Words& w = opt.lang == "en" ? kEnglish : kDanish;
  g_decimal_comma = opt.lang != "en";
  const auto& fields = prep.assessor->input_fields();
  std::vector<double> values(fields.size(), models::kMissing);
  std::string who;
  if (!opt.set.empty()) {
    who = opt.lang == "en" ? "(values given on the command line)"
                           : "(værdier givet på kommandolinjen)";
    const models::ReadOptions read = opt.in.data_options.to_read_options("");
    for (const auto& assignment : opt.set) {
      const auto eq = assignment.find('=');
      const std::string name = assignment.substr(0, eq);
      const auto it = std::find_if(fields.begin(), fields.end(), [&](dsl::Index f) {
        return prep.program->fields[f].name == name;
      });
      if (eq == std::string::npos || it == fields.end()) {
        std::fprintf(
            stderr, "skon explain: --set %s: expected FIELD=VALUE for a field purpose '%s' reads\n",
            assignment.c_str(), opt.in.purpose.c_str());
        return kExitUsage;
      }
      const std::size_t slot = static_cast<std::size_t>(it - fields.begin());
      std::string expected;
      if (!models::parse_cell(assignment.substr(eq + 1), prep.columns[slot + 1], read, values[slot],
                              expected)) {
        std::fprintf(stderr, "skon explain: --set %s: expected %s\n", assignment.c_str(),
                     expected.c_str());
        return kExitInput;
      }
    }
  } else {
    if (opt.in.data.empty() || opt.id.empty()) {
      std::fprintf(stderr, "skon explain: give --data FILE --id ID, or --set FIELD=VALUE ...\n");
      return kExitUsage;
    }
    models::CohortReader reader(opt.in.data, prep.columns, opt.in.data_options.to_read_options(""));
    models::Row row;
    bool found = false;
    while (reader.next(row)) {
      if (row.texts[0] == opt.id) {
        std::copy(row.values.begin() + 1, row.values.end(), values.begin());
        found = true;
        break;
      }
    }
    if (!found) {
      std::fprintf(stderr, "skon explain: no row with %s = the given id in %s\n",
                   opt.in.id_column.c_str(), opt.in.data.c_str());
      return kExitInput;
    }
    who = opt.id;
  }
  engine::Assessment a;
  prep.assessor->assess(values, a);
  print_card(prep, who, a, w);
  return kExitOk;
}

}  // namespace

void setup_explain(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<ExplainOptions>();
  CLI::App* sub = app.add_subcommand("explain", "one person's explanation as a readable card");
  add_assess_inputs(*sub, opt->in);
  sub->add_option("--data", opt->in.data, "cohort file to find the person in");
  sub->add_option("--id", opt->id, "the person's id in --id-column");
  sub->add_option("--set", opt->set, "FIELD=VALUE instead of a data file (repeatable)");
  sub->add_option("--lang", opt->lang, "da (default) or en")
      ->check(CLI::IsMember({"da", "en"}))
      ->capture_default_str();
  sub->callback([opt, &table] { table.selected = [opt] { return run_explain(*opt); }; });
}

}  // namespace skon::cli
