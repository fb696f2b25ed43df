#include "skon/base/atomic_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_path.hpp"

using namespace skon::base;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
fs::path fresh_dir(const char* name) {
  const fs::path dir = skon::test::temp_path(name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
}  // namespace

TEST_CASE("atomic file: committed content replaces the target") {
  const fs::path dir = fresh_dir("skon_atomic_commit");
  write_file_atomically(dir / "out.txt", "old");
  write_file_atomically(dir / "out.txt", "new content");
  CHECK(slurp(dir / "out.txt") == "new content");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
  fs::remove_all(dir);
}

TEST_CASE("atomic file: an uncommitted write leaves the old file and no temporary") {
  const fs::path dir = fresh_dir("skon_atomic_abort");
  write_file_atomically(dir / "out.txt", "old");
  {
    AtomicFile f(dir / "out.txt");
    f.write("half-writ");
  }  // destroyed without commit, as when a run fails midway
  CHECK(slurp(dir / "out.txt") == "old");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
  fs::remove_all(dir);
}

TEST_CASE("atomic file: an unwritable directory is an error") {
  CHECK_THROWS(AtomicFile("/nonexistent-dir-skon/x.txt"));
}

// Small writes are buffered, large blocks go straight through, and writeback starts every 16 MiB:
// whatever the mix, the file holds exactly the bytes written, in order.
TEST_CASE("atomic file: a large output of small and large writes arrives whole and in order") {
  const fs::path dir = fresh_dir("skon_atomic_large");
  std::string expected;
  {
    AtomicFile file(dir / "big.txt");
    for (int i = 0; expected.size() < (40u << 20); ++i) {
      const std::string piece = i % 7 == 0 ? std::string((3u << 20) + static_cast<unsigned>(i),
                                                         static_cast<char>('a' + i % 26))
                                           : "line " + std::to_string(i) + "\n";
      file.write(piece);
      expected += piece;
    }
    file.commit();
  }
  CHECK(fs::file_size(dir / "big.txt") == expected.size());
  CHECK(slurp(dir / "big.txt") == expected);
  fs::remove_all(dir);
}
