#pragma once

// The one clock. Everything that depends on the day or the time (an assessment date, a rule
// file's tests, a manifest's start and end, a decision's time, a retention cut) asks a Clock
// handed to it, so a test or a replay can fix the day and nothing reads the system clock behind
// its caller's back.

#include <cstdint>
#include <string>

namespace skon::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since 1970-01-01T00:00:00Z.
  virtual std::int64_t now_seconds() const = 0;

  // Days since 1970-01-01 (UTC).
  std::int32_t today() const;
  // ISO 8601 UTC to the second: 2026-12-07T00:17:04Z.
  std::string timestamp() const;
};

// The operating system's clock: what day it is (which purposes and rules are in effect).
const Clock& system_clock();

// A clock that stays where it is set: for tests, replays and rule files' tests.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t seconds) : seconds_(seconds) {}
  static FixedClock at_day(std::int32_t days) { return FixedClock(std::int64_t{days} * 86400); }
  std::int64_t now_seconds() const override { return seconds_; }

 private:
  std::int64_t seconds_;
};

// The clock for the times written into outputs (a manifest's start and end, a model's creation,
// a document's date): SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else the
// system clock.
const Clock& output_clock();

// ISO 8601 UTC of a Unix time.
std::string utc_timestamp(std::int64_t seconds);

}  // namespace skon::base
