#pragma once

namespace skon::cli {

// The process exit codes; documented in the README and used by every subcommand.
enum ExitCode : int {
  kExitOk = 0,        // success
  kExitFindings = 1,  // check errors, failed tests, audit verification failed
  kExitUsage = 2,     // bad command line, or a subcommand not available yet
  kExitInput = 3,     // bad rule file, data or model
  kExitInternal = 4,  // a bug in skon
};

}  // namespace skon::cli
