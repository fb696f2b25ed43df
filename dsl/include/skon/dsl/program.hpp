#pragma once

// A loaded and checked rule set: every file, in evaluation order, and the symbol tables the
// checker builds over them. Indices (FieldId, RuleId, ...) are positions in these tables and are
// what the engine compiles against; names are only for messages and output.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "skon/dsl/ast.hpp"
#include "skon/dsl/diagnostic.hpp"
#include "skon/dsl/parse.hpp"
#include "skon/dsl/source.hpp"

namespace skon::dsl {

using Index = std::uint32_t;
inline constexpr Index kNone = 0xFFFFFFFF;

// The most expression nodes a rule set's derived values, rule conditions and review triggers may
// have together (E0007). The compiled plan keeps one register of 256 values per node, so this
// bounds its memory (about 100 MB per thread at the limit).
inline constexpr std::size_t kMaxExpressionNodes = 50'000;

enum class ValueType : std::uint8_t { Number, Bool, Category, Date, Level, Text, Error };
const char* to_string(ValueType t);

// The GDPR's categories of personal data a source can hold: ordinary (Art. 6), special categories
// (Art. 9), criminal offences (Art. 10), and the CPR number (databeskyttelsesloven § 11).
enum class DataCategory : std::uint8_t { Ordinary, Special, Criminal, CprNumber };
const char* to_string(DataCategory c);

struct SourceInfo {
  std::string name;
  std::string label;
  std::string holder;
  DataCategory category = DataCategory::Ordinary;
  std::optional<std::string> legal_basis;
  std::vector<Index> accessible_to;  // roles
  Span span;
};

struct FieldInfo {
  std::string name;
  std::string label;
  ValueType type = ValueType::Number;
  std::optional<double> low;  // declared range, inclusive
  std::optional<double> high;
  std::string unit;
  std::vector<std::string> levels;  // category values, in declared order
  Index source = kNone;
  bool is_protected = false;
  // `requires FIELD`: a bool field that must be true for this value to be read at all. Without
  // it the value is withheld — not read, not range-checked — and shown as not used (no consent).
  Index requires_field = kNone;
  Span requires_span;
  // Some field requires this one: a missing consent reads as false (no consent given).
  bool is_consent = false;
  Span span;
};

struct LetInfo {
  std::string name;
  std::string label;
  const ast::Expr* value = nullptr;
  ValueType type = ValueType::Error;
  Index category_field = kNone;    // for category-valued lets
  std::vector<Index> fields_read;  // transitively, sorted
  Span span;
};

struct Justification {
  std::string text;
  Span span;
  bool used = false;
};

struct Band {
  Index level = kNone;
  std::optional<double> below;  // probability threshold; absent on the last band
};

struct Gate {
  std::string metric;    // auc, pr_auc, brier, log_loss, calibration_error, group_gap
  Index field = kNone;   // group_gap on FIELD
  bool at_least = true;  // >= (else <=)
  double bound = 0;
  // `at 95 %`: the gate holds only if the whole interval at this level does (group_gap: its
  // upper bound, from the bootstrap standard deviation); absent, it acts on the point estimate.
  std::optional<double> confidence;
  Span span;
};

struct Direction {
  Index field = kNone;
  bool raises = true;
  Span span;
};

struct ReviewTrigger {
  const ast::Expr* condition = nullptr;
  std::string reason;  // the `because` text, or the condition's source text
  // The reason's id in outputs and tests: the trigger's name, or `review_N` (its position in the
  // purpose, from 1) when it has none — stable only while no trigger is added above it.
  std::string id;
  bool named = false;
  Span span;
};

// The id of the review reason given for insufficient data.
inline constexpr const char* kInsufficientDataReason = "insufficient_data";
// The id of the review the engine requires when a purpose's `score from` field is missing.
inline constexpr const char* kMissingScoreReason = "missing_score";

struct PurposeInfo {
  std::string name;
  std::string label;
  Span span;
  // governance
  std::optional<std::string> owner, approved_by, legal_reference;
  std::optional<std::string> gdpr_basis;  // the GDPR Art. 6 basis (usually 6(1)(e))
  std::optional<std::string> not_for;     // what it must not be used for, in the owner's words
  // `predicts "..."`: what its probability is the probability of, in a professional's words
  // ("not completing an upper-secondary education within 6 years of grade 9").
  std::optional<std::string> predicts;
  std::optional<std::int32_t> effective_from, effective_to;  // days since epoch, inclusive
  std::optional<std::string> suspended;                      // the reason
  // what it may use
  std::vector<Index> roles;
  std::vector<Index> sources;
  std::map<std::string, Span> source_spans;  // where each allowed source is listed
  std::vector<Index> features;
  std::map<Index, Span> feature_spans;
  std::vector<Index> forbidden;
  std::map<std::string, Justification> justifications;  // by field or source name
  std::optional<std::string> model_path;
  std::optional<std::string> model_sha256;
  Span model_span;
  // `score from FIELD`: the probability is that field's value (a score another system computes),
  // not a model's; exclusive with `model` and `features`.
  Index score_field = kNone;
  Span score_span;
  // `requires approval by ROLE, ...`: `skon assess` runs only a rule set (and model) each of
  // these roles approved in the audit log (`skon approve`).
  std::vector<Index> approvers;
  Span approvers_span;
  // `retention N months`: the audit log keeps this purpose's assessments and decisions at least
  // this long; never less than the AI Act's six months (the default).
  int retention_months = 6;
  // how it decides
  double completeness = 0;  // fraction of the fields it reads that must be known
  std::vector<Band> bands;
  std::vector<Gate> gates;
  std::vector<Direction> directions;
  std::vector<ReviewTrigger> reviews;
  std::map<Index, std::string> guidance;  // by level
  // The rules that apply, in evaluation order: by stratum, then by name, so the order of the
  // files never matters. A rule's stratum is one more than the highest stratum of the rules whose
  // results it reads (flags, points, level or fired()); a rule reads nothing of its own.
  std::vector<Index> rules;
  std::vector<Index> strata;       // per position in `rules`: its stratum, ascending
  std::vector<Index> fields_read;  // by its rules, lets, features and triggers, sorted

  bool allows_source(Index source) const;
};

struct RuleInfo {
  std::string name;
  std::string label;
  const ast::RuleDecl* decl = nullptr;
  Span span;
  std::vector<Index> purposes;  // resolved scope (all purposes when the rule names none)
  bool scoped = false;          // named its purposes explicitly
  const ast::Expr* condition = nullptr;
  const ast::RuleStmt* flag = nullptr;
  std::optional<double> points;
  Index raise_to = kNone;
  std::string raise_because;
  Index cap_at = kNone;
  std::string cap_because;
  std::optional<std::string> review_because;
  std::optional<std::int32_t> effective_from, effective_to;
  std::vector<std::string> tags;   // `tags attendance, grades`
  std::vector<Index> fields_read;  // by its condition and flag text, transitively through lets
};

struct TestInfo {
  const ast::TestDecl* decl = nullptr;
  Index purpose = kNone;
};

// Everything loaded for one run. Owns the source texts and the ASTs; the info tables point into
// them, so a Program is neither copied nor moved after loading.
class Program {
 public:
  Program() = default;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  SourceMap sources;
  std::vector<ast::Module> modules;          // imports before importers; evaluation order
  std::vector<std::filesystem::path> paths;  // per module, as given or resolved

  std::vector<std::string> levels;        // ascending
  std::vector<std::string> level_labels;  // per level: its label, or its name when it has none
  std::vector<Span> level_spans;
  std::vector<std::string> roles;
  std::vector<Span> role_spans;
  std::vector<SourceInfo> source_infos;
  std::vector<FieldInfo> fields;
  std::vector<LetInfo> lets;
  std::vector<PurposeInfo> purposes;
  std::vector<RuleInfo> rules;
  std::vector<TestInfo> tests;

  Index find_field(std::string_view name) const { return find(field_index, name); }
  Index find_source(std::string_view name) const { return find(source_index, name); }
  Index find_purpose(std::string_view name) const { return find(purpose_index, name); }
  Index find_rule(std::string_view name) const { return find(rule_index, name); }
  Index find_level(std::string_view name) const { return find(level_index, name); }
  Index find_let(std::string_view name) const { return find(let_index, name); }
  Index find_role(std::string_view name) const { return find(role_index, name); }

  std::unordered_map<std::string, Index> field_index, source_index, purpose_index, rule_index,
      level_index, let_index, role_index;
  std::map<std::string, std::vector<Index>> tag_index;  // tag -> its rules, ascending

 private:
  static Index find(const std::unordered_map<std::string, Index>& m, std::string_view name) {
    const auto it = m.find(std::string(name));
    return it == m.end() ? kNone : it->second;
  }
};

struct LoadOptions {
  ParseLimits limits;
};

// The *.skon files under `dir`, recursively, in sorted order; an unreadable directory is E0001.
std::vector<std::filesystem::path> rule_files_in(const std::filesystem::path& dir,
                                                 DiagnosticBag& bag);

// Reads the rule files at `paths` — files, or directories searched recursively for *.skon in
// sorted order — and every file they import. An import is resolved relative to the importing
// file and may not leave the rule root (the directory given, or a given file's directory).
// Problems are diagnostics in `bag`; the program holds whatever could be read.
std::unique_ptr<Program> load_program(const std::vector<std::filesystem::path>& paths,
                                      DiagnosticBag& bag, const LoadOptions& options = {});

// Loads rule text held in memory as one file named `name` (tests, `explain --set`, tools).
std::unique_ptr<Program> load_program_text(std::string name, std::string text, DiagnosticBag& bag,
                                           const LoadOptions& options = {});

// Whether `purpose` may be assessed on day `today` (days since 1970-01-01): it is not suspended
// and `today` lies in its effective period. Otherwise adds E0306 to `bag` and returns false.
bool purpose_assessable(const Program& program, Index purpose, std::int32_t today,
                        DiagnosticBag& bag);

// Binds names, checks types and the purposes' data-protection constraints, and runs the lints.
// Fills the program's tables. Errors and warnings go to `bag`.
void check_program(Program& program, DiagnosticBag& bag);

}  // namespace skon::dsl
