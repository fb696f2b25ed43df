#include "app.hpp"

int main(int argc, char** argv) {
  return skon::cli::run_skon(argc, argv);
}
