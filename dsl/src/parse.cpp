#include "skon/dsl/parse.hpp"

#include <fast_float/fast_float.h>

#include <cmath>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "grammar.hpp"
#include "grammar_errors.hpp"
#include "lower.hpp"
#include "skon/base/date.hpp"
#include "syntax_hints.hpp"

namespace skon::dsl {

namespace pegtl = tao::pegtl;
namespace pt = tao::pegtl::parse_tree;
using namespace grammar;

std::size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong encodings, surrogates and values past U+10FFFF are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

namespace {

// Freed nodes, linked through their own storage; kept for the thread's next parse.
struct FreeNode {
  FreeNode* next;
};
thread_local FreeNode* free_nodes = nullptr;

}  // namespace

// Under AddressSanitizer every node goes to malloc, so a use after free is still caught. GCC
// defines __SANITIZE_ADDRESS__; clang 14 (the fuzz build) says so only through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define SKON_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SKON_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(SKON_SANITIZED_BUILD) && !defined(SKON_ADDRESS_SANITIZER)
#error "a sanitizer build must turn the node pool off: the address sanitizer was not detected"
#endif
#if defined(SKON_ADDRESS_SANITIZER)
constexpr bool kPoolNodes = false;
#else
constexpr bool kPoolNodes = true;
#endif

void* PtNode::operator new(std::size_t size) {
  if (!kPoolNodes || size != sizeof(PtNode) || free_nodes == nullptr) return ::operator new(size);
  FreeNode* n = free_nodes;
  free_nodes = n->next;
  return n;
}

void PtNode::operator delete(void* p, std::size_t size) noexcept {
  if (!kPoolNodes || size != sizeof(PtNode)) return ::operator delete(p);
  auto* n = static_cast<FreeNode*>(p);
  n->next = free_nodes;
  free_nodes = n;
}

namespace {

// Like PEGTL's fold_one, but a node that keeps several children keeps its end position too:
// lower.cpp computes spans from it.
struct fold_one_keep_span : pt::apply<fold_one_keep_span> {
  template <typename Node, typename... States>
  static void transform(std::unique_ptr<Node>& n, States&&...) noexcept {
    if (n->children.size() == 1) n = std::move(n->children.front());
  }
};

// clang-format off
template <typename Rule>
using selector = pt::selector<Rule,
    pt::store_content::on<ident_raw, unsigned_raw, signed_raw, date_raw, plain_string_raw,
                          triple_string_raw, cmp_op_raw, add_op_raw, mul_op_raw, neg_raw, not_raw,
                          negated_raw, true_raw, false_raw, gate_op_raw, protected_raw, raises_raw,
                          lowers_raw, missing_raw,
        // Composite nodes keep their content too: their end position gives statement spans.
        import_decl, levels_decl, role_decl, source_decl, field_decl, let_decl, purpose_decl,
        rule_decl, test_decl,
        owner_stmt, approved_by_stmt, legal_reference_stmt, gdpr_basis_stmt, not_for_stmt, predicts_stmt, effective_stmt,
        holder_stmt, category_stmt, legal_basis_stmt, accessible_to_stmt, source_requires_stmt,
        number_type, bool_type, category_type, date_type, range_spec, unit_spec, requires_clause,
        roles_stmt, sources_stmt, model_stmt, model_pin, features_stmt, score_stmt, approval_stmt, retention_stmt, forbid_stmt, justify_stmt,
        completeness_stmt, bands_stmt, band, gate_stmt, gate_on, gate_at, direction_stmt, suspended_stmt,
        review_stmt, review_name, review_reason, guidance_stmt,
        when_stmt, flag_stmt, points_stmt, raise_stmt, cap_stmt, require_stmt, tags_stmt, rule_scope,
        given_stmt, given_item, probability_stmt, expect_stmt, expect_no_flag, expect_no_review, expect_flag,
        expect_level, expect_review, expect_reason, expect_insufficient, expect_points, test_on, test_scope,
        paren_expr, call, set_lit, range_lit>,
    fold_one_keep_span::on<expr, and_expr, not_expr, cmp_expr, sum_expr, prod_expr, unary_expr>>;
// clang-format on

struct CommentCollector {
  std::vector<ast::Comment>* out;
  const char* base;
  FileId file;
};

template <typename Rule>
struct comment_action : pegtl::nothing<Rule> {};

template <>
struct comment_action<comment> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, CommentCollector& c) {
    const auto begin = static_cast<std::uint32_t>(in.begin() - c.base);
    // Backtracking can match the same comment twice; keep the first.
    if (!c.out->empty() && c.out->back().span.begin >= begin) return;
    ast::Comment comment;
    comment.text = in.string();
    while (!comment.text.empty() && comment.text.back() == '\r') comment.text.pop_back();
    comment.span = Span{c.file, begin, begin + static_cast<std::uint32_t>(comment.text.size())};
    // own_line: only whitespace between the previous newline and the '#'
    const char* p = in.begin();
    bool own_line = true;
    while (p > c.base && p[-1] != '\n') {
      --p;
      if (*p != ' ' && *p != '\t') {
        own_line = false;
        break;
      }
    }
    comment.own_line = own_line;
    c.out->push_back(std::move(comment));
  }
};

// Deepest parenthesis nesting outside texts and comments, and where it first exceeds `limit`.
std::optional<std::size_t> find_too_deep(std::string_view text, unsigned limit) {
  unsigned depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"') {
      if (text.compare(i, 3, "\"\"\"") == 0) {
        const auto end = text.find("\"\"\"", i + 3);
        if (end == std::string_view::npos) return std::nullopt;  // the parser reports it
        i = end + 2;
      } else {
        ++i;
        while (i < text.size() && text[i] != '"' && text[i] != '\n') {
          if (text[i] == '\\') ++i;
          ++i;
        }
      }
    } else if (c == '(') {
      if (++depth > limit) return i;
    } else if (c == ')') {
      if (depth > 0) --depth;
    }
  }
  return std::nullopt;
}

// The token at `offset`, for "found ..." in syntax errors.
std::string describe_found(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return "the end of the file";
  const char c = text[offset];
  if (c == '\n' || c == '\r') return "the end of the line";
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {  // a NUL or other control character
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("the control character \\x") + kHex[(c >> 4) & 0xF] + kHex[c & 0xF];
  }
  std::size_t end = offset;
  const auto is_word = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' ||
           (static_cast<unsigned char>(ch) & 0x80);
  };
  if (is_word(c)) {
    while (end < text.size() && is_word(text[end]) && end - offset < 40) ++end;
  } else {
    end = offset + 1;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  }
  return "`" + std::string(text.substr(offset, end - offset)) + "`";
}

// Start of the next line after `offset` that begins with a top-level keyword, or the text end.
std::size_t next_declaration(std::string_view text, std::size_t offset) {
  static constexpr std::string_view kStarts[] = {"import", "levels",  "role", "source", "field",
                                                 "let",    "purpose", "rule", "test"};
  std::size_t pos = text.find('\n', offset);
  while (pos != std::string_view::npos) {
    const std::size_t line = pos + 1;
    for (std::string_view k : kStarts) {
      if (text.compare(line, k.size(), k) == 0 &&
          (line + k.size() == text.size() || text[line + k.size()] == ' ' ||
           text[line + k.size()] == '\t')) {
        return line;
      }
    }
    pos = text.find('\n', line);
  }
  return text.size();
}

}  // namespace

ast::Module parse_module(const SourceMap& sources, FileId file, DiagnosticBag& bag,
                         const ParseLimits& limits) {
  ast::Module module;
  module.file = file;
  const SourceFile& source = sources.file(file);
  const std::string_view text = source.text();

  if (text.size() > limits.max_file_bytes) {
    bag.add(DiagCode::E0003, Span{file, 0, 0},
            "file is " + std::to_string(text.size()) + " bytes; the limit is " +
                std::to_string(limits.max_file_bytes));
    return module;
  }
  if (const std::size_t bad = find_invalid_utf8(text); bad != std::string_view::npos) {
    const auto at = static_cast<std::uint32_t>(bad);
    bag.add(DiagCode::E0002, Span{file, at, at + 1},
            "invalid UTF-8 byte sequence at byte " + std::to_string(bad))
        .help = "save the file as UTF-8 (for example with `iconv -f windows-1252 -t utf-8`)";
    return module;
  }
  if (const auto deep = find_too_deep(text, limits.max_nesting)) {
    const auto at = static_cast<std::uint32_t>(*deep);
    bag.add(DiagCode::E0005, Span{file, at, at + 1},
            "parentheses nested more than " + std::to_string(limits.max_nesting) + " deep")
        .help = "split the condition into named values with `let`";
    return module;
  }

  Lowerer lowerer(sources, file, bag, limits);
  CommentCollector comments{&module.comments, text.data(), file};
  std::size_t offset = 0;
  while (true) {
    pegtl::memory_input<> in(text.data() + offset, text.data() + text.size(), source.name());
    try {
      // One declaration per call, so an error in one does not lose the others.
      auto root =
          pt::parse<seq<_, opt<decl>>, PtNode, selector, comment_action, control>(in, comments);
      if (!root) break;  // cannot happen: the rule always matches
      for (auto& child : root->children) {
        if (auto d = lowerer.lower_decl(*child)) module.decls.push_back(std::move(*d));
      }
      const auto consumed = static_cast<std::size_t>(in.current() - (text.data() + offset));
      offset += consumed;
      if (offset >= text.size()) break;
      if (root->children.empty()) {
        // Text that starts no declaration.
        const auto at = static_cast<std::uint32_t>(offset);
        bag.add(
            DiagCode::E0101, Span{file, at, at + 1},
            std::string(error_message<end_of_file>) + ", found " + describe_found(text, offset));
        offset = next_declaration(text, offset);
        if (offset >= text.size()) break;
      }
    } catch (const pegtl::parse_error& e) {
      const std::size_t at = offset + e.positions().front().byte;
      const auto at32 = static_cast<std::uint32_t>(at);
      const std::string found = describe_found(text, at);
      Diagnostic& d = bag.add(DiagCode::E0101, Span{file, at32, at32 + 1},
                              std::string(e.message()) + ", found " + found);
      if (found == "`=`") d.help = "use `==` to compare two values";
      detail::improve_syntax_error(text, file, at, offset, d);
      // Resume at the declaration the error stopped at, or the next one.
      offset =
          at > offset && detail::starts_declaration(text, at) ? at : next_declaration(text, at);
      if (offset >= text.size()) break;
    }
    // Past the limit nobody reads more; stopping also bounds the work on hostile input.
    if (bag.error_count() > limits.max_errors) {
      if (offset < text.size()) bag.mark_stopped_early();
      break;
    }
  }
  return module;
}

}  // namespace skon::dsl
