#pragma once

// What identifies the rules a run used: every file's name (relative to the rule set's folder) and
// SHA-256, and one hash over them all.

#include <string>
#include <vector>

#include "skon/dsl/program.hpp"

namespace skon::engine {

struct RuleFile {
  std::string name;  // relative to the folder holding them all
  std::string sha256;
};

// Each rule file's name relative to the folder holding them all (indexed by FileId), so that what
// cites a rule does not depend on the working directory or where the rule set is checked out.
std::vector<std::string> rule_file_names(const dsl::Program& program);

// The rule files with their hashes, sorted by name.
std::vector<RuleFile> rule_files(const dsl::Program& program);

// SHA-256 over the rule set: over each file's name and SHA-256, sorted by name. Two rule sets
// whose files differ only in a file's name hash differently, because the file order (and so the
// evaluation order) follows the names.
std::string rules_sha256(const dsl::Program& program);

}  // namespace skon::engine
