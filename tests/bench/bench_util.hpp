#pragma once

// Running a command the way a user does, for the benchmarks: wall time and the child's peak RSS.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace skon::bench {

// Runs argv (stdout and stderr to /dev/null); returns {wall seconds, peak RSS in MiB}, or
// {-1, -1} when it fails (exits other than 0, or than 0 or 1 with `findings_ok`: a command that
// reports findings, as `skon diff` does for a change needing approval). Call while the calling
// process is small: a forked child's peak RSS counts the parent's pages until exec.
inline std::pair<double, double> run_child(const std::vector<std::string>& argv,
                                           bool findings_ok = false) {
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) > (findings_ok ? 1 : 0)) return {-1, -1};
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {seconds, static_cast<double>(usage.ru_maxrss) / 1024.0};
}

}  // namespace skon::bench
