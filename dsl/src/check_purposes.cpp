// The checker's pass over purposes: every statement of a purpose, resolved and checked.
#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "checker.hpp"
#include "skon/base/date.hpp"
#include "skon/dsl/format.hpp"
#include "skon/dsl/suggest.hpp"

namespace skon::dsl {
namespace detail {

void Checker::check_purposes() {
  using Key = ast::PurposeStmt::Key;
  trigger_facts_.resize(p_.purposes.size());
  for (ast::Module& m : p_.modules) {
    for (ast::Decl& d : m.decls) {
      auto* pd = std::get_if<ast::PurposeDecl>(&d);
      if (pd == nullptr) continue;
      const Index pi = p_.find_purpose(pd->name.name);
      if (pi == kNone || p_.purposes[pi].span != pd->name.span) continue;
      PurposeInfo& info = p_.purposes[pi];
      std::map<Key, Span> once;
      for (auto& st : pd->body) {
        const bool repeatable = st.key == Key::Justify || st.key == Key::Gate ||
                                st.key == Key::Direction || st.key == Key::Review ||
                                st.key == Key::Guidance;
        if (!repeatable) {
          if (auto it = once.find(st.key); it != once.end()) {
            Diagnostic& diag = bag_.add(DiagCode::E0109, st.span,
                                        "this statement may appear only once per purpose");
            diag.notes.push_back({it->second, "first given here"});
            continue;
          }
          once[st.key] = st.span;
        }
        switch (st.key) {
          case Key::Owner:
            info.owner = st.text->value;
            break;
          case Key::ApprovedBy:
            info.approved_by = st.text->value;
            break;
          case Key::LegalReference:
            info.legal_reference = st.text->value;
            break;
          case Key::GdprBasis:
            info.gdpr_basis = st.text->value;
            break;
          case Key::NotFor:
            info.not_for = st.text->value;
            break;
          case Key::Predicts:
            info.predicts = st.text->value;
            break;
          case Key::Effective:
            info.effective_from = st.from->days;
            if (st.to) {
              info.effective_to = st.to->days;
              if (st.to->days < st.from->days) {
                bag_.add(DiagCode::E0209, st.span, "the effective period ends before it starts");
              }
            }
            break;
          case Key::Roles:
            for (const auto& r : st.idents) {
              const Index ri = resolve_role(r);
              if (ri != kNone) info.roles.push_back(ri);
            }
            break;
          case Key::Sources:
            for (const auto& s : st.idents) {
              const Index si = p_.find_source(s.name);
              if (si == kNone) {
                unknown(bag_, s, "source", keys_of(p_.source_index));
                continue;
              }
              info.sources.push_back(si);
              info.source_spans[s.name] = s.span;
            }
            break;
          case Key::Model:
            info.model_path = st.text->value;
            info.model_span = st.span;
            if (st.sha256) {
              const std::string& h = st.sha256->value;
              const bool hex = h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
                                 return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                               });
              if (!hex) {
                bag_.add(DiagCode::E0209, st.sha256->span,
                         "a model pin must be 64 lowercase hexadecimal digits (a SHA-256)");
              }
              info.model_sha256 = h;
            }
            break;
          case Key::Features:
            for (const auto& f : st.idents) {
              const Index fi = resolve_field(f, "field");
              if (fi == kNone) continue;
              info.features.push_back(fi);
              info.feature_spans[fi] = f.span;
              fields_used_.insert(fi);
            }
            break;
          case Key::Retention: {
            const double n = st.number->value;
            if (n < 6 || n != static_cast<double>(static_cast<int>(n)) || n > 1200) {
              bag_.add(DiagCode::E0209, st.span,
                       "retention is a whole number of months, at least 6 (AI Act Art. 19, "
                       "26(6): a deployer keeps its logs six months or more)");
              break;
            }
            info.retention_months = static_cast<int>(n);
            break;
          }
          case Key::RequiresApproval:
            for (const auto& r : st.idents) {
              const Index ri = resolve_role(r);
              if (ri != kNone) info.approvers.push_back(ri);
            }
            info.approvers_span = st.span;
            break;
          case Key::Score: {
            const Index fi = resolve_field(st.idents[0], "field");
            if (fi == kNone) break;
            fields_used_.insert(fi);
            const FieldInfo& field = p_.fields[fi];
            // A score is used as a probability: its declared range is what makes every value
            // one (a value outside it is a data error, caught before any rule runs).
            if (field.type != ValueType::Number || !field.low || !field.high || *field.low < 0 ||
                *field.high > 1) {
              Diagnostic& bad = bag_.add(DiagCode::E0209, st.idents[0].span,
                                         "a score is a probability, but " + backticked(field.name) +
                                             " is not declared as one");
              bad.notes.push_back({field.span, "declared here"});
              bad.help =
                  "declare it `number in 0..1` (rescale a score given in percent or points "
                  "before it reaches Skøn)";
              break;
            }
            info.score_field = fi;
            info.score_span = st.idents[0].span;
            break;
          }
          case Key::Forbid:
            for (const auto& f : st.idents) {
              const Index fi = resolve_field(f, "field");
              if (fi != kNone)
                info.forbidden.push_back(fi), fields_used_.insert(fi);  // a forbid is a use
            }
            break;
          case Key::Justify: {
            const auto& target = st.idents[0];
            if (p_.find_field(target.name) == kNone && p_.find_source(target.name) == kNone) {
              auto candidates = keys_of(p_.field_index);
              for (const auto& s : keys_of(p_.source_index)) candidates.push_back(s);
              unknown(bag_, target, "field or source", candidates);
              break;
            }
            if (is_blank(st.text->value)) {  // a blank justification justifies nothing
              bag_.add(DiagCode::E0209, st.text->span,
                       "the justification for " + backticked(target.name) + " is empty")
                  .help = "write why the purpose needs it, in words a legal reviewer can weigh";
              break;
            }
            info.justifications[target.name] = Justification{st.text->value, target.span, false};
            break;
          }
          case Key::Completeness: {
            const double pct = st.number->value;
            if (pct < 0 || pct > 100) {
              bag_.add(DiagCode::E0209, st.span, "completeness must lie between 0 and 100 %");
            }
            info.completeness = std::clamp(pct, 0.0, 100.0) / 100.0;
            break;
          }
          case Key::Bands: {
            Index previous_level = kNone;
            double previous = 0;
            bool ok = true;
            for (std::size_t i = 0; i < st.bands.size(); ++i) {
              const auto& b = st.bands[i];
              const Index li = resolve_level(b.level);
              if (li == kNone) {
                ok = false;
                continue;
              }
              const bool last = i + 1 == st.bands.size();
              if (previous_level != kNone && li <= previous_level) {
                bag_.add(DiagCode::E0208, b.level.span,
                         "band " + backticked(b.level.name) +
                             " must come after a lower level; list bands from the lowest level up");
                ok = false;
              }
              if (!last && !b.below) {
                bag_.add(DiagCode::E0208, b.level.span,
                         "band " + backticked(b.level.name) +
                             " needs `below P`; only the last band is open-ended");
                ok = false;
              }
              if (last && b.below) {
                bag_.add(DiagCode::E0208, b.level.span,
                         "the last band must be open-ended (no `below`), so every probability has "
                         "a level");
                ok = false;
              }
              if (b.below && (b.below->value <= previous || b.below->value >= 1)) {
                bag_.add(DiagCode::E0208, b.level.span,
                         "band thresholds must increase strictly between 0 and 1");
                ok = false;
              }
              if (b.below) previous = b.below->value;
              previous_level = li;
              info.bands.push_back(
                  Band{li, b.below ? std::optional(b.below->value) : std::nullopt});
            }
            if (!ok) info.bands.clear();
            break;
          }
          case Key::Gate: {
            static const std::vector<std::string> kMetrics = {
                "auc", "pr_auc", "brier", "log_loss", "calibration_error", "group_gap"};
            Gate g;
            g.metric = st.gate->metric.name;
            g.at_least = st.gate->op == ast::BinaryOp::Ge;
            g.bound = st.gate->bound.value;
            g.span = st.span;
            if (st.gate->confidence) {
              const double level = st.gate->confidence->value;
              if (g.metric != "group_gap") {
                bag_.add(DiagCode::E0209, st.span, "only a `group_gap` gate can act on an interval")
                    .help =
                    "remove `at ... %`, or gate the group gap: `gate group_gap on sex <= "
                    "0.05 at 95 %`";
              } else if (level < 50 || level >= 100) {
                bag_.add(DiagCode::E0209, st.span, "an interval's level is between 50 % and 100 %")
                    .help = "use e.g. `at 95 %`";
              } else {
                g.confidence = level / 100;
              }
            }
            if (std::find(kMetrics.begin(), kMetrics.end(), g.metric) == kMetrics.end()) {
              unknown(bag_, st.gate->metric, "quality metric", kMetrics);
              break;
            }
            if (st.gate->on) {
              g.field = resolve_field(*st.gate->on, "field");
              if (g.field != kNone) fields_used_.insert(g.field);
              if (g.field != kNone && p_.fields[g.field].type != ValueType::Category) {
                bag_.add(DiagCode::E0201, st.gate->on->span,
                         "group gaps are measured over the groups of a category field; " +
                             backticked(st.gate->on->name) + " is a " +
                             to_string(p_.fields[g.field].type));
              }
            } else if (g.metric == "group_gap") {
              bag_.add(DiagCode::E0209, st.span,
                       "`group_gap` needs the field whose groups it compares: `gate group_gap on "
                       "sex <= 0.05`");
            }
            info.gates.push_back(g);
            break;
          }
          case Key::Direction: {
            const Index fi = resolve_field(st.idents[0], "field");
            if (fi != kNone) info.directions.push_back(Direction{fi, st.raises, st.span});
            break;
          }
          case Key::Suspended:
            info.suspended = st.text->value;
            break;
          case Key::Review: {
            ExprFacts facts;
            check_condition(*st.condition, facts, static_cast<Index>(p_.lets.size()),
                            "a review trigger");
            trigger_facts_[pi].push_back(std::move(facts));
            ReviewTrigger trigger{
                st.condition.get(), st.text ? st.text->value : format_expr(*st.condition),
                st.name ? st.name->name : "review_" + std::to_string(info.reviews.size() + 1),
                st.name.has_value(), st.span};
            if (st.name) {
              for (const ReviewTrigger& other : info.reviews) {
                if (other.named && other.id == trigger.id)
                  duplicate("review reason", *st.name, other.span);
              }
              if (const Index ri = p_.find_rule(trigger.id); ri != kNone) {
                Diagnostic& clash = bag_.add(DiagCode::E0105, st.name->span,
                                             backticked(trigger.id) +
                                                 " names both a review trigger and a rule, whose "
                                                 "review reasons share their ids");
                clash.notes.push_back({p_.rules[ri].span, "the rule is defined here"});
              }
              if (trigger.id == kInsufficientDataReason) {
                bag_.add(DiagCode::E0105, st.name->span,
                         "`insufficient_data` is the id of the review the engine requires when "
                         "data are missing");
              }
              if (trigger.id == kMissingScoreReason) {
                bag_.add(DiagCode::E0105, st.name->span,
                         "`missing_score` is the id of the review the engine requires when a "
                         "purpose's score is missing");
              }
            }
            info.reviews.push_back(std::move(trigger));
            break;
          }
          case Key::Guidance: {
            const Index li = resolve_level(*st.level);
            if (li == kNone) break;
            if (info.guidance.contains(li)) {
              bag_.add(DiagCode::E0109, st.span,
                       "guidance for level " + backticked(st.level->name) + " is given twice");
            }
            info.guidance[li] = st.text->value;
            break;
          }
        }
      }
      if (info.roles.empty() && !once.contains(Key::Roles)) {
        bag_.add(DiagCode::E0110, pd->name.span,
                 "purpose " + backticked(info.name) + " does not say which roles use it")
            .help = "add `roles ROLE, ...`";
      }
      if (!once.contains(Key::Sources)) {
        bag_.add(DiagCode::E0110, pd->name.span,
                 "purpose " + backticked(info.name) + " does not say which sources it may use")
            .help = "add `sources SOURCE, ...`; a purpose may use no data it does not list";
      }
      // A probability comes from a model or from the data, never both.
      const bool has_model = once.contains(Key::Model) || once.contains(Key::Features);
      if (once.contains(Key::Score) && has_model) {
        const Span other = once.contains(Key::Model) ? once[Key::Model] : once[Key::Features];
        Diagnostic& both =
            bag_.add(DiagCode::E0209, once[Key::Score],
                     "purpose " + backticked(info.name) +
                         " takes its score from a field and from a model; it can have one");
        both.notes.push_back({other, "the model is declared here"});
        both.help = "remove `score from` or the model's `model`/`features` statements";
      }
      // Bands turn a probability into a level: needed when there is one.
      if (!once.contains(Key::Bands) && (has_model || once.contains(Key::Score))) {
        bag_.add(DiagCode::E0110, pd->name.span,
                 "purpose " + backticked(info.name) + " has no level bands")
            .help = "add e.g. `bands low below 0.1, medium below 0.25, high`";
      }
      // Direction constraints apply to model features only.
      for (const auto& dir : info.directions) {
        if (std::find(info.features.begin(), info.features.end(), dir.field) ==
            info.features.end()) {
          bag_.add(DiagCode::E0307, dir.span,
                   "direction given for " + backticked(p_.fields[dir.field].name) +
                       ", which is not one of the purpose's model features");
        }
      }
    }
  }
}

// Every rule's purposes, before any condition is checked: fired() and subsets refer to rules
// defined further down.
}  // namespace detail
}  // namespace skon::dsl
