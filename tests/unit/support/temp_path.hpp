#pragma once

// A temporary path of this test process alone: ctest runs each test case as its own process, in
// parallel, so fixed names in /tmp would race. Whatever is left at the path is removed when the
// process ends.

#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

namespace skon::test {

namespace detail {
struct TempPaths {
  std::mutex mutex;
  std::vector<std::filesystem::path> paths;
  int counter = 0;
  ~TempPaths() {
    for (const auto& p : paths) {
      std::error_code ignored;
      std::filesystem::remove_all(p, ignored);
    }
  }
};
inline TempPaths& temp_paths() {
  static TempPaths paths;
  return paths;
}
}  // namespace detail

inline std::filesystem::path temp_path(const std::string& name) {
  detail::TempPaths& t = detail::temp_paths();
  std::lock_guard lock(t.mutex);
  t.paths.push_back(
      std::filesystem::temp_directory_path() /
      ("skon_" + std::to_string(::getpid()) + "_" + std::to_string(t.counter++) + "_" + name));
  return t.paths.back();
}

}  // namespace skon::test
