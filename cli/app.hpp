#pragma once

namespace skon::cli {

// Parses the command line, runs the selected subcommand and returns the process exit code.
// Never throws: every failure is mapped to an ExitCode with a message on stderr.
int run_skon(int argc, char** argv);

}  // namespace skon::cli
