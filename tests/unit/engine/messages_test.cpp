// The message catalogue and the card in English: no Danish but what the rule authors wrote.

#include "skon/core/messages.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "skon/documents/card.hpp"
#include "support/rules.hpp"

using namespace skon;

namespace {

std::size_t placeholders(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t at = s.find("{}"); at != std::string_view::npos; at = s.find("{}", at + 2)) ++n;
  return n;
}

bool has_danish_letters(std::string_view s) {
  for (std::string_view letter : {"æ", "ø", "å", "Æ", "Ø", "Å"}) {
    if (s.find(letter) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("messages: every text in both languages, the English free of Danish, same placeholders") {
  const auto last = static_cast<std::size_t>(engine::Msg::CardAdvisory);
  for (std::size_t i = 0; i <= last; ++i) {
    const auto id = static_cast<engine::Msg>(i);
    const std::string_view da = engine::text(engine::Language::Danish, id);
    const std::string_view en = engine::text(engine::Language::English, id);
    INFO(i << ": " << da << " / " << en);
    CHECK_FALSE(da.empty());
    CHECK_FALSE(en.empty());
    CHECK_FALSE(has_danish_letters(en));
    CHECK(placeholders(da) == placeholders(en));
  }
  CHECK(engine::format_decimal(22.5, engine::Language::Danish) == "22,5");
  CHECK(engine::format_decimal(22.5, engine::Language::English) == "22.5");
  CHECK(engine::format_percent(0.125, engine::Language::English) == "12.5 %");
}

TEST_CASE("card: in English, only the rule authors' own texts are not English") {
  // A rule set whose authors wrote English: the English card then has no Danish at all.
  const auto l = test::load(R"(levels low "low", medium "medium", high "high"
role counsellor "Counsellor"
source school "School" {
  holder school
  category ordinary
  legal_basis "Act"
  accessible_to counsellor
}
field absence_pct : number in 0..100 unit "%" from school "Absence"
field exams : bool from school "Exams taken"
purpose ew "Early warning" {
  owner "UU"
  approved_by "Lawyer"
  roles counsellor
  sources school
  completeness at least 0 %
  bands low below 0.2, medium below 0.5, high
  review required when not exams because "No exams"
  guidance high "Talk to the young person first"
}
rule absence "High absence" in ew {
  when absence_pct > 10
  flag "Absence {absence_pct} %, exams {exams}"
  raise level to high because "absence"
}
rule ratio "Odd ratio" in ew {
  when 10 / (absence_pct - 12.5) > 1
  flag "ratio"
}
)");
  REQUIRE_FALSE(l.bag.has_errors());
  const engine::Assessor assessor(engine::AssessorSetup{
      &*l.program, 0, nullptr, engine::Language::English, 20454 /* 2026-01-01 */});
  engine::Assessment a;
  // absence_pct = 12.5 (the ratio divides by zero), exams missing.
  std::vector<double> values(assessor.input_fields().size(), models::kMissing);
  values[0] = 12.5;
  assessor.assess(values, a);
  const std::string card = engine::render_card(assessor, a, "P1", engine::Language::English);
  INFO(card);
  CHECK_FALSE(has_danish_letters(card));
  for (const char* danish :
       {"ukendt", " ja", " nej", "Vurdering", "Niveau", "fordi", "Vejledning", "12,5"}) {
    CHECK(card.find(danish) == std::string::npos);
  }
  CHECK(card.find("Absence 12.5 %, exams unknown") != std::string::npos);
  CHECK(card.find("Rules that could not be decided") != std::string::npos);
  CHECK(card.find("a calculation had no value") != std::string::npos);
  CHECK(card.find("No exams (could not be decided: data are missing)") != std::string::npos);
  // The Danish card of the same assessment uses Danish words and a decimal comma.
  engine::Assessor danish(engine::AssessorSetup{&*l.program, 0, nullptr, engine::Language::Danish,
                                                20454 /* 2026-01-01 */});
  danish.assess(values, a);
  const std::string dk = engine::render_card(danish, a, "P1", engine::Language::Danish);
  CHECK(dk.find("Absence 12,5 %, exams ukendt") != std::string::npos);
  CHECK(dk.find("Regler der ikke kunne afgøres") != std::string::npos);
}

TEST_CASE("card: a section heading only above a section that has entries") {
  // Nobody is flagged and no rule or model changes the level: the card says so in a sentence
  // instead of printing a heading with nothing under it.
  const auto l = test::load(R"(levels low, high
role counsellor "Counsellor"
source school "School" {
  holder school
  category ordinary
  legal_basis "Act"
  accessible_to counsellor
}
field absence_pct : number in 0..100 unit "%" from school "Absence"
purpose ew "Early warning" {
  owner "UU"
  approved_by "Lawyer"
  roles counsellor
  sources school
  completeness at least 0 %
  bands low below 0.5, high
  review required when level >= high because "High"
}
rule absence "High absence" in ew {
  when absence_pct > 10
  flag "Absence"
  raise level to high because "absence"
}
)");
  REQUIRE_FALSE(l.bag.has_errors());
  for (const auto language : {engine::Language::English, engine::Language::Danish}) {
    const engine::Assessor assessor(
        engine::AssessorSetup{&*l.program, 0, nullptr, language, 20454 /* 2026-01-01 */});
    engine::Assessment a;
    std::vector<double> values(assessor.input_fields().size(), models::kMissing);
    values[0] = 2;
    assessor.assess(values, a);
    const std::string card = engine::render_card(assessor, a, "P1", language);
    INFO(card);
    // A line ending in ':' must be followed by an indented entry.
    std::size_t at = 0;
    while ((at = card.find(":\n", at)) != std::string::npos) {
      at += 2;
      CHECK(card.compare(at, 2, "  ") == 0);
    }
    CHECK(card.find(language == engine::Language::English
                        ? "No rule raised a sign."
                        : "Ingen regler gav tegn.") != std::string::npos);
  }
}
