#include "text_output.hpp"

#include <cstdio>

#include "skon/base/atomic_file.hpp"

namespace skon::cli {

void write_text_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  base::AtomicFile out(path);  // a failed write never leaves half a document
  out.write(text);
  out.commit();
}

}  // namespace skon::cli
