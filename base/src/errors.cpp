#include "skon/base/errors.hpp"

#include <cerrno>
#include <cstring>

namespace skon::base {

OutputError output_error(const std::filesystem::path& path, int error_number) {
  std::string message = "cannot write '" + path.string() + "': " + std::strerror(error_number);
  const std::filesystem::path folder =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
      message += "; the folder '" + folder.string() +
                 "' does not exist: create it first (mkdir -p " + folder.string() + ")";
      break;
    case EACCES:
    case EPERM:
      message += "; you may not write in '" + folder.string() +
                 "': choose another folder or ask for write access";
      break;
    case EROFS:
      message += "; the file system is read-only: write somewhere else";
      break;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      message += "; the disk is full: free space or write somewhere else (nothing was kept)";
      break;
    case EISDIR:
      message += "; it is a folder: give a file name";
      break;
    default:
      break;
  }
  return OutputError(message);
}

}  // namespace skon::base
