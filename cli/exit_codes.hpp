#pragma once

#include <string_view>

namespace skon::cli {

// The process exit codes; documented in the README and used by every subcommand.
enum ExitCode : int {
  kExitOk = 0,        // success
  kExitFindings = 1,  // check errors, failed tests, audit verification failed
  kExitUsage = 2,     // bad command line, or a subcommand not available yet
  kExitInput = 3,     // bad rule file, data or model; an output that cannot be written
  kExitInternal = 4,  // a bug in skon
};

// The one place where errors become exit codes: prints the current exception's message as
// "skon COMMAND: ..." and returns its code — base::UsageError 2; base::InputError and
// base::OutputError 3; anything else is a bug in skon, 4. Call only inside a catch block.
int report_current_exception(std::string_view command);

}  // namespace skon::cli
