#pragma once

// The message catalogue: every word the engine itself prints, per language (messages.def), and
// numbers written as that language writes them. Texts the rule authors wrote are never
// translated; they appear as written.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace skon::engine {

enum class Language : std::uint8_t { Danish, English };

// "da" or "en"; nullopt for anything else.
std::optional<Language> parse_language(std::string_view code);
std::string_view language_code(Language language);

enum class Msg : std::uint16_t {
#define SKON_MESSAGE(id, da, en) id,
#include "skon/core/messages.def"
#undef SKON_MESSAGE
};

// The text of `id` in `language`.
std::string_view text(Language language, Msg id);

// The text with each "{}" replaced by the next argument.
std::string format(Language language, Msg id, std::initializer_list<std::string_view> args);

// The shortest decimal that round-trips, locale-independent: "22,5" in Danish, "22.5" in English.
std::string format_decimal(double v, Language language);
// `digits` decimals: "12,5" / "12.5".
std::string format_fixed(double v, int digits, Language language);
// A share as a percentage with one decimal: "12,5 %" / "12.5 %".
std::string format_percent(double share, Language language);
// A share as a percentage to one decimal, written shortest: "70 %", "42,9 %".
std::string format_share(double share, Language language);

}  // namespace skon::engine
