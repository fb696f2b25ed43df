#pragma once

// The errors a user can act on, one type per kind. Each message names the file the user gave and
// says what to do; cli/ maps each type to its exit code in one place (cli/exit_codes.hpp).
// Anything else that escapes is a bug in skon (exit 4).

#include <filesystem>
#include <stdexcept>
#include <string>

namespace skon::base {

// An input that is not what it should be: a data, model, mapping or key file, or a value in one
// (exit 3). Messages name file, row and column, never a cell's value.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An output that cannot be written: a missing or unwritable folder, a full or read-only disk
// (exit 3).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command line asks for something that cannot be done as asked (exit 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "cannot write 'PATH': REASON; WHAT TO DO" for the errno of a failed write, open or rename of
// `path` (the name the user gave, never a temporary file's).
OutputError output_error(const std::filesystem::path& path, int error_number);

}  // namespace skon::base
