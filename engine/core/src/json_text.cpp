#include "skon/core/json_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace skon::engine::detail {
namespace {

// Which bytes a JSON string must escape: '"', '\\' and the control characters.
constexpr std::array<bool, 256> kEscape = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = table['\\'] = true;
  return table;
}();

bool needs_escape(char c) {
  return kEscape[static_cast<unsigned char>(c)];
}

// The length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0 when it is not
// one: JSON text must be UTF-8, and an id from a Latin-1 export (with --reveal-ids) may not be.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the valid range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  // Runs of plain characters are copied at once: most texts need no escape at all.
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const std::size_t n = utf8_length(s, i);
      if (n > 0) {
        i += n - 1;
        continue;
      }
      out.append(s.data() + start, i - start);
      out += kReplacement;
      start = i + 1;
      continue;
    }
    if (!needs_escape(c)) continue;
    out.append(s.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {  // other control characters
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[(c >> 4) & 0xF];
        out += kHex[c & 0xF];
      }
    }
  }
  out.append(s.data() + start, s.size() - start);
  out += '"';
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == 0) v = 0;  // no "-0"
  char buffer[32];
  if (v == std::trunc(v) && std::abs(v) < 1e9) {  // points, counts, 0 and 1: integers are shortest
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(v));
    out.append(buffer, r.ptr);
    return;
  }
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, r.ptr);
}

void TextWriter::grow(std::size_t n) {
  const std::size_t used = static_cast<std::size_t>(p_ - storage_.data());
  storage_.resize(std::max(used + n, 2 * storage_.size()));
  p_ = storage_.data() + used;
  end_ = storage_.data() + storage_.size();
}

void TextWriter::string(std::string_view s) {
  need(2 + 6 * s.size());  // every byte escaped as \u00XX at worst
  *p_++ = '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const std::size_t n = utf8_length(s, i);
      if (n == 0) {  // not UTF-8: U+FFFD, as JSON readers expect
        for (char r : kReplacement) *p_++ = r;
        continue;
      }
      for (std::size_t k = 0; k < n; ++k) *p_++ = s[i + k];
      i += n - 1;
      continue;
    }
    if (!needs_escape(c)) {
      *p_++ = c;
      continue;
    }
    *p_++ = '\\';
    switch (c) {
      case '"':
        *p_++ = '"';
        break;
      case '\\':
        *p_++ = '\\';
        break;
      case '\n':
        *p_++ = 'n';
        break;
      case '\r':
        *p_++ = 'r';
        break;
      case '\t':
        *p_++ = 't';
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        *p_++ = 'u';
        *p_++ = '0';
        *p_++ = '0';
        *p_++ = kHex[(c >> 4) & 0xF];
        *p_++ = kHex[c & 0xF];
      }
    }
  }
  *p_++ = '"';
}

void TextWriter::number(double v) {
  need(32);
  if (!std::isfinite(v)) {
    put("null");
    return;
  }
  if (v == 0) v = 0;  // no "-0"
  if (v == std::trunc(v) && std::abs(v) < 1e9) {
    p_ = std::to_chars(p_, end_, static_cast<long long>(v)).ptr;
    return;
  }
  p_ = std::to_chars(p_, end_, v).ptr;
}

void TextWriter::micro(long long v) {
  // Digits from the right: six decimals (trailing zeros dropped), a point, the integer part.
  char buffer[32];
  char* end = buffer + sizeof buffer;
  char* q = end;
  const bool negative = v < 0;
  unsigned long long u =
      negative ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  unsigned long long fraction = u % 1000000;
  u /= 1000000;
  if (fraction != 0) {
    int digits = 6;
    while (fraction % 10 == 0) fraction /= 10, --digits;
    for (int i = 0; i < digits; ++i, fraction /= 10) *--q = static_cast<char>('0' + fraction % 10);
    *--q = '.';
  }
  do {
    *--q = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (negative) *--q = '-';
  put(std::string_view(q, static_cast<std::size_t>(end - q)));
}

}  // namespace skon::engine::detail
