// Consent (`field x ... requires CONSENT`): the checker proves every read is guarded, and the
// engine withholds the value from anyone without consent — not read, not range-checked, not a
// gap — in both record formats and in the assessor itself.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "skon/core/assessor.hpp"
#include "skon/core/run.hpp"
#include "skon/core/sink.hpp"
#include "skon/models/record_source.hpp"
#include "support/rules.hpp"
#include "support/temp_path.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

const char* kConsentRules = R"(levels low, medium, high
role uu "UU"
source wellbeing "Trivsel" {
  holder school
  category ordinary
  legal_basis "Folkeskoleloven; samtykke"
  accessible_to uu
}
field absence_pct : number in 0..100 from wellbeing "Fravær"
field consent : bool from wellbeing "Samtykke"
field wellbeing : number in 1..5 from wellbeing requires consent "Trivsel"
purpose wf "Trivsel" {
  owner "UU"
  approved_by "Jurist"
  effective from 2026-01-01 to 2099-12-31
  roles uu
  sources wellbeing
  completeness at least 100 %
  review high_level required when level >= high because "Højt"
  review no_wellbeing required when consent and missing(wellbeing) because "Trivsel mangler"
  review no_absence required when missing(absence_pct) because "Fravær mangler"
}
rule low_wellbeing "Lav trivsel" in wf {
  when consent and wellbeing < 2
  flag "Trivsel {wellbeing}"
  raise level to high because "Lav trivsel"
}
rule absent "Fravær" in wf {
  when absence_pct > 10
  flag "Fravær"
}
)";

std::string rules_with(const std::string& rule) {
  return std::string(kConsentRules) + rule;
}

}  // namespace

TEST_CASE("consent: the checker accepts guarded reads and refuses unguarded ones") {
  CHECK(test::load(kConsentRules).codes().empty());
  // Unguarded, directly, through a let, under `or`, and under `not consent`.
  for (const char* when :
       {"wellbeing < 2", "absence_pct > 1 or wellbeing < 2", "not consent and wellbeing < 2",
        "(consent or absence_pct > 1) and wellbeing < 2"}) {
    const auto l = test::load(
        rules_with(std::string("rule r in wf {\n  when ") + when + "\n  flag \"x\"\n}\n"));
    INFO(when);
    CHECK(l.underlined("E0312") == "wellbeing");
  }
  const auto via_let = test::load(
      rules_with("let low = wellbeing < 2\nrule r in wf {\n  when low\n  flag \"x\"\n}\n"));
  CHECK(via_let.underlined("E0312") == "low");
  // A let that checks the consent itself is guarded wherever it is used; so is `consent == true`
  // and a nested conjunction.
  for (const char* ok :
       {"let low = consent and wellbeing < 2\nrule r in wf {\n  when low\n  flag \"x\"\n}\n",
        "rule r in wf {\n  when consent == true and wellbeing < 2\n  flag \"x\"\n}\n",
        "rule r in wf {\n  when absence_pct > 1 or (consent and wellbeing < 2)\n  flag "
        "\"x\"\n}\n"}) {
    INFO(ok);
    CHECK_FALSE(test::load(rules_with(ok)).has("E0312"));
  }
  // A flag text shows only when the condition holds: guarded by the condition's consent.
  CHECK(
      test::load(rules_with("rule r in wf {\n  when absence_pct > 50\n  flag \"{wellbeing}\"\n}\n"))
          .has("E0312"));
  // The consent must be a bool, and a consent-bound field cannot be a model feature.
  std::string not_bool = kConsentRules;
  not_bool.replace(not_bool.find("field consent : bool"), 20, "field consent : number");
  CHECK(test::load(not_bool).underlined("E0201") == "consent");
  std::string feature = kConsentRules;
  feature.insert(feature.find("  completeness"), "  features wellbeing\n");
  CHECK(test::load(feature).underlined("E0312") == "wellbeing");
}

TEST_CASE("consent: without it the value is withheld, no gap, and completeness does not count it") {
  const auto l = test::load(kConsentRules);
  REQUIRE_FALSE(l.bag.has_errors());
  const engine::Assessor assessor(engine::AssessorSetup{
      &*l.program, 0, nullptr, engine::Language::Danish, 20454 /* 2026-01-01 */});
  const auto& in = assessor.input_fields();
  const auto slot = [&](const char* name) {
    return static_cast<std::size_t>(std::find(in.begin(), in.end(), l.program->find_field(name)) -
                                    in.begin());
  };
  REQUIRE(in.size() == 3);
  std::vector<double> values(3);
  values[slot("absence_pct")] = 2;
  values[slot("wellbeing")] = 1.5;                        // low: would fire with consent
  for (const double consent : {0.0, models::kMissing}) {  // refused, or never recorded
    values[slot("consent")] = consent;
    engine::Assessment a;
    assessor.assess(values, a);
    const auto& o = a.outcome;
    CHECK_FALSE(o.insufficient_data);  // 100 % completeness, without the withheld field
    CHECK(o.completeness == 1.0);
    CHECK(o.flags.empty());
    CHECK(o.level == 0);
    CHECK_FALSE(o.review_required);
    CHECK(o.undecided.empty());
    CHECK(o.missing_fields.empty());
    CHECK(o.no_consent_fields == std::vector<dsl::Index>{l.program->find_field("wellbeing")});
  }
  values[slot("consent")] = 1;
  engine::Assessment a;
  assessor.assess(values, a);
  CHECK(a.outcome.flags.size() == 1);
  CHECK(a.outcome.flags[0].text == "Trivsel 1,5");
  CHECK(a.outcome.no_consent_fields.empty());
  // With consent and no value it is a gap, and the purpose's trigger asks for review.
  values[slot("wellbeing")] = models::kMissing;
  assessor.assess(values, a);
  CHECK(a.outcome.insufficient_data);
}

TEST_CASE("consent: the readers never parse or range-check a value without consent") {
  const auto l = test::load(kConsentRules);
  REQUIRE_FALSE(l.bag.has_errors());
  engine::RunInputs inputs;
  inputs.program = l.program.get();
  inputs.purpose = 0;
  engine::RunOptions options;
  options.assessment_date = 20600;
  options.reveal_ids = true;
  dsl::DiagnosticBag bag;
  auto run = engine::Run::prepare(inputs, options, bag);
  REQUIRE(run);
  // The value column comes first: its consent is read after it in the file, before it in the
  // reader. 9 and "lots" are out of range / not numbers: fine without consent, bad with it.
  const fs::path csv = test::temp_path("consent.csv");
  std::ofstream(csv) << "id,wellbeing,absence_pct,consent\n"
                        "a,9,1,false\n"
                        "b,lots,1,\n"
                        "c,1.5,1,true\n";
  const fs::path jsonl = test::temp_path("consent.jsonl");
  std::ofstream(jsonl) << R"({"wellbeing":9,"id":"a","absence_pct":1,"consent":false})"
                          "\n"
                       << R"({"wellbeing":"lots","id":"b","absence_pct":1})"
                          "\n"
                       << R"({"wellbeing":1.5,"id":"c","absence_pct":1,"consent":true})"
                          "\n";
  for (const fs::path& file : {csv, jsonl}) {
    INFO(file);
    auto source = models::open_records(file.string(), run->columns("id"), {});
    models::Row row;
    std::vector<std::vector<double>> values;
    while (source->next(row)) values.push_back(row.values);
    REQUIRE(values.size() == 3);
    CHECK(std::isnan(values[0][3]));  // columns: id, absence_pct, consent, wellbeing
    CHECK(std::isnan(values[1][3]));
    CHECK(values[2][3] == 1.5);
  }
  // With consent the same bad value is a data error, named by row and column.
  const fs::path bad = test::temp_path("consent_bad.csv");
  std::ofstream(bad) << "id,wellbeing,absence_pct,consent\na,9,1,true\n";
  auto source = models::open_records(bad.string(), run->columns("id"), {});
  models::Row row;
  try {
    source->next(row);
    FAIL("a bad value with consent was accepted");
  } catch (const base::InputError& e) {
    CHECK(std::string(e.what()).find("column 'wellbeing'") != std::string::npos);
  }
}

TEST_CASE("consent: a source's requires covers each of its fields but the consent itself") {
  std::string text = kConsentRules;
  const std::string own = " requires consent \"Trivsel\"";
  text.replace(text.find(own), own.size(), " \"Trivsel\"");
  text.insert(text.find("  accessible_to uu"), "  requires consent\n");
  // absence_pct comes from the same source: now consent-bound too, so the unguarded rule and
  // trigger on it are refused, and `consent` itself is not.
  const auto l = test::load(text);
  const auto& p = *l.program;
  CHECK(p.fields[p.find_field("wellbeing")].requires_field == p.find_field("consent"));
  CHECK(p.fields[p.find_field("absence_pct")].requires_field == p.find_field("consent"));
  CHECK(p.fields[p.find_field("consent")].requires_field == dsl::kNone);
  CHECK(l.underlined("E0312") == "absence_pct");
  // A consent that is not a bool is reported once, not once per field.
  std::string number = text;
  number.replace(number.find("field consent : bool"), 20, "field consent : number");
  const auto bad = test::load(number);
  CHECK(std::count_if(bad.bag.items().begin(), bad.bag.items().end(), [](const auto& d) {
          return d.message.starts_with("consent is a yes/no");
        }) == 1);
}
