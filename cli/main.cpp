#include "app.hpp"
#include "skon/base/atomic_file.hpp"

int main(int argc, char** argv) {
  skon::base::remove_temporary_files_on_signals();
  return skon::cli::run_skon(argc, argv);
}
