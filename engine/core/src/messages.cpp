#include "skon/core/messages.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "skon/core/value.hpp"

namespace skon::engine {
namespace {

struct Entry {
  std::string_view danish;
  std::string_view english;
};

constexpr std::array kCatalogue = {
#define SKON_MESSAGE(id, da, en) Entry{da, en},
#include "skon/core/messages.def"
#undef SKON_MESSAGE
};

std::string with_decimal_mark(std::string s, Language language) {
  if (language == Language::Danish) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

}  // namespace

std::optional<Language> parse_language(std::string_view code) {
  if (code == "da") return Language::Danish;
  if (code == "en") return Language::English;
  return std::nullopt;
}

std::string_view language_code(Language language) {
  return language == Language::Danish ? "da" : "en";
}

std::string_view text(Language language, Msg id) {
  const Entry& e = kCatalogue[static_cast<std::size_t>(id)];
  return language == Language::Danish ? e.danish : e.english;
}

std::string format(Language language, Msg id, std::initializer_list<std::string_view> args) {
  const std::string_view t = text(language, id);
  std::string out;
  auto arg = args.begin();
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{' && i + 1 < t.size() && t[i + 1] == '}' && arg != args.end()) {
      out += *arg++;
      ++i;
    } else {
      out += t[i];
    }
  }
  return out;
}

std::string format_decimal(double v, Language language) {
  return with_decimal_mark(format_number(v), language);
}

std::string format_fixed(double v, int digits, Language language) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return with_decimal_mark(buffer, language);
}

std::string format_percent(double share, Language language) {
  return format_fixed(100 * share, 1, language) + " %";
}

std::string format_share(double share, Language language) {
  return format_decimal(std::round(share * 1000) / 10, language) + " %";
}

}  // namespace skon::engine
