#include "skon/core/rule_diff.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>

#include "skon/base/date.hpp"
#include "skon/base/errors.hpp"
#include "skon/dsl/format.hpp"

namespace skon::engine {

bool RuleSetDiff::needs_approval() const {
  return std::any_of(changes.begin(), changes.end(),
                     [](const RuleSetChange& c) { return c.needs_approval; });
}

namespace {

using dsl::Index;
using dsl::kNone;
using dsl::Program;
using dsl::PurposeInfo;

std::string number_text(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

std::string percent_text(double fraction) {
  return number_text(100 * fraction) + " %";
}

std::string period_text(const std::optional<std::int32_t>& from,
                        const std::optional<std::int32_t>& to) {
  if (!from) return "always";
  return base::format_iso_date(*from) + " to " + (to ? base::format_iso_date(*to) : "open");
}

// An expression split into its numbers and the text between them, so two conditions that differ
// only in their constants read as thresholds that moved.
struct Shape {
  std::vector<std::string> text;
  std::vector<double> numbers;
};

Shape shape_of(const std::string& expr) {
  Shape s;
  std::string current;
  for (std::size_t i = 0; i < expr.size();) {
    const bool starts_number =
        std::isdigit(static_cast<unsigned char>(expr[i])) &&
        (i == 0 || !(std::isalnum(static_cast<unsigned char>(expr[i - 1])) || expr[i - 1] == '_'));
    if (!starts_number) {
      current += expr[i++];
      continue;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(expr.data() + i, expr.data() + expr.size(), v);
    if (ec != std::errc()) {
      current += expr[i++];
      continue;
    }
    s.text.push_back(current);
    current.clear();
    s.numbers.push_back(v);
    i = static_cast<std::size_t>(end - expr.data());
  }
  s.text.push_back(current);
  return s;
}

class Differ {
 public:
  Differ(const Program& a, const Program& b, RuleSetDiff& out) : a_(a), b_(b), out_(out) {}

  void add(const std::string& scope, const std::string& subject, const std::string& kind,
           const std::string& what, bool approval, std::string from = "", std::string to = "") {
    out_.changes.push_back({scope, subject, kind, what, std::move(from), std::move(to), approval});
  }

  // Members only one side has: added (approval if `added_needs`), removed (if `removed_needs`).
  void sets(const std::string& scope, const std::string& noun, const std::set<std::string>& before,
            const std::set<std::string>& after, bool added_needs, bool removed_needs) {
    std::set<std::string> added, removed;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                        std::inserter(added, added.end()));
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                        std::inserter(removed, removed.end()));
    for (const std::string& n : added) {
      add(scope, noun + " " + n, noun_id(noun) + "_added", "added", added_needs);
    }
    for (const std::string& n : removed) {
      add(scope, noun + " " + n, noun_id(noun) + "_removed", "removed", removed_needs);
    }
  }

  // Two texts of one statement; "" when it is absent.
  void text(const std::string& scope, const std::string& subject, const std::string& kind,
            const std::optional<std::string>& before, const std::optional<std::string>& after,
            bool approval) {
    if (before == after) return;
    const std::string from = before.value_or(""), to = after.value_or("");
    const std::string what = !before  ? "added: \"" + to + "\""
                             : !after ? "removed (was \"" + from + "\")"
                                      : "changed from \"" + from + "\" to \"" + to + "\"";
    add(scope, subject, kind, what, approval, from, to);
  }

  // Two conditions: thresholds that moved, or the condition as a whole.
  void condition(const std::string& scope, const std::string& subject, const dsl::ast::Expr* x,
                 const dsl::ast::Expr* y) {
    const std::string before = x != nullptr ? dsl::format_expr(*x) : "";
    const std::string after = y != nullptr ? dsl::format_expr(*y) : "";
    if (before == after) return;
    const Shape s = shape_of(before), t = shape_of(after);
    if (s.text == t.text && s.numbers.size() == t.numbers.size()) {
      for (std::size_t i = 0; i < s.numbers.size(); ++i) {
        if (s.numbers[i] == t.numbers[i]) continue;
        add(scope, subject, "threshold_moved",
            "threshold moved from " + number_text(s.numbers[i]) + " to " +
                number_text(t.numbers[i]) + " (`" + before + "` → `" + after + "`)",
            true, number_text(s.numbers[i]), number_text(t.numbers[i]));
      }
      return;
    }
    add(scope, subject, "condition_changed",
        "condition changed from `" + before + "` to `" + after + "`", true, before, after);
  }

  void purpose(const std::string& name);
  void sources_and_fields(const std::set<std::string>& sources,
                          const std::set<std::string>& fields);

  std::set<std::string> source_names(const Program& p, const PurposeInfo* q) const {
    std::set<std::string> out;
    if (q != nullptr) {
      for (Index s : q->sources) out.insert(p.source_infos[s].name);
    }
    return out;
  }
  std::set<std::string> field_names(const Program& p, const std::vector<Index>& ids) const {
    std::set<std::string> out;
    for (Index f : ids) out.insert(p.fields[f].name);
    return out;
  }

 private:
  static std::string noun_id(const std::string& noun) {
    std::string id;
    for (char c : noun) id += c == ' ' ? '_' : c;
    return id;
  }

  void rules(const std::string& scope, const PurposeInfo* x, const PurposeInfo* y);
  void reviews(const std::string& scope, const PurposeInfo& x, const PurposeInfo& y);
  void gates(const std::string& scope, const PurposeInfo& x, const PurposeInfo& y);

  const Program& a_;
  const Program& b_;
  RuleSetDiff& out_;
};

void Differ::purpose(const std::string& name) {
  const Index ia = a_.find_purpose(name), ib = b_.find_purpose(name);
  const std::string scope = "purpose " + name;
  if (ia == kNone || ib == kNone) {
    add(scope, "", ia == kNone ? "purpose_added" : "purpose_removed",
        ia == kNone ? "added" : "removed", ia == kNone);
    rules(scope, ia == kNone ? nullptr : &a_.purposes[ia],
          ib == kNone ? nullptr : &b_.purposes[ib]);
    return;
  }
  const PurposeInfo& x = a_.purposes[ia];
  const PurposeInfo& y = b_.purposes[ib];
  text(scope, "label", "label_changed", x.label, y.label, false);
  text(scope, "owner", "owner_changed", x.owner, y.owner, false);
  text(scope, "approved_by", "approved_by_changed", x.approved_by, y.approved_by, false);
  text(scope, "legal reference", "legal_reference_changed", x.legal_reference, y.legal_reference,
       true);
  text(scope, "GDPR basis", "gdpr_basis_changed", x.gdpr_basis, y.gdpr_basis, true);
  text(scope, "what it predicts", "predicts_changed", x.predicts, y.predicts, true);
  text(scope, "not for", "not_for_changed", x.not_for, y.not_for, true);
  if (x.effective_from != y.effective_from || x.effective_to != y.effective_to) {
    add(scope, "effective period", "effective_period_changed",
        "changed from " + period_text(x.effective_from, x.effective_to) + " to " +
            period_text(y.effective_from, y.effective_to),
        true, period_text(x.effective_from, x.effective_to),
        period_text(y.effective_from, y.effective_to));
  }
  if (x.suspended != y.suspended) {
    if (!y.suspended) {
      add(scope, "suspension", "suspension_lifted",
          "lifted (was suspended: \"" + *x.suspended + "\")", true, *x.suspended, "");
    } else {
      text(scope, "suspension", "suspended", x.suspended, y.suspended, false);
    }
  }
  sets(
      scope, "role",
      [&] {
        std::set<std::string> s;
        for (Index r : x.roles) s.insert(a_.roles[r]);
        return s;
      }(),
      [&] {
        std::set<std::string> s;
        for (Index r : y.roles) s.insert(b_.roles[r]);
        return s;
      }(),
      true, false);
  sets(scope, "source", source_names(a_, &x), source_names(b_, &y), true, false);
  sets(scope, "feature", field_names(a_, x.features), field_names(b_, y.features), true, true);
  sets(scope, "field read", field_names(a_, x.fields_read), field_names(b_, y.fields_read), true,
       false);
  sets(scope, "forbidden field", field_names(a_, x.forbidden), field_names(b_, y.forbidden), false,
       true);
  {
    std::set<std::string> before, after;
    for (Index r : x.approvers) before.insert(a_.roles[r]);
    for (Index r : y.approvers) after.insert(b_.roles[r]);
    sets(scope, "approving role", before, after, false, true);
  }
  // Justifications: a new one allows a protected field or a new access.
  for (const auto& [what, j] : y.justifications) {
    const auto it = x.justifications.find(what);
    if (it == x.justifications.end()) {
      add(scope, "justification for " + what, "justification_added", "added: \"" + j.text + "\"",
          true, "", j.text);
    } else if (it->second.text != j.text) {
      text(scope, "justification for " + what, "justification_changed", it->second.text, j.text,
           true);
    }
  }
  for (const auto& [what, j] : x.justifications) {
    if (!y.justifications.contains(what)) {
      add(scope, "justification for " + what, "justification_removed", "removed", false, j.text);
    }
  }
  text(scope, "model pin", "model_pin_changed", x.model_sha256, y.model_sha256, true);
  {
    const auto score = [](const Program& p, const PurposeInfo& q) -> std::optional<std::string> {
      if (q.score_field == kNone) return std::nullopt;
      return p.fields[q.score_field].name;
    };
    text(scope, "score from", "score_field_changed", score(a_, x), score(b_, y), true);
  }
  if (x.retention_months != y.retention_months) {
    const bool shorter = y.retention_months < x.retention_months;
    add(scope, "audit retention", shorter ? "retention_shortened" : "retention_lengthened",
        (shorter ? "shortened from " : "lengthened from ") + std::to_string(x.retention_months) +
            " to " + std::to_string(y.retention_months) + " months",
        shorter, std::to_string(x.retention_months), std::to_string(y.retention_months));
  }
  if (x.completeness != y.completeness) {
    const bool lowered = y.completeness < x.completeness;
    add(scope, "completeness minimum", lowered ? "completeness_lowered" : "completeness_raised",
        (lowered ? "lowered from " : "raised from ") + percent_text(x.completeness) + " to " +
            percent_text(y.completeness),
        lowered, percent_text(x.completeness), percent_text(y.completeness));
  }
  // Bands: the threshold below which each level is given.
  for (const dsl::Band& band : y.bands) {
    const std::string& level = b_.levels[band.level];
    const auto old = std::find_if(x.bands.begin(), x.bands.end(),
                                  [&](const dsl::Band& o) { return a_.levels[o.level] == level; });
    const auto shown = [](const std::optional<double>& below) {
      return below ? "below " + number_text(*below) : std::string("the rest");
    };
    if (old == x.bands.end()) {
      add(scope, "band " + level, "band_added", "added (" + shown(band.below) + ")", true);
    } else if (old->below != band.below) {
      add(scope, "band " + level, "threshold_moved",
          "threshold moved from " + shown(old->below) + " to " + shown(band.below), true,
          shown(old->below), shown(band.below));
    }
  }
  for (const dsl::Band& band : x.bands) {
    const std::string& level = a_.levels[band.level];
    if (std::none_of(y.bands.begin(), y.bands.end(),
                     [&](const dsl::Band& n) { return b_.levels[n.level] == level; })) {
      add(scope, "band " + level, "band_removed", "removed", true);
    }
  }
  gates(scope, x, y);
  {
    std::map<std::string, bool> before, after;  // field -> raises
    for (const auto& d : x.directions) before[a_.fields[d.field].name] = d.raises;
    for (const auto& d : y.directions) after[b_.fields[d.field].name] = d.raises;
    for (const auto& [field, raises] : before) {
      const auto it = after.find(field);
      if (it == after.end()) {
        add(scope, "direction of " + field, "direction_removed", "removed", true);
      } else if (it->second != raises) {
        add(scope, "direction of " + field, "direction_changed",
            std::string("changed from ") + (raises ? "raises" : "lowers") + " to " +
                (it->second ? "raises" : "lowers"),
            true);
      }
    }
    for (const auto& [field, raises] : after) {
      if (!before.contains(field)) {
        add(scope, "direction of " + field, "direction_added", "added", false);
      }
    }
  }
  reviews(scope, x, y);
  {
    std::map<std::string, std::string> before, after;  // level -> guidance
    for (const auto& [l, g] : x.guidance) before[a_.levels[l]] = g;
    for (const auto& [l, g] : y.guidance) after[b_.levels[l]] = g;
    std::set<std::string> levels;
    for (const auto& [l, g] : before) levels.insert(l);
    for (const auto& [l, g] : after) levels.insert(l);
    for (const std::string& l : levels) {
      const auto bi = before.find(l), ai = after.find(l);
      text(scope, "guidance at " + l, "guidance_changed",
           bi == before.end() ? std::nullopt : std::optional<std::string>(bi->second),
           ai == after.end() ? std::nullopt : std::optional<std::string>(ai->second), false);
    }
  }
  rules(scope, &x, &y);
}

void Differ::gates(const std::string& scope, const PurposeInfo& x, const PurposeInfo& y) {
  const auto key = [](const Program& p, const dsl::Gate& g) {
    return g.metric + (g.field == kNone ? "" : " on " + p.fields[g.field].name);
  };
  const auto shown = [](const dsl::Gate& g) {
    return std::string(g.at_least ? ">= " : "<= ") + number_text(g.bound);
  };
  std::map<std::string, const dsl::Gate*> before, after;
  for (const auto& g : x.gates) before[key(a_, g)] = &g;
  for (const auto& g : y.gates) after[key(b_, g)] = &g;
  for (const auto& [k, g] : before) {
    const auto it = after.find(k);
    if (it == after.end()) {
      add(scope, "gate " + k, "gate_removed", "removed (was " + shown(*g) + ")", true, shown(*g));
      continue;
    }
    const dsl::Gate& n = *it->second;
    if (n.at_least == g->at_least && n.bound == g->bound) continue;
    const bool loosened =
        n.at_least != g->at_least || (g->at_least ? n.bound < g->bound : n.bound > g->bound);
    add(scope, "gate " + k, loosened ? "gate_loosened" : "gate_tightened",
        std::string(loosened ? "loosened" : "tightened") + " from " + shown(*g) + " to " + shown(n),
        loosened, shown(*g), shown(n));
  }
  for (const auto& [k, g] : after) {
    if (!before.contains(k))
      add(scope, "gate " + k, "gate_added", "added (" + shown(*g) + ")", false);
  }
}

void Differ::reviews(const std::string& scope, const PurposeInfo& x, const PurposeInfo& y) {
  // Named triggers match by name; unnamed ones by their condition (their ids are positions).
  const auto key = [](const dsl::ReviewTrigger& t) {
    return t.named ? t.id : "when " + dsl::format_expr(*t.condition);
  };
  std::map<std::string, const dsl::ReviewTrigger*> before, after;
  for (const auto& t : x.reviews) before[key(t)] = &t;
  for (const auto& t : y.reviews) after[key(t)] = &t;
  const auto subject = [](const dsl::ReviewTrigger& t) {
    return "review trigger " + (t.named ? t.id : "`" + dsl::format_expr(*t.condition) + "`");
  };
  for (const auto& [k, t] : before) {
    const auto it = after.find(k);
    if (it == after.end()) {
      add(scope, subject(*t), "review_removed",
          "removed: review is no longer required when " + dsl::format_expr(*t->condition), true,
          dsl::format_expr(*t->condition));
      continue;
    }
    condition(scope, subject(*t), t->condition, it->second->condition);
    text(scope, subject(*t) + " reason", "review_reason_changed", t->reason, it->second->reason,
         false);
  }
  for (const auto& [k, t] : after) {
    if (!before.contains(k)) {
      add(scope, subject(*t), "review_added",
          "added: review required when " + dsl::format_expr(*t->condition), false, "",
          dsl::format_expr(*t->condition));
    }
  }
}

void Differ::rules(const std::string& scope, const PurposeInfo* x, const PurposeInfo* y) {
  std::map<std::string, const dsl::RuleInfo*> before, after;
  if (x != nullptr) {
    for (Index r : x->rules) before[a_.rules[r].name] = &a_.rules[r];
  }
  if (y != nullptr) {
    for (Index r : y->rules) after[b_.rules[r].name] = &b_.rules[r];
  }
  const auto level = [](const Program& p, Index l) -> std::optional<std::string> {
    if (l == kNone) return std::nullopt;
    return p.levels[l];
  };
  const auto flag = [](const dsl::RuleInfo& r) -> std::optional<std::string> {
    if (r.flag == nullptr || !r.flag->text) return std::nullopt;
    return r.flag->text->value;
  };
  for (const auto& [name, r] : before) {
    const std::string subject = "rule " + name;
    const auto it = after.find(name);
    if (it == after.end()) {
      add(scope, subject, "rule_removed", "removed", true);
      continue;
    }
    const dsl::RuleInfo& n = *it->second;
    condition(scope, subject, r->condition, n.condition);
    text(scope, subject + " flag", "flag_changed", flag(*r), flag(n), false);
    if (r->points != n.points) {
      add(scope, subject + " points", "points_changed",
          "changed from " + (r->points ? number_text(*r->points) : "none") + " to " +
              (n.points ? number_text(*n.points) : "none"),
          true);
    }
    text(scope, subject + " raises the level to", "raise_changed", level(a_, r->raise_to),
         level(b_, n.raise_to), true);
    text(scope, subject + " caps the level at", "cap_changed", level(a_, r->cap_at),
         level(b_, n.cap_at), true);
    if (r->review_because.has_value() != n.review_because.has_value()) {
      text(scope, subject + " requires review",
           n.review_because ? "review_added" : "review_removed", r->review_because,
           n.review_because, !n.review_because);
    } else {
      text(scope, subject + " review reason", "review_reason_changed", r->review_because,
           n.review_because, false);
    }
    if (r->effective_from != n.effective_from || r->effective_to != n.effective_to) {
      add(scope, subject + " effective period", "effective_period_changed",
          "changed from " + period_text(r->effective_from, r->effective_to) + " to " +
              period_text(n.effective_from, n.effective_to),
          true);
    }
    text(scope, subject + " label", "label_changed", r->label, n.label, false);
  }
  for (const auto& [name, r] : after) {
    if (!before.contains(name)) add(scope, "rule " + name, "rule_added", "added", true);
  }
}

void Differ::sources_and_fields(const std::set<std::string>& sources,
                                const std::set<std::string>& fields) {
  for (const std::string& name : sources) {
    const Index ia = a_.find_source(name), ib = b_.find_source(name);
    if (ia == kNone || ib == kNone) continue;  // a purpose's source_added/removed says it
    const dsl::SourceInfo& x = a_.source_infos[ia];
    const dsl::SourceInfo& y = b_.source_infos[ib];
    const std::string scope = "source " + name;
    text(scope, "GDPR category", "category_changed", dsl::to_string(x.category),
         dsl::to_string(y.category), true);
    text(scope, "legal basis", "legal_basis_changed", x.legal_basis, y.legal_basis, true);
    text(scope, "holder", "holder_changed", x.holder, y.holder, false);
    std::set<std::string> before, after;
    for (Index r : x.accessible_to) before.insert(a_.roles[r]);
    for (Index r : y.accessible_to) after.insert(b_.roles[r]);
    sets(scope, "access for", before, after, true, false);
  }
  for (const std::string& name : fields) {
    const Index ia = a_.find_field(name), ib = b_.find_field(name);
    if (ia == kNone || ib == kNone) continue;
    const dsl::FieldInfo& x = a_.fields[ia];
    const dsl::FieldInfo& y = b_.fields[ib];
    const std::string scope = "field " + name;
    text(scope, "type", "type_changed", dsl::to_string(x.type), dsl::to_string(y.type), true);
    const auto range = [](const dsl::FieldInfo& f) -> std::optional<std::string> {
      if (!f.low && !f.high) return std::nullopt;
      return (f.low ? number_text(*f.low) : "") + ".." + (f.high ? number_text(*f.high) : "");
    };
    text(scope, "range", "range_changed", range(x), range(y), true);
    text(scope, "unit", "unit_changed", x.unit, y.unit, false);
    text(scope, "label", "label_changed", x.label, y.label, false);
    if (x.is_protected != y.is_protected) {
      add(scope, "protected", x.is_protected ? "protection_removed" : "protection_added",
          x.is_protected ? "no longer protected" : "now protected", x.is_protected);
    }
    const auto consent = [](const Program& p,
                            const dsl::FieldInfo& f) -> std::optional<std::string> {
      if (f.requires_field == kNone) return std::nullopt;
      return p.fields[f.requires_field].name;
    };
    const auto before_consent = consent(a_, x), after_consent = consent(b_, y);
    if (before_consent != after_consent) {
      text(scope, "requires consent", after_consent ? "consent_changed" : "consent_removed",
           before_consent, after_consent, !after_consent || before_consent.has_value());
    }
  }
}

}  // namespace

RuleSetDiff diff_rule_sets(const Program& before, const Program& after,
                           const std::string& purpose) {
  if (before.levels != after.levels) {
    const auto scale = [](const Program& p) {
      std::string s;
      for (const std::string& l : p.levels) s += (s.empty() ? "" : ", ") + l;
      return s;
    };
    throw base::InputError("the two rule sets have different level scales (" + scale(before) +
                           " against " + scale(after) +
                           "); a diff compares rule sets on one scale");
  }
  RuleSetDiff diff;
  if (!purpose.empty()) {
    if (before.find_purpose(purpose) == kNone && after.find_purpose(purpose) == kNone) {
      throw base::InputError("no purpose '" + purpose + "' in either rule set");
    }
    diff.purposes.push_back(purpose);
  } else {
    for (const auto& p : after.purposes) diff.purposes.push_back(p.name);
    for (const auto& p : before.purposes) {
      if (after.find_purpose(p.name) == kNone) diff.purposes.push_back(p.name);
    }
  }
  Differ d(before, after, diff);
  std::set<std::string> sources, fields;
  for (const std::string& name : diff.purposes) {
    d.purpose(name);
    for (const Program* p : {&before, &after}) {
      const Index pi = p->find_purpose(name);
      if (pi == kNone) continue;
      for (const std::string& s : d.source_names(*p, &p->purposes[pi])) sources.insert(s);
      for (const std::string& f : d.field_names(*p, p->purposes[pi].fields_read)) fields.insert(f);
      for (const std::string& f : d.field_names(*p, p->purposes[pi].features)) fields.insert(f);
    }
  }
  d.sources_and_fields(sources, fields);
  std::stable_partition(diff.changes.begin(), diff.changes.end(),
                        [](const RuleSetChange& c) { return c.needs_approval; });
  return diff;
}

}  // namespace skon::engine
