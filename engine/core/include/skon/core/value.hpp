#pragma once

#include <cstdint>
#include <string>

namespace skon::engine {

// One field's value in a record, or the result of an expression. Missing is a value: a
// comparison with it is unknown (three-valued logic), never false.
struct Value {
  enum class Kind : std::uint8_t { Missing, Number, Bool, Category, Date, Level };
  Kind kind = Kind::Missing;
  double number = 0;  // Number; Bool as 0/1; Category value index; Date as days; Level index

  static Value missing() { return {}; }
  static Value of_number(double v) { return {Kind::Number, v}; }
  static Value of_bool(bool v) { return {Kind::Bool, v ? 1.0 : 0.0}; }
  static Value of_category(std::uint32_t index) {
    return {Kind::Category, static_cast<double>(index)};
  }
  static Value of_date(std::int32_t days) { return {Kind::Date, static_cast<double>(days)}; }
  static Value of_level(std::uint32_t index) { return {Kind::Level, static_cast<double>(index)}; }

  bool is_missing() const { return kind == Kind::Missing; }
  bool is_true() const { return kind == Kind::Bool && number != 0; }
  bool is_false() const { return kind == Kind::Bool && number == 0; }
  std::uint32_t index() const { return static_cast<std::uint32_t>(number); }
};

// Truth of a condition under three-valued logic.
enum class Truth : std::uint8_t { False, True, Unknown };

const char* to_string(Truth t);

// Shortest decimal that round-trips ("22", "12.5", "0.1"), locale-independent.
std::string format_number(double v);

}  // namespace skon::engine
