#pragma once

#include <filesystem>
#include <fstream>
#include <string_view>

namespace skon::models {

// Writes a file so that readers see either the old content or the complete new one: data goes
// to a temporary file in the same directory, which replaces the target only on commit().
// Destroying an uncommitted AtomicFile removes the temporary file, so a failed run never leaves
// a half-written result. Throws std::runtime_error on I/O failure.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  void write(std::string_view bytes) { out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); }
  // Flushes, syncs and renames the temporary file over the target.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::ofstream out_;
  bool committed_ = false;
};

// Convenience: writes `content` to `target` atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

}  // namespace skon::models
