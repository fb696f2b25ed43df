#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace skon::base {

// Writes a file so that readers see either the old content or the complete new one: data goes
// to a temporary file in the same directory, which replaces the target only on commit().
// Destroying an uncommitted AtomicFile removes the temporary file, so a failed run never leaves
// a half-written result. Throws OutputError (naming the target, not the temporary file) on I/O
// failure.
//
// What the target is decides how it is written:
//   - "-", /dev/stdout, a FIFO or a character device (/dev/null): written directly, streaming,
//     and never replaced (this cannot be atomic);
//   - a regular file, a symbolic link or nothing yet: replaced atomically. The temporary file is
//     NAME.tmp-PID-XXXXXX, created with O_EXCL (so a planted file or link is never followed) and
//     mode 0600; the result keeps the mode of the file it replaces, or stays 0600 — outputs hold
//     personal data;
//   - a directory, or anything else: refused.
//
// Large outputs (a million assessments are 700 MB) are handed to the disk while they are being
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
  bool direct() const { return temp_.empty(); }
  void flush();
  void write_through(std::string_view bytes);

  std::filesystem::path target_;
  std::filesystem::path temp_;  // empty when written directly
  int fd_ = -1;
  bool owns_fd_ = false;
  std::string buffer_;
  std::size_t written_ = 0;       // bytes handed to the kernel
  std::size_t synced_until_ = 0;  // bytes whose writeback has been started
  bool committed_ = false;
};

// Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGPIPE that remove every AtomicFile's
// temporary file before the process ends as the signal says: an interrupted run leaves no
// half-written result and no temporary file of personal data. (SIGKILL cannot be caught; its
// temporary file is what remains, and the next write of the same target names it.)
void remove_temporary_files_on_signals();

// Temporary files left beside `target` by a process that no longer runs (killed with SIGKILL).
std::vector<std::filesystem::path> stale_temporary_files(const std::filesystem::path& target);

// Convenience: writes `content` to `target` atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

// Whether `a` and `b` name the same file (both exist and are one inode).
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace skon::base
