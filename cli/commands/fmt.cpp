// skon fmt [--check] PATH... — rewrite rule files in the canonical layout.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "command.hpp"
#include "diagnostics_output.hpp"
#include "exit_codes.hpp"
#include "skon/base/atomic_file.hpp"
#include "skon/base/errors.hpp"
#include "skon/dsl/format.hpp"
#include "skon/dsl/parse.hpp"
#include "skon/dsl/program.hpp"

namespace skon::cli {
namespace {

namespace fs = std::filesystem;

struct FmtOptions {
  std::vector<std::string> paths;
  bool check = false;
  bool to_stdout = false;
};

std::vector<fs::path> expand(const std::vector<std::string>& paths, dsl::DiagnosticBag& bag) {
  std::vector<fs::path> files;
  for (const auto& given : paths) {
    std::error_code ec;
    if (fs::is_directory(given, ec)) {
      const auto found = dsl::rule_files_in(given, bag);
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(given, ec)) {
      files.emplace_back(given);
    } else {
      bag.add(dsl::DiagCode::E0001, std::nullopt,
              "`" + given + "` is neither a rule file nor a directory");
    }
  }
  return files;
}

int run_fmt(const FmtOptions& opt) {
  dsl::DiagnosticBag bag;
  dsl::SourceMap sources;
  const auto files = expand(opt.paths, bag);
  std::vector<std::pair<fs::path, std::string>> changed;
  std::size_t unchanged = 0;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) {
      bag.add(dsl::DiagCode::E0001, std::nullopt, "cannot read `" + path.generic_string() + "`");
      continue;
    }
    const std::string original = ss.str();
    const dsl::FileId id = sources.add(path.generic_string(), original);
    const std::size_t errors_before = bag.error_count();
    const dsl::ast::Module module = dsl::parse_module(sources, id, bag);
    if (bag.error_count() > errors_before) continue;  // never rewrite a file we cannot parse
    std::string formatted = dsl::format_module(module, sources);
    if (opt.to_stdout) {
      std::fwrite(formatted.data(), 1, formatted.size(), stdout);
    } else if (formatted != original) {
      changed.emplace_back(path, std::move(formatted));
    } else {
      ++unchanged;
    }
  }
  if (bag.has_errors()) {
    print_diagnostics(bag, sources, DiagnosticOutput{}, stderr);
    throw base::InputError("nothing was written; fix the errors above first");
  }
  if (opt.to_stdout) return kExitOk;
  if (opt.check) {
    for (const auto& [path, text] : changed) {
      std::printf("would reformat %s\n", path.generic_string().c_str());
    }
    std::printf("%zu file%s would be reformatted, %zu already formatted\n", changed.size(),
                changed.size() == 1 ? "" : "s", unchanged);
    return changed.empty() ? kExitOk : kExitFindings;
  }
  for (const auto& [path, text] : changed) {
    base::write_file_atomically(path, text);
    std::printf("reformatted %s\n", path.generic_string().c_str());
  }
  std::printf("%zu file%s reformatted, %zu already formatted\n", changed.size(),
              changed.size() == 1 ? "" : "s", unchanged);
  return kExitOk;
}

}  // namespace

void setup_fmt(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<FmtOptions>();
  CLI::App* sub = app.add_subcommand("fmt", "format rule files canonically (--check to verify)");
  sub->add_option("paths", opt->paths, "rule files or directories (searched for *.skon)")
      ->required();
  sub->add_flag("--check", opt->check, "change nothing; exit 1 if a file is not formatted");
  sub->add_flag("--stdout", opt->to_stdout, "print the formatted text instead of rewriting files");
  sub->footer("Files are rewritten atomically, and only when they parse without errors.");
  sub->callback([opt, &table] { table.selected = [opt] { return run_fmt(*opt); }; });
}

}  // namespace skon::cli
