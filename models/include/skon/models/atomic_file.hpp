#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace skon::models {

// Writes a file so that readers see either the old content or the complete new one: data goes
// to a temporary file in the same directory, which replaces the target only on commit().
// Destroying an uncommitted AtomicFile removes the temporary file, so a failed run never leaves
// a half-written result. Throws OutputError (naming the target, not the temporary file) on I/O
// failure.
//
// The target "-" is standard output: written as it comes, which cannot be atomic.
//
// Large outputs (a million assessments are 1.5 GB) are handed to the disk while they are being
// written, not all at the end, so the closing fsync is short and the page cache does not fill.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  // Flushes, syncs and renames the temporary file over the target.
  void commit();

 private:
  bool is_stdout() const { return target_ == "-"; }
  void flush();
  void write_through(std::string_view bytes);

  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::string buffer_;
  std::size_t written_ = 0;       // bytes handed to the kernel
  std::size_t synced_until_ = 0;  // bytes whose writeback has been started
  bool committed_ = false;
};

// Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGPIPE that remove every AtomicFile's
// temporary file before the process ends as the signal says: an interrupted run leaves no
// half-written result and no temporary file of personal data. (SIGKILL cannot be caught; its
// temporary file, NAME.tmp-PID, is what remains.)
void remove_temporary_files_on_signals();

// Convenience: writes `content` to `target` atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

}  // namespace skon::models
