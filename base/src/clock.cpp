#include "skon/base/clock.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace skon::base {
namespace {

class SystemClock final : public Clock {
 public:
  std::int64_t now_seconds() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

std::int32_t Clock::today() const {
  const std::int64_t s = now_seconds();
  return static_cast<std::int32_t>((s >= 0 ? s : s - 86399) / 86400);  // floor, also before 1970
}

std::string Clock::timestamp() const {
  return utc_timestamp(now_seconds());
}

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

const Clock& output_clock() {
  static const FixedClock* fixed = []() -> const FixedClock* {
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    if (epoch == nullptr || *epoch == '\0') return nullptr;
    static const FixedClock clock(std::strtoll(epoch, nullptr, 10));
    return &clock;
  }();
  return fixed != nullptr ? static_cast<const Clock&>(*fixed) : system_clock();
}

std::string utc_timestamp(std::int64_t seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace skon::base
