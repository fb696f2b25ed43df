// The purposes' data-protection constraints, checked before anything is assessed: which sources
// a purpose may read, forbidden and protected fields, the roles' access today, and legal bases.

#include <algorithm>

#include "checker.hpp"

namespace skon::dsl::detail {

void Checker::check_policies() {
  // A special-category source needs a legal basis wherever it is used, so check every one.
  for (const SourceInfo& s : p_.source_infos) {
    if ((s.category == DataCategory::Special || s.category == DataCategory::Criminal) &&
        !s.legal_basis) {
      Diagnostic& d = bag_.add(
          DiagCode::E0304, s.span,
          "source " + backticked(s.name) + " holds " +
              (s.category == DataCategory::Special ? "special-category data (GDPR Art. 9)"
                                                   : "data on criminal offences (GDPR Art. 10)") +
              " but names no legal basis");
      d.help = "add `legal_basis \"...\"` citing the provision that permits the processing";
    }
  }

  for (Index pi = 0; pi < p_.purposes.size(); ++pi) {
    PurposeInfo& purpose = p_.purposes[pi];
    const std::string pname = backticked(purpose.name);

    std::vector<Reference> refs;
    for (Index ri : purpose.rules) {
      for (const auto& r : rule_facts_[ri].references) refs.push_back(r);
    }
    for (const auto& facts : trigger_facts_[pi]) {
      for (const auto& r : facts.references) refs.push_back(r);
    }
    for (Index f : purpose.features) {
      refs.push_back(Reference{f, purpose.feature_spans[f], kNone, false});
    }

    std::set<Index> read;
    std::set<std::pair<std::uint32_t, Index>> reported;  // (span begin, field): report once
    for (const Reference& ref : refs) {
      read.insert(ref.field);
      if (!reported.insert({ref.span.begin, ref.field}).second) continue;
      const FieldInfo& field = p_.fields[ref.field];
      const auto add_let_note = [&](Diagnostic& d) {
        if (ref.via_let != kNone) {
          d.notes.push_back({p_.lets[ref.via_let].span, backticked(p_.lets[ref.via_let].name) +
                                                            " reads " + backticked(field.name)});
        }
      };
      if (field.source != kNone && !purpose.allows_source(field.source)) {
        const SourceInfo& src = p_.source_infos[field.source];
        Diagnostic& d =
            bag_.add(DiagCode::E0301, ref.span,
                     backticked(field.name) + " comes from source " + backticked(src.name) +
                         ", which purpose " + pname + " may not use");
        add_let_note(d);
        d.notes.push_back({purpose.span, "purpose " + pname + " is declared here"});
        d.help = "add " + backticked(src.name) +
                 " to the purpose's `sources` if that is lawful, "
                 "or scope the rule with `in` to purposes that may use it";
      }
      if (std::find(purpose.forbidden.begin(), purpose.forbidden.end(), ref.field) !=
          purpose.forbidden.end()) {
        Diagnostic& d = bag_.add(DiagCode::E0305, ref.span,
                                 "purpose " + pname + " forbids " + backticked(field.name));
        add_let_note(d);
        d.help = "remove the use, or scope the rule to other purposes";
      }
      if (field.is_protected && !ref.presence_only) {
        auto j = purpose.justifications.find(field.name);
        if (j == purpose.justifications.end()) {
          Diagnostic& d = bag_.add(DiagCode::E0302, ref.span,
                                   backticked(field.name) + " is protected and purpose " + pname +
                                       " gives no justification for using it");
          add_let_note(d);
          d.help = "add `justify " + field.name +
                   " \"why this use is necessary and lawful\"` to the purpose, or do not use it";
        } else {
          j->second.used = true;
        }
      }
    }
    purpose.fields_read.assign(read.begin(), read.end());

    // Every listed source must be accessible today to every role of the purpose, or justified.
    for (Index si : purpose.sources) {
      const SourceInfo& src = p_.source_infos[si];
      std::vector<std::string> lacking;
      for (Index role : purpose.roles) {
        if (std::find(src.accessible_to.begin(), src.accessible_to.end(), role) ==
            src.accessible_to.end()) {
          lacking.push_back(p_.roles[role]);
        }
      }
      if (lacking.empty()) continue;
      auto j = purpose.justifications.find(src.name);
      if (j != purpose.justifications.end()) {
        j->second.used = true;
        continue;
      }
      std::string who;
      for (const auto& r : lacking) who += (who.empty() ? "" : ", ") + backticked(r);
      Diagnostic& d = bag_.add(DiagCode::E0303, purpose.source_spans[src.name],
                               "source " + backticked(src.name) + " is not accessible today to " +
                                   who + ", who use purpose " + pname);
      d.notes.push_back({src.span, "its access is declared here"});
      d.help = "add `justify " + src.name +
               " \"...\"` explaining the new access and its legal basis, or remove the source";
    }

    for (const auto& [name, j] : purpose.justifications) {
      if (!j.used) {
        bag_.add(DiagCode::W0508, j.span,
                 "justification for " + backticked(name) + " is not needed by purpose " + pname)
            .help = "remove it, so reviewers see only the exceptions that are in force";
      }
    }
  }
}

}  // namespace skon::dsl::detail
