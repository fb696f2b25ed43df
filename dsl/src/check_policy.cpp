// The purposes' data-protection constraints, checked before anything is assessed: which sources
// a purpose may read, forbidden and protected fields, the roles' access today, and legal bases.

#include <algorithm>
#include <map>
#include <tuple>

#include "checker.hpp"

namespace skon::dsl::detail {

void Checker::check_policies() {
  // A special-category source needs a legal basis wherever it is used, so check every one.
  for (const SourceInfo& s : p_.source_infos) {
    if (s.category != DataCategory::Ordinary && !s.legal_basis) {
      Diagnostic& d =
          bag_.add(DiagCode::E0304, s.span,
                   "source " + backticked(s.name) + " holds " +
                       (s.category == DataCategory::Special ? "special-category data (GDPR Art. 9)"
                        : s.category == DataCategory::Criminal
                            ? "data on criminal offences (GDPR Art. 10)"
                            : "the CPR number (databeskyttelsesloven § 11)") +
                       " but names no legal basis");
      d.help = "add `legal_basis \"...\"` citing the provision that permits the processing";
    }
  }

  // A read that breaks a purpose's constraint is reported once per cause, naming every purpose
  // it breaks: an unscoped rule under four purposes is one finding, not four.
  struct Finding {
    DiagCode code;
    Reference ref;
    std::vector<Index> purposes;
  };
  std::vector<Finding> findings;
  std::map<std::tuple<DiagCode, std::uint32_t, Index>, std::size_t> finding_at;
  const auto found = [&](DiagCode code, const Reference& ref, Index pi) {
    const auto key = std::make_tuple(code, ref.span.begin, ref.field);
    const auto [it, fresh] = finding_at.emplace(key, findings.size());
    if (fresh) findings.push_back({code, ref, {}});
    findings[it->second].purposes.push_back(pi);
  };

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
    if (purpose.score_field != kNone) {
      refs.push_back(Reference{purpose.score_field, purpose.score_span, kNone, false});
    }

    std::set<Index> read;
    std::set<std::pair<std::uint32_t, Index>> reported;  // (span begin, field): report once
    for (const Reference& ref : refs) {
      read.insert(ref.field);
      if (!reported.insert({ref.span.begin, ref.field}).second) continue;
      const FieldInfo& field = p_.fields[ref.field];
      // A forbidden field is refused as forbidden: that its source is not allowed either is
      // the same finding.
      const bool forbidden = std::find(purpose.forbidden.begin(), purpose.forbidden.end(),
                                       ref.field) != purpose.forbidden.end();
      if (forbidden) {
        found(DiagCode::E0305, ref, pi);
      } else if (field.source != kNone && !purpose.allows_source(field.source)) {
        found(DiagCode::E0301, ref, pi);
      }
      if (field.is_protected && !ref.presence_only && !forbidden) {
        auto j = purpose.justifications.find(field.name);
        if (j == purpose.justifications.end()) {
          found(DiagCode::E0302, ref, pi);
        } else {
          j->second.used = true;
        }
      }
    }
    // Whether a consent-bound value may be read is decided per person: read its consent too.
    for (Index f : std::set<Index>(read)) {
      if (p_.fields[f].requires_field != kNone) read.insert(p_.fields[f].requires_field);
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

  for (const Finding& f : findings) {
    const FieldInfo& field = p_.fields[f.ref.field];
    std::string names;
    for (std::size_t i = 0; i < f.purposes.size(); ++i) {
      if (i > 0) names += i + 1 == f.purposes.size() ? " and " : ", ";
      names += backticked(p_.purposes[f.purposes[i]].name);
    }
    const std::string purposes = (f.purposes.size() == 1 ? "purpose " : "purposes ") + names;
    Diagnostic* d = nullptr;
    switch (f.code) {
      case DiagCode::E0301: {
        const SourceInfo& src = p_.source_infos[field.source];
        d = &bag_.add(f.code, f.ref.span,
                      backticked(field.name) + " comes from source " + backticked(src.name) +
                          ", which " + purposes + " may not use");
        d->help = "add " + backticked(src.name) +
                  " to the purpose's `sources` if that is lawful, "
                  "or scope the rule with `in` to purposes that may use it";
        break;
      }
      case DiagCode::E0305:
        d = &bag_.add(f.code, f.ref.span,
                      purposes + (f.purposes.size() == 1 ? " forbids " : " forbid ") +
                          backticked(field.name));
        d->help = "remove the use, or scope the rule with `in` to purposes that allow it";
        break;
      default:  // E0302
        d = &bag_.add(f.code, f.ref.span,
                      backticked(field.name) + " is protected and " + purposes +
                          (f.purposes.size() == 1 ? " gives" : " give") +
                          " no justification for using it");
        d->help = "add `justify " + field.name +
                  " \"why this use is necessary and lawful\"` to the purpose, or do not use it";
        break;
    }
    if (f.ref.via_let != kNone) {
      d->notes.push_back({p_.lets[f.ref.via_let].span, backticked(p_.lets[f.ref.via_let].name) +
                                                           " reads " + backticked(field.name)});
    }
    if (f.code == DiagCode::E0301 && f.purposes.size() == 1) {
      d->notes.push_back({p_.purposes[f.purposes[0]].span, purposes + " is declared here"});
    }
  }
}

}  // namespace skon::dsl::detail
