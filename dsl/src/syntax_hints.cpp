#include "syntax_hints.hpp"

#include <cctype>
#include <vector>

namespace skon::dsl::detail {
namespace {

bool is_digit(std::string_view text, std::size_t i) {
  return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
}

Span span_at(FileId file, std::size_t begin, std::size_t end) {
  return Span{file, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}

// The `{` opened between `from` and `to` and still open at `to` (the innermost), outside texts
// and comments; npos when every brace is closed.
std::size_t unclosed_brace(std::string_view text, std::size_t from, std::size_t to) {
  std::vector<std::size_t> open;
  for (std::size_t i = from; i < to && i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#') {
      while (i < to && text[i] != '\n') ++i;
    } else if (c == '"') {
      if (text.compare(i, 3, "\"\"\"") == 0) {
        const std::size_t end = text.find("\"\"\"", i + 3);
        if (end == std::string_view::npos || end >= to) return std::string_view::npos;
        i = end + 2;
      } else {
        for (++i; i < to && text[i] != '"' && text[i] != '\n'; ++i) {
          if (text[i] == '\\') ++i;
        }
      }
    } else if (c == '{') {
      open.push_back(i);
    } else if (c == '}' && !open.empty()) {
      open.pop_back();
    }
  }
  return open.empty() ? std::string_view::npos : open.back();
}

}  // namespace

bool starts_declaration(std::string_view text, std::size_t at) {
  static constexpr std::string_view kStarts[] = {"import", "levels",  "role", "source", "field",
                                                 "let",    "purpose", "rule", "test"};
  if (at > 0 && text[at - 1] != '\n') return false;
  for (std::string_view k : kStarts) {
    if (text.compare(at, k.size(), k) == 0 &&
        (at + k.size() == text.size() || text[at + k.size()] == ' ' ||
         text[at + k.size()] == '\t')) {
      return true;
    }
  }
  return false;
}

void improve_syntax_error(std::string_view text, FileId file, std::size_t at,
                          std::size_t declaration_start, Diagnostic& d) {
  // Operators from C, Java, JavaScript and CEL.
  static constexpr struct {
    std::string_view written, meant;
  } kOperators[] = {{"&&", "and"}, {"||", "or"}, {"!", "not"}};
  for (const auto& op : kOperators) {
    if (text.compare(at, op.written.size(), op.written) != 0) continue;
    if (op.written == "!" && text.compare(at, 2, "!=") == 0) break;
    d.message = "`" + std::string(op.written) + "` is not an operator in Skøn; write `" +
                std::string(op.meant) + "`";
    d.help = "conditions are joined with `and`, `or` and `not`, as a reader says them";
    std::string replacement(op.meant);
    if (op.written == "!" && at + 1 < text.size() && text[at + 1] != ' ') replacement += ' ';
    d.fix = FixIt{span_at(file, at, at + op.written.size()), replacement};
    d.primary = span_at(file, at, at + op.written.size());
    return;
  }
  // A decimal comma, as Danish numbers are written: `3,5` stops at the comma (`when x < 3,5`),
  // or at the digits after it (`given x = 3,5`, `below 0,25`).
  std::size_t comma = std::string_view::npos;
  if (text[at] == ',' && is_digit(text, at - 1) && is_digit(text, at + 1)) comma = at;
  if (at >= 2 && is_digit(text, at) && text[at - 1] == ',' && is_digit(text, at - 2)) {
    comma = at - 1;
  }
  if (comma != std::string_view::npos && comma > 0) {
    std::size_t begin = comma, end = comma + 1;
    while (begin > 0 && is_digit(text, begin - 1)) --begin;
    while (is_digit(text, end)) ++end;
    std::string number(text.substr(begin, end - begin));
    number[comma - begin] = '.';
    d.message = "`" + std::string(text.substr(begin, end - begin)) +
                "` has a decimal comma; numbers are written with a point";
    d.help = "write `" + number + "`";
    d.fix = FixIt{span_at(file, begin, end), number};
    d.primary = span_at(file, begin, end);
    return;
  }
  // A block never closed: the parser only notices at the next declaration.
  if (starts_declaration(text, at)) {
    const std::size_t brace = unclosed_brace(text, declaration_start, at);
    if (brace == std::string_view::npos) return;
    d.notes.push_back({span_at(file, at, at + 1), "the next declaration starts here"});
    d.message = "this `{` is never closed";
    d.help = "add `}` where the body ends";
    d.primary = span_at(file, brace, brace + 1);
  }
}

}  // namespace skon::dsl::detail
