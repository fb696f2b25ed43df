#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "checker.hpp"
#include "skon/base/date.hpp"
#include "skon/dsl/format.hpp"
#include "skon/dsl/suggest.hpp"

namespace skon::dsl {

const char* to_string(ValueType t) {
  switch (t) {
    case ValueType::Number:
      return "number";
    case ValueType::Bool:
      return "bool";
    case ValueType::Category:
      return "category";
    case ValueType::Date:
      return "date";
    case ValueType::Level:
      return "level";
    case ValueType::Text:
      return "text";
    case ValueType::Error:
      return "error";
  }
  return "error";
}

const char* to_string(DataCategory c) {
  switch (c) {
    case DataCategory::Ordinary:
      return "ordinary";
    case DataCategory::CprNumber:
      return "cpr_number";
    case DataCategory::Special:
      return "special";
    case DataCategory::Criminal:
      return "criminal";
  }
  return "ordinary";
}

bool PurposeInfo::allows_source(Index source) const {
  return std::find(sources.begin(), sources.end(), source) != sources.end();
}

void check_program(Program& program, DiagnosticBag& bag) {
  detail::Checker(program, bag).run();
}

bool purpose_assessable(const Program& program, Index purpose, std::int32_t today,
                        DiagnosticBag& bag) {
  const PurposeInfo& p = program.purposes.at(purpose);
  const std::string name = "`" + p.name + "`";
  if (p.suspended) {
    bag.add(DiagCode::E0306, p.span, "purpose " + name + " is suspended: " + *p.suspended).help =
        "nothing is assessed under a suspended purpose";
    return false;
  }
  if ((p.effective_from && today < *p.effective_from) ||
      (p.effective_to && today > *p.effective_to)) {
    Diagnostic& d = bag.add(
        DiagCode::E0306, p.span,
        "purpose " + name + " is not in effect on " + base::format_iso_date(today) +
            " (effective " + (p.effective_from ? base::format_iso_date(*p.effective_from) : "…") +
            " to " + (p.effective_to ? base::format_iso_date(*p.effective_to) : "…") + ")");
    d.help = "renew the purpose's approval and its `effective` period before assessing";
    return false;
  }
  return true;
}

namespace detail {

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string backticked(std::string_view name) {
  return "`" + std::string(name) + "`";
}

namespace {

// Statement keywords cannot name fields or derived values: a condition reading `points` or
// `flag` would be ambiguous with the statement that follows it.
constexpr std::string_view kReservedNames[] = {
    "when",      "flag",      "points",       "raise",           "cap",        "require",
    "review",    "owner",     "approved_by",  "legal_reference", "gdpr_basis", "not_for",
    "predicts",  "effective", "roles",        "sources",         "model",      "features",
    "forbid",    "justify",   "completeness", "bands",           "gate",       "direction",
    "suspended", "guidance",  "given",        "probability",     "expect",     "level",
    "flags",     "missing",   "known",        "count",           "sum",        "fired",
    "tags"};

bool is_reserved(std::string_view name) {
  return std::find(std::begin(kReservedNames), std::end(kReservedNames), name) !=
         std::end(kReservedNames);
}

}  // namespace

Diagnostic& unknown(DiagnosticBag& bag, const ast::Ident& id, const std::string& kind,
                    const std::vector<std::string>& candidates) {
  Diagnostic& d = bag.add(DiagCode::E0104, id.span, "unknown " + kind + " " + backticked(id.name));
  if (auto s = closest_match(id.name, candidates)) {
    d.help = "did you mean " + backticked(*s) + "?";
    d.fix = FixIt{id.span, *s};
  }
  return d;
}

void Checker::duplicate(const std::string& kind, const ast::Ident& name, Span first) {
  Diagnostic& d = bag_.add(DiagCode::E0105, name.span,
                           kind + " " + backticked(name.name) + " is defined more than once");
  d.notes.push_back({first, "first defined here"});
}

std::vector<std::string> Checker::names_of_fields_and_lets() const {
  auto out = keys_of(p_.field_index);
  for (const auto& l : keys_of(p_.let_index)) out.push_back(l);
  return out;
}

Index Checker::resolve_level(const ast::Ident& id) {
  const Index i = p_.find_level(id.name);
  if (i == kNone) {
    Diagnostic& d = bag_.add(DiagCode::E0203, id.span, "unknown level " + backticked(id.name));
    if (const Index labelled = level_by_label(id.name); labelled != kNone) {
      d.help = backticked(id.name) + " is the label of level " + backticked(p_.levels[labelled]) +
               "; rules use the level's name";
      d.fix = FixIt{id.span, p_.levels[labelled]};
    } else if (auto s = closest_match(id.name, p_.levels)) {
      d.help = "did you mean " + backticked(*s) + "?";
      d.fix = FixIt{id.span, *s};
    } else if (p_.levels.empty()) {
      d.help = "declare the levels once, e.g. `levels low, medium, high`";
    } else {
      std::string all;
      for (const auto& l : p_.levels) all += (all.empty() ? "" : ", ") + l;
      d.help = "the declared levels are " + all;
    }
  }
  return i;
}

Index Checker::resolve_role(const ast::Ident& id) {
  const Index i = p_.find_role(id.name);
  if (i == kNone) {
    Diagnostic& d = unknown(bag_, id, "role", p_.roles);
    if (!d.help) d.help = "declare it with `role " + id.name + " \"label\"`";
  }
  return i;
}

Index Checker::resolve_field(const ast::Ident& id, const char* what) {
  const Index i = p_.find_field(id.name);
  if (i == kNone) unknown(bag_, id, what, keys_of(p_.field_index));
  return i;
}

void Checker::run() {
  declare();
  check_sources();
  check_fields();
  resolve_consents();
  check_lets();
  resolve_rule_scopes();
  check_purposes();
  check_rules();
  compute_strata();
  check_tests();
  check_size();
  check_policies();
  check_consent();
  run_lints();
}

// The evaluator's one limit that a rule set can reach: refused here, with the place where the
// limit was crossed, rather than failing when a cohort is assessed. The compiled plan keeps a
// register per node of every derived value, and reuses the registers above them for one
// condition at a time: what it needs is all derived values plus the largest condition.
void Checker::check_size() {
  std::size_t lets = 0, largest = 0;
  std::optional<Span> crossed, largest_at;
  for (const LetInfo& l : p_.lets) {
    if (l.value == nullptr) continue;
    lets += ast::count_nodes(*l.value);
    if (!crossed && lets > kMaxExpressionNodes) crossed = l.span;
  }
  const auto condition = [&](const ast::Expr* e, Span where) {
    if (e == nullptr) return;
    const std::size_t n = ast::count_nodes(*e);
    if (n > largest) largest = n, largest_at = where;
  };
  for (const RuleInfo& r : p_.rules) condition(r.condition, r.span);
  for (const PurposeInfo& purpose : p_.purposes) {
    for (const ReviewTrigger& t : purpose.reviews) condition(t.condition, t.span);
  }
  const std::size_t total = lets + largest;
  if (total <= kMaxExpressionNodes) return;
  bag_.add(DiagCode::E0007, crossed ? *crossed : *largest_at,
           "the rule set's derived values (" + std::to_string(lets) +
               " expression nodes) and its largest condition (" + std::to_string(largest) +
               ") need " + std::to_string(total) + " registers; the limit is " +
               std::to_string(kMaxExpressionNodes))
      .help =
      "split the rule set into smaller ones, or write long chains of derived values as fewer, "
      "simpler ones";
}

// Pass 1: every name, so later passes can refer forwards and report duplicates once.
void Checker::declare() {
  std::map<std::string, Span> value_names;  // fields and lets share the expression namespace
  for (ast::Module& m : p_.modules) {
    for (ast::Decl& d : m.decls) {
      if (auto* lv = std::get_if<ast::LevelsDecl>(&d)) {
        if (!p_.levels.empty()) {
          Diagnostic& diag =
              bag_.add(DiagCode::E0105, lv->span, "the levels are declared more than once");
          diag.notes.push_back({p_.level_spans.front(), "first declared here"});
          continue;
        }
        for (std::size_t i = 0; i < lv->levels.size(); ++i) {
          const ast::Ident& l = lv->levels[i];
          if (p_.level_index.contains(l.name)) {
            duplicate("level", l, p_.level_spans[p_.level_index[l.name]]);
            continue;
          }
          p_.level_index[l.name] = static_cast<Index>(p_.levels.size());
          p_.levels.push_back(l.name);
          const auto& label = i < lv->labels.size() ? lv->labels[i] : std::nullopt;
          p_.level_labels.push_back(label ? label->value : l.name);
          p_.level_spans.push_back(l.span);
        }
      } else if (auto* r = std::get_if<ast::RoleDecl>(&d)) {
        if (p_.role_index.contains(r->name.name)) {
          duplicate("role", r->name, p_.role_spans[p_.role_index[r->name.name]]);
          continue;
        }
        p_.role_index[r->name.name] = static_cast<Index>(p_.roles.size());
        p_.roles.push_back(r->name.name);
        p_.role_spans.push_back(r->name.span);
      } else if (auto* s = std::get_if<ast::SourceDecl>(&d)) {
        if (p_.source_index.contains(s->name.name)) {
          duplicate("source", s->name, p_.source_infos[p_.source_index[s->name.name]].span);
          continue;
        }
        SourceInfo info;
        info.name = s->name.name;
        info.label = s->label ? s->label->value : "";
        info.span = s->name.span;
        p_.source_index[info.name] = static_cast<Index>(p_.source_infos.size());
        p_.source_infos.push_back(std::move(info));
      } else if (auto* f = std::get_if<ast::FieldDecl>(&d)) {
        if (auto it = value_names.find(f->name.name); it != value_names.end()) {
          duplicate("field", f->name, it->second);
          continue;
        }
        if (is_reserved(f->name.name)) {
          bag_.add(DiagCode::E0112, f->name.span,
                   backticked(f->name.name) + " is a keyword and cannot name a field")
              .help = "choose another name, e.g. " + backticked(f->name.name + "_value");
          continue;
        }
        value_names[f->name.name] = f->name.span;
        FieldInfo info;
        info.name = f->name.name;
        info.span = f->name.span;
        p_.field_index[info.name] = static_cast<Index>(p_.fields.size());
        p_.fields.push_back(std::move(info));
      } else if (auto* l = std::get_if<ast::LetDecl>(&d)) {
        if (auto it = value_names.find(l->name.name); it != value_names.end()) {
          duplicate("name", l->name, it->second);
          continue;
        }
        if (is_reserved(l->name.name)) {
          bag_.add(DiagCode::E0112, l->name.span,
                   backticked(l->name.name) + " is a keyword and cannot name a derived value");
          continue;
        }
        value_names[l->name.name] = l->name.span;
        LetInfo info;
        info.name = l->name.name;
        info.label = l->label ? l->label->value : "";
        info.value = l->value.get();
        info.span = l->name.span;
        p_.let_index[info.name] = static_cast<Index>(p_.lets.size());
        p_.lets.push_back(std::move(info));
        let_values_.push_back(l->value.get());  // the checker annotates it: the mutable node
      } else if (auto* pd = std::get_if<ast::PurposeDecl>(&d)) {
        if (p_.purpose_index.contains(pd->name.name)) {
          duplicate("purpose", pd->name, p_.purposes[p_.purpose_index[pd->name.name]].span);
          continue;
        }
        PurposeInfo info;
        info.name = pd->name.name;
        info.label = pd->label ? pd->label->value : "";
        info.span = pd->name.span;
        p_.purpose_index[info.name] = static_cast<Index>(p_.purposes.size());
        p_.purposes.push_back(std::move(info));
      } else if (auto* rd = std::get_if<ast::RuleDecl>(&d)) {
        if (p_.rule_index.contains(rd->name.name)) {
          duplicate("rule", rd->name, p_.rules[p_.rule_index[rd->name.name]].span);
          continue;
        }
        RuleInfo info;
        info.name = rd->name.name;
        info.label = rd->label ? rd->label->value : "";
        info.decl = rd;
        info.span = rd->name.span;
        const auto ri = static_cast<Index>(p_.rules.size());
        for (const ast::RuleStmt& st : rd->body) {
          if (st.key != ast::RuleStmt::Key::Tags) continue;
          for (const ast::Ident& tag : st.idents) {
            std::vector<Index>& tagged = p_.tag_index[tag.name];
            if (tagged.empty() || tagged.back() != ri) tagged.push_back(ri);
            info.tags.push_back(tag.name);
          }
        }
        p_.rule_index[info.name] = ri;
        p_.rules.push_back(std::move(info));
      } else if (auto* td = std::get_if<ast::TestDecl>(&d)) {
        p_.tests.push_back(TestInfo{td, kNone});
      }
    }
  }
  // A tag named like a rule would make `count(flags in {x})` ambiguous.
  for (const RuleInfo& rule : p_.rules) {
    for (const ast::RuleStmt& st : rule.decl->body) {
      if (st.key != ast::RuleStmt::Key::Tags) continue;
      for (const ast::Ident& tag : st.idents) {
        const Index other = p_.find_rule(tag.name);
        if (other == kNone) continue;
        Diagnostic& d = bag_.add(DiagCode::E0105, tag.span,
                                 backticked(tag.name) + " names both a rule and a tag");
        d.notes.push_back({p_.rules[other].span, "the rule is defined here"});
        d.help = "give the tag a name of its own, e.g. " + backticked(tag.name + "_signs");
      }
    }
  }
  // A field or derived value named like a level would hide it: `level >= high` would then compare
  // the level with the value.
  for (Index li = 0; li < p_.levels.size(); ++li) {
    const auto it = value_names.find(p_.levels[li]);
    if (it == value_names.end()) continue;
    Diagnostic& d =
        bag_.add(DiagCode::E0105, it->second,
                 backticked(p_.levels[li]) + " names both a level and a field or derived value");
    d.notes.push_back({p_.level_spans[li], "the level is declared here"});
    d.help = "rename the field or derived value, e.g. " + backticked(p_.levels[li] + "_value");
  }
}

void Checker::check_sources() {
  static const std::vector<std::string> kCategories = {"ordinary", "special", "criminal",
                                                       "cpr_number"};
  for (ast::Module& m : p_.modules) {
    for (ast::Decl& d : m.decls) {
      auto* s = std::get_if<ast::SourceDecl>(&d);
      if (s == nullptr) continue;
      const Index si = p_.find_source(s->name.name);
      if (si == kNone || p_.source_infos[si].span != s->name.span) continue;  // a duplicate
      SourceInfo& info = p_.source_infos[si];
      std::set<int> seen;
      bool has_category = false;
      for (const auto& st : s->body) {
        if (st.key != ast::SourceDecl::Key::AccessibleTo &&
            !seen.insert(static_cast<int>(st.key)).second) {
          bag_.add(DiagCode::E0109, st.span, "this statement may appear only once per source");
        }
        switch (st.key) {
          case ast::SourceDecl::Key::Holder:
            info.holder = st.ident->name;
            break;
          case ast::SourceDecl::Key::Category: {
            has_category = true;
            const auto& c = st.ident->name;
            if (c == "ordinary")
              info.category = DataCategory::Ordinary;
            else if (c == "cpr_number")
              info.category = DataCategory::CprNumber;
            else if (c == "special")
              info.category = DataCategory::Special;
            else if (c == "criminal")
              info.category = DataCategory::Criminal;
            else {
              Diagnostic& diag = bag_.add(DiagCode::E0209, st.ident->span,
                                          "unknown data category " + backticked(c));
              diag.help =
                  "use the GDPR's: ordinary (Art. 6), special (Art. 9), criminal (Art. 10) or "
                  "cpr_number (databeskyttelsesloven § 11)";
              if (c == "confidential") {  // the first edition's word: not a GDPR category
                diag.help =
                    "`confidential` is not a GDPR category: data under a duty of "
                    "confidentiality is `ordinary` (Art. 6) unless it is `special` (Art. 9) or "
                    "`criminal` (Art. 10); a source holding the CPR number is `cpr_number` "
                    "(databeskyttelsesloven § 11)";
              } else if (auto sug = closest_match(c, kCategories)) {
                diag.fix = FixIt{st.ident->span, *sug};
              }
            }
            break;
          }
          case ast::SourceDecl::Key::LegalBasis:
            if (is_blank(st.text->value)) {  // a blank basis is no basis
              bag_.add(DiagCode::E0209, st.text->span, "the legal basis is empty").help =
                  "cite the provision that permits the processing, e.g. "
                  "\"Folkeskoleloven § 13 a\"";
              break;
            }
            info.legal_basis = st.text->value;
            break;
          case ast::SourceDecl::Key::AccessibleTo:
            for (const auto& r : st.idents) {
              const Index ri = resolve_role(r);
              if (ri != kNone) info.accessible_to.push_back(ri);
            }
            break;
          case ast::SourceDecl::Key::Requires:
            break;  // resolved with the fields' own `requires` (resolve_consents)
        }
      }
      if (!has_category) {
        bag_.add(DiagCode::E0110, s->name.span,
                 "source " + backticked(info.name) + " does not say its data category")
            .help = "add `category ordinary` (or special, criminal, cpr_number)";
      }
    }
  }
}

void Checker::check_fields() {
  for (ast::Module& m : p_.modules) {
    for (ast::Decl& d : m.decls) {
      auto* f = std::get_if<ast::FieldDecl>(&d);
      if (f == nullptr) continue;
      const Index fi = p_.find_field(f->name.name);
      if (fi == kNone || p_.fields[fi].span != f->name.span) continue;
      FieldInfo& info = p_.fields[fi];
      info.label = f->label ? f->label->value : "";
      info.is_protected = f->is_protected;
      switch (f->type.kind) {
        case ast::FieldType::Kind::Number:
          info.type = ValueType::Number;
          break;
        case ast::FieldType::Kind::Bool:
          info.type = ValueType::Bool;
          break;
        case ast::FieldType::Kind::Date:
          info.type = ValueType::Date;
          break;
        case ast::FieldType::Kind::Category:
          info.type = ValueType::Category;
          break;
      }
      if (f->type.low) {
        info.low = f->type.low->value;
        info.high = f->type.high->value;
        if (*info.low > *info.high) {
          bag_.add(DiagCode::E0206, f->type.span,
                   "the range " + f->type.low->text + ".." + f->type.high->text +
                       " is empty: its lower bound exceeds its upper bound");
        }
      }
      if (f->type.unit) info.unit = f->type.unit->value;
      std::set<std::string> seen;
      for (const auto& level : f->type.levels) {
        if (!seen.insert(level.name).second) {
          bag_.add(DiagCode::E0105, level.span,
                   "category value " + backticked(level.name) + " is listed twice");
          continue;
        }
        info.levels.push_back(level.name);
      }
      const Index si = p_.find_source(f->source.name);
      if (si == kNone) {
        unknown(bag_, f->source, "source", keys_of(p_.source_index));
      }
      info.source = si;
      // Special-category and criminal data are protected whether or not the author says so.
      if (si != kNone && (p_.source_infos[si].category == DataCategory::Special ||
                          p_.source_infos[si].category == DataCategory::Criminal)) {
        info.is_protected = true;
      }
    }
  }
}

// `requires CONSENT` on a field: CONSENT must be a bool field whose own value needs no consent.
// `requires CONSENT` in a source: every field of the source but the consent itself, unless the
// field says its own.
void Checker::resolve_consents() {
  std::vector<std::pair<Index, const ast::Ident*>> wanted;  // (field, its consent as written)
  std::map<Index, const ast::Ident*> by_source;
  for (ast::Module& m : p_.modules) {
    for (ast::Decl& d : m.decls) {
      if (auto* s = std::get_if<ast::SourceDecl>(&d)) {
        const Index si = p_.find_source(s->name.name);
        if (si == kNone || p_.source_infos[si].span != s->name.span) continue;
        for (const auto& st : s->body) {
          if (st.key == ast::SourceDecl::Key::Requires) by_source[si] = &*st.ident;
        }
      }
      auto* f = std::get_if<ast::FieldDecl>(&d);
      if (f == nullptr || !f->requires_field) continue;
      const Index fi = p_.find_field(f->name.name);
      if (fi == kNone || p_.fields[fi].span != f->name.span) continue;
      wanted.push_back({fi, &*f->requires_field});
    }
  }
  for (const auto& [si, consent] : by_source) {
    for (Index fi = 0; fi < p_.fields.size(); ++fi) {
      if (p_.fields[fi].source != si || p_.fields[fi].name == consent->name) continue;
      if (std::none_of(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == fi; }))
        wanted.push_back({fi, consent});
    }
  }
  // Each `requires` as written is resolved and checked once, however many fields it covers.
  std::map<const ast::Ident*, Index> resolved;
  const auto consent_of = [&](const ast::Ident& id) {
    const auto [it, fresh] = resolved.try_emplace(&id, kNone);
    if (!fresh) return it->second;
    const Index ci = resolve_field(id, "field");
    if (ci == kNone) return kNone;
    fields_used_.insert(ci);
    if (p_.fields[ci].type != ValueType::Bool) {
      bag_.add(DiagCode::E0201, id.span,
               "consent is a yes/no: " + backticked(id.name) + " is a " +
                   to_string(p_.fields[ci].type) + ", not a bool")
          .help = "declare the consent as `field " + id.name + " : bool from ...`";
      return kNone;
    }
    return it->second = ci;
  };
  for (const auto& [fi, consent] : wanted) {
    const Index ci = consent_of(*consent);
    if (ci == kNone) continue;
    if (ci == fi) {
      bag_.add(DiagCode::E0209, consent->span, "a field cannot be its own consent");
      continue;
    }
    p_.fields[fi].requires_field = ci;
    p_.fields[fi].requires_span = consent->span;
    p_.fields[ci].is_consent = true;
  }
  // A consent that itself needs consent would make "not read" depend on a value never read.
  for (FieldInfo& field : p_.fields) {
    if (field.requires_field == kNone) continue;
    const FieldInfo& consent = p_.fields[field.requires_field];
    if (consent.requires_field != kNone) {
      bag_.add(DiagCode::E0209, field.requires_span,
               backticked(consent.name) +
                   " requires consent itself, so it cannot be the "
                   "consent for " +
                   backticked(field.name));
      field.requires_field = kNone;
    }
  }
}

void Checker::check_lets() {
  let_facts_.resize(p_.lets.size());
  for (Index li = 0; li < p_.lets.size(); ++li) {
    LetInfo& let = p_.lets[li];
    ExprFacts& facts = let_facts_[li];
    const Ty t = check_expr(*let_values_[li], facts, li);
    // Derived values describe the record, computed before any rule: they cannot depend on where
    // in the rules they are first used.
    if (facts.reads_state()) {
      bag_.add(DiagCode::E0114, let.value->span,
               "derived value " + backticked(let.name) +
                   " reads the assessment's state (level, count(flags), sum(points) or fired())")
          .help = "use the state in the rule's `when` instead; derived values describe the record";
    }
    let.type = t.type;
    let.category_field = t.category_field;
    std::set<Index> reads;
    for (const auto& r : facts.references) reads.insert(r.field);
    let.fields_read.assign(reads.begin(), reads.end());
  }
}

void Checker::resolve_rule_scopes() {
  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    RuleInfo& rule = p_.rules[ri];
    const ast::RuleDecl& decl = *rule.decl;
    rule.scoped = !decl.purposes.empty();
    if (rule.scoped) {
      for (const auto& pid : decl.purposes) {
        const Index pi = p_.find_purpose(pid.name);
        if (pi == kNone) {
          unknown(bag_, pid, "purpose", keys_of(p_.purpose_index));
          continue;
        }
        if (std::find(rule.purposes.begin(), rule.purposes.end(), pi) == rule.purposes.end()) {
          rule.purposes.push_back(pi);
        }
      }
    } else {
      for (Index pi = 0; pi < p_.purposes.size(); ++pi) rule.purposes.push_back(pi);
    }
    for (Index pi : rule.purposes) p_.purposes[pi].rules.push_back(ri);
  }
}

void Checker::check_rules() {
  using Key = ast::RuleStmt::Key;
  rule_facts_.resize(p_.rules.size());
  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    RuleInfo& rule = p_.rules[ri];
    ExprFacts& facts = rule_facts_[ri];
    const ast::RuleDecl& decl = *rule.decl;

    std::map<Key, Span> once;
    bool has_effect = false;
    for (const auto& st : decl.body) {
      if (auto it = once.find(st.key); it != once.end()) {
        Diagnostic& diag =
            bag_.add(DiagCode::E0109, st.span, "this statement may appear only once per rule");
        diag.notes.push_back({it->second, "first given here"});
        continue;
      }
      once[st.key] = st.span;
      switch (st.key) {
        case Key::Owner:
        case Key::ApprovedBy:
        case Key::LegalReference:
        case Key::GdprBasis:
        case Key::NotFor:
          break;
        case Key::Predicts:
          bag_.add(DiagCode::E0209, st.span,
                   "`predicts` says what a purpose's probability is of; a rule has none");
          break;
        case Key::Effective:
          rule.effective_from = st.from->days;
          if (st.to) rule.effective_to = st.to->days;
          if (st.to && st.to->days < st.from->days) {
            bag_.add(DiagCode::E0209, st.span, "the effective period ends before it starts");
          }
          break;
        case Key::When:
          rule.condition = st.condition.get();
          check_condition(*st.condition, facts, static_cast<Index>(p_.lets.size()),
                          "a rule's condition");
          break;
        case Key::Flag:
          rule.flag = &st;
          has_effect = true;
          check_interpolation(*st.text, facts);
          break;
        case Key::Points:
          rule.points = st.number->value;
          has_effect = true;
          break;
        case Key::Raise:
          rule.raise_to = resolve_level(*st.level);
          rule.raise_because = st.text->value;
          has_effect = true;
          break;
        case Key::Cap:
          rule.cap_at = resolve_level(*st.level);
          rule.cap_because = st.text->value;
          has_effect = true;
          break;
        case Key::Review:
          rule.review_because = st.text->value;
          has_effect = true;
          break;
        case Key::Tags:
          break;
      }
    }
    if (rule.condition == nullptr) {
      bag_.add(DiagCode::E0110, decl.name.span,
               "rule " + backticked(rule.name) + " has no `when` condition")
          .help = "add `when CONDITION`; a rule applies only when its condition is true";
    } else if (!has_effect) {
      bag_.add(DiagCode::W0506, decl.name.span,
               "rule " + backticked(rule.name) + " has a condition but no effect")
          .help = "add a flag, points, raise/cap level or require review";
    }
    std::set<Index> reads;
    for (const auto& r : facts.references) reads.insert(r.field);
    rule.fields_read.assign(reads.begin(), reads.end());
  }
}

}  // namespace detail
}  // namespace skon::dsl
