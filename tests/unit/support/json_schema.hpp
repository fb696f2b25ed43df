#pragma once

// A small JSON Schema checker for the tests: the subset our schemas use (type, enum, const,
// required, properties, additionalProperties: false, items, oneOf, $ref into $defs, pattern,
// minimum, maximum, minItems, maxItems, exclusiveMinimum). Returns the first violation, or "".

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

namespace skon::test {

class SchemaChecker {
 public:
  explicit SchemaChecker(nlohmann::json schema) : root_(std::move(schema)) {}

  std::string check(const nlohmann::json& value) const { return check(root_, value, "$"); }

 private:
  static bool has_type(const nlohmann::json& v, const std::string& t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "integer")
      return v.is_number_integer() ||
             (v.is_number() &&
              v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())));
    if (t == "number") return v.is_number();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    return false;
  }

  // The patterns our schemas use. (std::regex trips GCC 12's maybe-uninitialized warning in the
  // sanitizer build; an unknown pattern fails loudly rather than passing unchecked.)
  static bool matches(const std::string& pattern, const std::string& text) {
    const auto all = [&](auto pred) { return std::all_of(text.begin(), text.end(), pred); };
    const auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    if (pattern == "^[0-9a-f]{64}$") return text.size() == 64 && all(hex);
    if (pattern == "^[0-9a-f]{32}$") return text.size() == 32 && all(hex);
    if (pattern == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") {
      return text.size() == 10 && text[4] == '-' && text[7] == '-' &&
             all([](char c) { return c == '-' || (c >= '0' && c <= '9'); });
    }
    if (pattern == "^1\\.[0-9]+$") {
      return text.size() > 2 && text.rfind("1.", 0) == 0 &&
             std::all_of(text.begin() + 2, text.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
    return false;
  }

  std::string check(const nlohmann::json& s, const nlohmann::json& v,
                    const std::string& path) const {
    if (s.contains("$ref")) {
      const std::string ref = s["$ref"];
      const std::string name = ref.substr(ref.rfind('/') + 1);
      return check(root_["$defs"][name], v, path);
    }
    if (s.contains("type")) {
      bool ok = false;
      if (s["type"].is_array()) {
        for (const auto& t : s["type"]) ok |= has_type(v, t);
      } else {
        ok = has_type(v, s["type"]);
      }
      if (!ok)
        return path + ": expected type " + s["type"].dump() + ", found " + v.dump().substr(0, 60);
    }
    if (s.contains("const") && v != s["const"]) return path + ": expected " + s["const"].dump();
    if (s.contains("enum")) {
      bool ok = false;
      for (const auto& e : s["enum"]) ok |= v == e;
      if (!ok) return path + ": " + v.dump() + " not in " + s["enum"].dump();
    }
    if (s.contains("oneOf")) {
      int matches = 0;
      std::string last;
      for (const auto& alt : s["oneOf"]) {
        const std::string e = check(alt, v, path);
        if (e.empty())
          ++matches;
        else
          last = e;
      }
      if (matches != 1)
        return path + ": matches " + std::to_string(matches) + " of oneOf (" + last + ")";
    }
    if (v.is_number()) {
      const double d = v.get<double>();
      if (s.contains("minimum") && d < s["minimum"].get<double>()) return path + ": below minimum";
      if (s.contains("maximum") && d > s["maximum"].get<double>()) return path + ": above maximum";
      if (s.contains("exclusiveMinimum") && d <= s["exclusiveMinimum"].get<double>())
        return path + ": not above exclusiveMinimum";
    }
    if (v.is_string() && s.contains("pattern") && !matches(s["pattern"], v.get<std::string>())) {
      return path + ": does not match " + s["pattern"].get<std::string>();
    }
    if (v.is_object()) {
      if (s.contains("required")) {
        for (const auto& k : s["required"]) {
          if (!v.contains(k.get<std::string>())) return path + ": missing " + k.get<std::string>();
        }
      }
      if (s.contains("properties")) {
        for (const auto& [k, sub] : s["properties"].items()) {
          if (v.contains(k)) {
            if (auto e = check(sub, v[k], path + "." + k); !e.empty()) return e;
          }
        }
      }
      if (s.contains("additionalProperties") && s["additionalProperties"] == false) {
        for (const auto& [k, x] : v.items()) {
          if (!s.contains("properties") || !s["properties"].contains(k))
            return path + ": unexpected key " + k;
        }
      }
    }
    if (v.is_array()) {
      if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>())
        return path + ": too few items";
      if (s.contains("maxItems") && v.size() > s["maxItems"].get<std::size_t>())
        return path + ": too many items";
      if (s.contains("items")) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (auto e = check(s["items"], v[i], path + "[" + std::to_string(i) + "]"); !e.empty())
            return e;
        }
      }
    }
    return "";
  }

  nlohmann::json root_;
};

}  // namespace skon::test
