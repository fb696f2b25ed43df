// libFuzzer target: CSV cohorts (quotes, delimiters, encodings, bad values), first byte = options.
#include "reader_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  skon::fuzz::read_all(data, size, ".csv");
  return 0;
}
