// libFuzzer target: audit logs and checkpoints. Bytes that start with '{' are a checkpoint file;
// anything else is an audit log file (a mutated SQLite database). Either is read or refused with
// InputError/OutputError — never a crash — and a log that verifies reads back every row.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "skon/audit/audit_log.hpp"
#include "skon/base/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = [] {
    const auto d =
        std::filesystem::temp_directory_path() / ("skon_fuzz_audit_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  const bool checkpoint = size > 0 && data[0] == '{';
  const std::string path = dir + (checkpoint ? "/cp.json" : "/log.sqlite");
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix);
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    if (checkpoint) {
      const skon::engine::Checkpoint c = skon::engine::read_checkpoint(path);
      if (c.head.size() > size) __builtin_trap();  // read from the bytes, nothing invented
      return 0;
    }
    const auto log = skon::engine::AuditLog::open(path, /*create=*/false);
    const skon::engine::VerifyResult r = log->verify();
    if (r.ok) {
      log->rows("", "", "", [&](const skon::engine::StoredRow& s) {
        if (s.seq > r.rows) __builtin_trap();  // a verified log reads back only its rows
      });
      log->pending("", [](const skon::engine::StoredRow&) {});
    }
  } catch (const skon::base::InputError&) {
  } catch (const skon::base::OutputError&) {
  } catch (const skon::base::UsageError&) {
  }
  return 0;
}
