#pragma once

// Helpers for unit tests that load rule text from strings.

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "skon/dsl/program.hpp"

namespace skon::test {

struct Loaded {
  std::unique_ptr<dsl::Program> program;
  dsl::DiagnosticBag bag;

  // Codes of all diagnostics, sorted by position, e.g. {"E0104", "W0503"}.
  std::vector<std::string> codes() const {
    std::vector<std::string> out;
    for (const auto& d : bag.sorted()) out.emplace_back(dsl::info(d.code).id);
    return out;
  }
  bool has(std::string_view code) const {
    for (const auto& d : bag.items()) {
      if (dsl::info(d.code).id == code) return true;
    }
    return false;
  }
  // The source text under the primary span of the first diagnostic with `code` (cedar-style
  // assertions survive reformatting better than line numbers).
  std::string underlined(std::string_view code) const {
    for (const auto& d : bag.sorted()) {
      if (dsl::info(d.code).id != code || !d.primary) continue;
      const auto& text = program->sources.file(d.primary->file).text();
      return text.substr(d.primary->begin, d.primary->end - d.primary->begin);
    }
    return "<no " + std::string(code) + ">";
  }
  const dsl::Diagnostic* first(std::string_view code) const {
    for (const auto& d : bag.items()) {
      if (dsl::info(d.code).id == code) return &d;
    }
    return nullptr;
  }
};

// Parses and (when parsing succeeded) checks `text` as one file named "test.skon".
inline Loaded load(std::string text) {
  Loaded l;
  l.program = dsl::load_program_text("test.skon", std::move(text), l.bag);
  if (!l.bag.has_errors()) dsl::check_program(*l.program, l.bag);
  return l;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small, clean rule set that tests extend.
inline const char* kPrelude = R"(levels low, medium, high

role uu_counsellor "UU-vejleder"

source absence "Fraværsdata" {
  holder school
  category ordinary
  legal_basis "Folkeskoleloven"
  accessible_to uu_counsellor
}

field absence_pct : number in 0..100 unit "%" from absence "Fravær"
field exams_taken : bool from absence "Afgangsprøver"
field sex : category { female, male } from absence protected "Køn"

purpose ew "Tidlig opsporing" {
  owner "UU"
  approved_by "Jurist"
  effective from 2026-01-01 to 2099-12-31
  roles uu_counsellor
  sources absence
  features absence_pct
  completeness at least 100 %
  bands low below 0.1, medium below 0.3, high
  review required when level >= high because "Højt niveau"
  review required when missing(absence_pct) or missing(exams_taken) or missing(sex) because "Data mangler"
  guidance high "Tal med den unge"
}
)";

}  // namespace skon::test
