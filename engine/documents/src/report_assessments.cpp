// One pass over a run's assessments for `skon report`: counts, the probability histogram, rule
// firings and a sample of whole records for the explanation cards.

#include <simdjson.h>

#include <cstdio>
#include <memory>

#include "skon/base/errors.hpp"
#include "skon/documents/report.hpp"

namespace skon::engine {

namespace {

namespace od = simdjson::ondemand;

constexpr std::size_t kBins = 50;

// Calls `line(text, number)` for each line of `path`, read in large blocks. Each line's view
// stays readable for simdjson's padding: the block is allocated with room after it.
template <class F>
void for_each_line(const std::string& path, F&& line) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw base::InputError("cannot open assessments '" + path + "'");
  constexpr std::size_t kBlock = 8 << 20;
  std::vector<char> buf(kBlock + simdjson::SIMDJSON_PADDING);
  std::size_t kept = 0, number = 0;
  for (;;) {
    if (kept == buf.size() - simdjson::SIMDJSON_PADDING) {  // a line longer than the buffer
      buf.resize(2 * buf.size());
    }
    const std::size_t got =
        std::fread(buf.data() + kept, 1, buf.size() - simdjson::SIMDJSON_PADDING - kept, f.get());
    const std::size_t end = kept + got;
    std::size_t start = 0;
    for (std::size_t i = start; i < end; ++i) {
      if (buf[i] != '\n') continue;
      ++number;
      if (i > start)
        line(std::string_view(buf.data() + start, i - start), number, buf.size() - start);
      start = i + 1;
    }
    if (got == 0) {
      if (end > start)
        line(std::string_view(buf.data() + start, end - start), ++number, buf.size() - start);
      return;
    }
    std::copy(buf.begin() + static_cast<std::ptrdiff_t>(start),
              buf.begin() + static_cast<std::ptrdiff_t>(end), buf.begin());
    kept = end - start;
  }
}

}  // namespace

AssessmentSummary summarize_assessments(const std::string& path, const dsl::Program& program,
                                        dsl::Index purpose, std::size_t cards) {
  const dsl::PurposeInfo& p = program.purposes[purpose];
  const std::size_t levels = program.levels.size();
  AssessmentSummary s;
  s.per_level.assign(levels, 0);
  s.histogram.assign(kBins, 0);
  s.model_vs_final.assign(levels, std::vector<std::size_t>(levels, 0));
  std::map<std::string, std::size_t> rule_at;
  for (dsl::Index r : p.rules) {
    rule_at[program.rules[r].name] = s.rules.size();
    s.rules.push_back({program.rules[r].name, 0, std::vector<std::size_t>(levels, 0)});
  }
  // Cards: a share for each level from the highest down, the rest for reviews, in file order.
  std::vector<std::size_t> card_quota(levels, levels ? cards / (levels + 1) : 0);
  std::size_t review_quota = cards - (levels ? cards / (levels + 1) * levels : 0);

  od::parser parser;
  std::vector<std::size_t> fired;
  for_each_line(path, [&](std::string_view text, std::size_t line, std::size_t capacity) {
    const auto bad = [&](const std::string& what) {
      throw base::InputError(path + ": line " + std::to_string(line) +
                             ": not an assessment as `skon assess` writes them (" + what + ")");
    };
    od::document doc;
    if (parser.iterate(simdjson::padded_string_view(text.data(), text.size(), capacity)).get(doc) !=
        simdjson::SUCCESS) {
      bad("not JSON");
    }
    od::object o;
    if (doc.get_object().get(o) != simdjson::SUCCESS) bad("not an object");
    ++s.records;
    std::string_view outcome, run;
    if (o["run"].get_string().get(run) == simdjson::SUCCESS && s.run.empty()) s.run = run;
    if (o["outcome"].get_string().get(outcome) != simdjson::SUCCESS) bad("no outcome");
    ++s.outcomes[std::string(outcome)];
    dsl::Index level = dsl::kNone, model_level = dsl::kNone;
    std::string_view name;
    if (o["level"].get_string().get(name) == simdjson::SUCCESS) {
      level = program.find_level(name);
      if (level == dsl::kNone) bad("a level the rules do not have");
      ++s.per_level[level];
    }
    double probability = 0;
    if (o["probability"].get_double().get(probability) == simdjson::SUCCESS) {
      ++s.with_probability;
      s.probability_sum += probability;
      ++s.histogram[std::min(kBins - 1,
                             static_cast<std::size_t>(std::max(0.0, probability) * kBins))];
    }
    if (o["model_level"].get_string().get(name) == simdjson::SUCCESS) {
      model_level = program.find_level(name);
    }
    if (level != dsl::kNone && model_level != dsl::kNone) ++s.model_vs_final[model_level][level];
    fired.clear();
    od::array flags;
    if (o["flags"].get_array().get(flags) == simdjson::SUCCESS) {
      for (auto flag : flags) {
        std::string_view rule;
        if (flag["rule"].get_string().get(rule) != simdjson::SUCCESS)
          bad("a flag without its rule");
        const auto it = rule_at.find(std::string(rule));
        if (it != rule_at.end()) fired.push_back(it->second);
      }
    }
    for (std::size_t r : fired) {
      ++s.rules[r].fired;
      if (level != dsl::kNone) ++s.rules[r].by_level[level];
    }
    bool review = false;
    if (o["review"]["required"].get_bool().get(review) == simdjson::SUCCESS && review) {
      ++s.review_required;
    }
    // The sample of cards: in file order, while a quota lasts.
    if (level != dsl::kNone && card_quota[level] > 0) {
      --card_quota[level];
      s.cards.emplace_back(text);
    } else if (review && review_quota > 0) {
      --review_quota;
      s.cards.emplace_back(text);
    }
  });
  return s;
}

}  // namespace skon::engine
