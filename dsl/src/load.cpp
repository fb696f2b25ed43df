#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "skon/dsl/program.hpp"

namespace skon::dsl {
namespace fs = std::filesystem;

namespace {

struct Loader {
  Program& program;
  DiagnosticBag& bag;
  const LoadOptions& options;
  std::map<fs::path, int> state;  // canonical path -> 1 visiting, 2 done
  std::vector<fs::path> stack;    // display paths of files being visited, for cycle messages

  std::optional<std::string> read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::nullopt;
    std::string text = std::move(ss).str();
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark
    return text;
  }

  // Loads `display` (as the user should see it) and, first, the files it imports.
  void visit(const fs::path& display, const fs::path& root, std::optional<Span> imported_at) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(fs::absolute(display, ec), ec);
    auto text = read(display);
    if (!text) {
      bag.add(DiagCode::E0001, imported_at, "cannot read `" + display.generic_string() + "`");
      return;
    }
    const FileId id = program.sources.add(display.generic_string(), std::move(*text));
    state[canonical] = 1;
    stack.push_back(display);
    ast::Module module = parse_module(program.sources, id, bag, options.limits);

    for (const ast::Decl& d : module.decls) {
      const auto* imp = std::get_if<ast::ImportDecl>(&d);
      if (imp == nullptr) continue;
      const fs::path target = (display.parent_path() / imp->path.value).lexically_normal();
      const fs::path target_canonical = fs::weakly_canonical(fs::absolute(target, ec), ec);
      const fs::path relative = target_canonical.lexically_relative(root);
      if (relative.empty() || *relative.begin() == "..") {
        bag.add(DiagCode::E0108, imp->path.span,
                "import `" + imp->path.value + "` leaves the rule set's root folder")
            .help = "keep every rule file of a rule set under one folder";
        continue;
      }
      if (!fs::is_regular_file(target_canonical, ec)) {
        bag.add(DiagCode::E0106, imp->path.span,
                "imported file `" + target.generic_string() + "` does not exist");
        continue;
      }
      const auto it = state.find(target_canonical);
      if (it != state.end() && it->second == 1) {
        std::string chain;
        bool on = false;
        for (const auto& p : stack) {
          if (fs::weakly_canonical(p, ec) == target_canonical) on = true;
          if (on) chain += p.generic_string() + " -> ";
        }
        chain += target.generic_string();
        bag.add(DiagCode::E0107, imp->path.span, "import cycle: " + chain).help =
            "move the shared declarations into a file that both import";
        continue;
      }
      if (it != state.end()) continue;  // already loaded
      visit(target, root, imp->path.span);
    }
    stack.pop_back();
    state[canonical] = 2;
    program.paths.push_back(display);
    program.modules.push_back(std::move(module));
  }
};

}  // namespace

std::vector<fs::path> rule_files_in(const fs::path& dir, DiagnosticBag& bag) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".skon") {
      files.push_back(it->path().lexically_normal());
    }
  }
  if (ec) {
    bag.add(DiagCode::E0001, std::nullopt,
            "cannot read directory `" + dir.generic_string() + "`: " + ec.message());
    return {};
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::unique_ptr<Program> load_program(const std::vector<fs::path>& paths, DiagnosticBag& bag,
                                      const LoadOptions& options) {
  auto program = std::make_unique<Program>();
  Loader loader{*program, bag, options, {}, {}};
  for (const fs::path& given : paths) {
    std::error_code ec;
    if (fs::is_directory(given, ec)) {
      const std::vector<fs::path> files = rule_files_in(given, bag);
      const fs::path root = fs::weakly_canonical(given, ec);
      for (const auto& f : files) {
        const fs::path canonical = fs::weakly_canonical(f, ec);
        const fs::path relative = canonical.lexically_relative(root);
        if (relative.empty() || *relative.begin() == "..") {
          // A link out of the rule set (to /etc/shadow, say) is never read, let alone quoted.
          bag.add(DiagCode::E0108, std::nullopt,
                  "`" + f.generic_string() + "` links to a file outside the rule set's folder")
              .help = "keep every rule file of a rule set under one folder, not behind links";
          continue;
        }
        if (!loader.state.contains(canonical)) loader.visit(f, root, std::nullopt);
      }
    } else if (fs::is_regular_file(given, ec)) {
      const fs::path root = fs::weakly_canonical(given, ec).parent_path();
      if (!loader.state.contains(fs::weakly_canonical(given, ec))) {
        loader.visit(given.lexically_normal(), root, std::nullopt);
      }
    } else {
      bag.add(DiagCode::E0001, std::nullopt,
              "`" + given.generic_string() + "` is neither a rule file nor a directory");
    }
  }
  if (program->modules.empty() && !bag.has_errors()) {
    bag.add(DiagCode::E0006, std::nullopt, "no .skon files found");
  }
  return program;
}

std::unique_ptr<Program> load_program_text(std::string name, std::string text, DiagnosticBag& bag,
                                           const LoadOptions& options) {
  auto program = std::make_unique<Program>();
  const FileId id = program->sources.add(name, std::move(text));
  program->paths.emplace_back(name);
  program->modules.push_back(parse_module(program->sources, id, bag, options.limits));
  return program;
}

}  // namespace skon::dsl
