#include "skon/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "skon/base/errors.hpp"

namespace skon::base {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;
constexpr std::size_t kDirectBytes = 64 << 10;     // written without buffering from this size on
constexpr std::size_t kWritebackChunk = 16 << 20;  // start writeback every 16 MiB

// The temporary files that exist now, for the signal handler: a fixed table of atomic pointers,
// because a handler may only read memory and call async-signal-safe functions (unlink).
constexpr std::size_t kTrackedFiles = 64;
std::atomic<char*> g_temporary[kTrackedFiles];

void track(const std::filesystem::path& temp) {
  char* copy = strdup(temp.c_str());
  for (auto& slot : g_temporary) {
    char* expected = nullptr;
    if (slot.compare_exchange_strong(expected, copy)) return;
  }
  std::free(copy);  // more than 64 at once: this one is not removed on a signal
}

void untrack(const std::filesystem::path& temp) {
  for (auto& slot : g_temporary) {
    char* current = slot.load();
    if (current != nullptr && temp == current && slot.compare_exchange_strong(current, nullptr)) {
      std::free(current);
      return;
    }
  }
}

extern "C" void remove_temporaries_and_reraise(int signal_number) {
  for (auto& slot : g_temporary) {
    if (char* path = slot.load(); path != nullptr) ::unlink(path);
  }
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

}  // namespace

void remove_temporary_files_on_signals() {
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) std::signal(s, remove_temporaries_and_reraise);
}

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  buffer_.reserve(kBufferBytes);
  if (target_ == "-") {
    fd_ = STDOUT_FILENO;
    return;
  }
  struct stat st {};
  const bool exists = ::stat(target_.c_str(), &st) == 0;
  if (exists && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
    // /dev/stdout, /dev/null, a pipe: written as a stream, never replaced by a regular file.
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throw output_error(target_, errno);
    owns_fd_ = true;
    return;
  }
  if (exists && S_ISDIR(st.st_mode)) throw output_error(target_, EISDIR);
  if (exists && !S_ISREG(st.st_mode)) {
    throw OutputError("cannot write '" + target_.string() +
                      "': it is neither a regular file nor a stream; give a file name");
  }
  // The same target as this process's pid, then six random characters: unique across processes
  // and PID namespaces, and created exclusively (mkstemp: O_CREAT|O_EXCL, mode 0600).
  std::string name = target_.string() + ".tmp-" + std::to_string(::getpid()) + "-XXXXXX";
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0) throw output_error(target_, errno);  // the name the user gave, not the temp's
  owns_fd_ = true;
  temp_ = name;
  track(temp_);
  // Replacing a file keeps its mode (a rule file stays as readable as it was); anything new —
  // and a link, which is replaced, not followed — stays 0600.
  struct stat own {};
  if (exists && ::lstat(target_.c_str(), &own) == 0 && S_ISREG(own.st_mode)) {
    ::fchmod(fd_, own.st_mode & 07777);
  }
}

AtomicFile::~AtomicFile() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  if (direct()) return;
  if (!committed_) {
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
  }
  untrack(temp_);
}

void AtomicFile::write(std::string_view bytes) {
  if (bytes.size() >= kDirectBytes) {
    // A large block (a batch of assessments) goes out at once, without a copy into the buffer.
    if (!buffer_.empty()) flush();
    write_through(bytes);
    return;
  }
  if (buffer_.size() + bytes.size() > kBufferBytes) flush();
  buffer_.append(bytes);
}

void AtomicFile::flush() {
  write_through(buffer_);
  buffer_.clear();
}

void AtomicFile::write_through(std::string_view bytes) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw output_error(target_, errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
    written_ += static_cast<std::size_t>(n);
  }
  if (!direct() && written_ - synced_until_ >= kWritebackChunk) {
#ifdef SYNC_FILE_RANGE_WRITE
    // Start writing this chunk to disk now, without waiting: the closing fsync then has little
    // left.
    ::sync_file_range(fd_, static_cast<off_t>(synced_until_),
                      static_cast<off_t>(written_ - synced_until_), SYNC_FILE_RANGE_WRITE);
#endif
    synced_until_ = written_;
  }
}

void AtomicFile::commit() {
  flush();
  if (direct()) {
    committed_ = true;
    return;
  }
  // fsync so that the rename never exposes an empty or partial file after a crash.
  if (::fsync(fd_) != 0) throw output_error(target_, errno);
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw output_error(target_, errno);
  }
  fd_ = -1;
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw output_error(target_, ec.value());
  committed_ = true;
}

std::vector<std::filesystem::path> stale_temporary_files(const std::filesystem::path& target) {
  std::vector<std::filesystem::path> stale;
  const std::filesystem::path folder =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  const std::string prefix = target.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const auto dash = rest.find('-');
    if (dash == std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::atol(rest.substr(0, dash).c_str()));
    // A process that still runs may be writing it (seen from this PID namespace).
    if (pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) continue;
    stale.push_back(entry.path());
  }
  return stale;
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

void write_file_atomically(const std::filesystem::path& target, std::string_view content) {
  AtomicFile file(target);
  file.write(content);
  file.commit();
}

}  // namespace skon::base
