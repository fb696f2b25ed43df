#pragma once

// What the CSV and JSON Lines targets share: the fuzz input written to a file of this process
// (the readers take paths), one fixed schema, and reading every row with the options the first
// byte picks. A bad row must be an InputError; anything else escaping is a bug.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "skon/models/record_source.hpp"

namespace skon::fuzz {

inline void read_all(const std::uint8_t* data, std::size_t size, const char* extension) {
  if (size == 0) return;
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("skon_fuzz_" + std::to_string(::getpid()) + extension))
                                      .string();
  const std::uint8_t options = data[0];
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return;
    std::fwrite(data + 1, 1, size - 1, f);
    std::fclose(f);
  }
  const std::vector<models::ColumnSpec> columns = {
      {"id", models::ColumnType::Text, {}, {}, {}, "", ""},
      {"absence_pct", models::ColumnType::Number, 0.0, 100.0, {}, "", ""},
      {"sex", models::ColumnType::Category, {}, {}, {"female", "male"}, "", ""},
      {"exams", models::ColumnType::Bool, {}, {}, {}, "", ""},
      {"born", models::ColumnType::Date, {}, {}, {}, "", ""}};
  models::ReadOptions read;
  read.decimal = (options & 1) ? ',' : '.';
  read.encoding = (options & 2) ? models::Encoding::Windows1252 : models::Encoding::Utf8;
  read.skip_bad_rows = (options & 4) != 0;
  if (options & 8) read.missing_markers = {"NA", "-"};
  read.id_column = 0;
  read.reject_id = [](std::string_view id) { return std::string(id.substr(0, 8)); };
  try {
    models::CohortReader reader(path, columns, read,
                                {true, (options & 16) == 0, false, false, false});
    models::Row row;
    while (reader.next(row)) {
    }
  } catch (const base::InputError&) {
  } catch (const base::OutputError&) {
  }
  std::filesystem::remove(path);
}

}  // namespace skon::fuzz
