#include "exit_codes.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>
#include <string>

#include "skon/base/errors.hpp"

namespace skon::cli {
namespace {

int say(std::string_view command, const char* message, int code) {
  std::fprintf(stderr, "skon%s%.*s: %s\n", command.empty() ? "" : " ",
               static_cast<int>(command.size()), command.data(), message);
  return code;
}

}  // namespace

int report_current_exception(std::string_view command) {
  try {
    throw;
  } catch (const base::UsageError& e) {
    return say(command, e.what(), kExitUsage);
  } catch (const base::InputError& e) {
    return say(command, e.what(), kExitInput);
  } catch (const base::OutputError& e) {
    return say(command, e.what(), kExitInput);
  } catch (const std::bad_alloc&) {
    return say(command, "out of memory", kExitInternal);
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return say(command,
               "this is a bug in skon; please report it with the command you ran (not the data)",
               kExitInternal);
  } catch (...) {
    return say(command, "this is a bug in skon (an unknown exception)", kExitInternal);
  }
}

}  // namespace skon::cli
