// JSON Lines records (simdjson): the same values as the same data in CSV, and bad lines named by
// row, line and column, never by their value.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "skon/models/record_source.hpp"
#include "support/temp_path.hpp"

using namespace skon::models;
using namespace skon::base;
namespace fs = std::filesystem;

namespace {

fs::path write_temp(const std::string& name, const std::string& bytes) {
  const fs::path p = skon::test::temp_path(name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

const std::vector<ColumnSpec> kColumns = {
    {"id", ColumnType::Text, {}, {}, {}, "", ""},
    {"absence_pct", ColumnType::Number, 0.0, 100.0, {}, "", ""},
    {"sex", ColumnType::Category, {}, {}, {"female", "male"}, "", ""},
    {"exams", ColumnType::Bool, {}, {}, {}, "", ""},
    {"born", ColumnType::Date, {}, {}, {}, "", ""}};

std::vector<Row> read_all(const fs::path& p, ReadOptions options = {}) {
  CohortReader reader(p.string(), kColumns, std::move(options));
  std::vector<Row> rows;
  Row row;
  while (reader.next(row)) rows.push_back(row);
  return rows;
}

std::string error_of(const fs::path& p) {
  try {
    read_all(p);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("jsonl: the same records as the same data written as CSV") {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(0, 1);
  std::ostringstream csv, jsonl;
  csv << "id,absence_pct,sex,exams,born\n";
  for (int i = 0; i < 3000; ++i) {
    const bool gap = u(rng) < 0.2;
    const double absence = std::round(u(rng) * 1000) / 10;
    const char* sex = u(rng) < 0.5 ? "female" : "male";
    const bool exams = u(rng) < 0.8;
    const int day = 10 + static_cast<int>(u(rng) * 18);
    csv << "p" << i << "," << (gap ? "" : std::to_string(absence)) << "," << sex << ","
        << (exams ? "true" : "false") << ",2010-03-" << day << "\n";
    jsonl << "{\"id\":\"p" << i << "\",\"absence_pct\":";
    if (gap) {
      jsonl << "null";
    } else {
      jsonl << std::to_string(absence);
    }
    jsonl << ",\"ignored\":{\"nested\":[1,2,3]},\"sex\":\"" << sex
          << "\",\"exams\":" << (exams ? "true" : "false") << ",\"born\":\"2010-03-" << day
          << "\"}\n";
  }
  const auto a = read_all(write_temp("same.csv", csv.str()));
  const auto b = read_all(write_temp("same.jsonl", jsonl.str()));
  REQUIRE(a.size() == 3000);
  REQUIRE(b.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(i);
    CHECK(a[i].texts[0] == b[i].texts[0]);
    for (std::size_t c = 1; c < kColumns.size(); ++c) {
      CHECK((a[i].values[c] == b[i].values[c] ||
             (std::isnan(a[i].values[c]) && std::isnan(b[i].values[c]))));
    }
  }
}

TEST_CASE("jsonl: BOM, CRLF, blank lines, no final newline, numeric ids, absent keys, long lines") {
  std::string long_note(3 << 20, 'x');  // a 3 MB value: longer than the reader's block
  const auto p = write_temp(
      "edge.jsonl",
      "\xEF\xBB\xBF{\"id\": 17, \"absence_pct\": 12.5}\r\n\r\n\n   \r\n{\"id\":\"b\",\"note\":\"" +
          long_note + "\",\"sex\":\"Male\"}\r\n{\"id\":\"c\",\"exams\":1}");
  const auto rows = read_all(p);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].texts[0] == "17");
  CHECK(rows[0].values[1] == 12.5);
  CHECK(rows[0].line == 1);
  CHECK(std::isnan(rows[0].values[2]));
  CHECK(rows[1].values[2] == 1);  // category values match regardless of case, as in CSV
  CHECK(rows[1].line == 5);       // an empty CRLF line is skipped like an empty LF line
  CHECK(rows[2].values[3] == 1);
  CHECK(rows[2].line == 6);
}

TEST_CASE("jsonl: a bad line names row, line and column, never the value") {
  const auto bad = [](const std::string& line) {
    return error_of(write_temp("bad.jsonl", "{\"id\":\"a\",\"absence_pct\":1}\n\n" + line + "\n"));
  };
  std::string e = bad("{\"id\":\"b\",\"absence_pct\":123.456}");
  CHECK(e.find("row 2 (line 3), column 'absence_pct': expected a number in 0..100") !=
        std::string::npos);
  CHECK(e.find("123") == std::string::npos);
  e = bad("{\"id\":\"b\",\"sex\":\"0101012222\"}");  // a CPR number where a category belongs
  CHECK(e.find("column 'sex': expected one of female, male") != std::string::npos);
  CHECK(e.find("0101012222") == std::string::npos);
  e = bad("{\"id\":\"b\",\"exams\":2}");
  CHECK(e.find("column 'exams': expected true/false") != std::string::npos);
  e = bad("{\"id\":\"b\",\"absence_pct\":[1]}");
  CHECK(e.find("column 'absence_pct': expected a number") != std::string::npos);
  e = bad("{\"id\":\"b\",\"absence_pct\":1,\"absence_pct\":2}");
  CHECK(e.find("column 'absence_pct' appears twice") != std::string::npos);
  e = bad("{\"id\":\"b\",\"absence_pct\":1} trailing");
  CHECK(e.find("row 2 (line 3), not valid JSON") != std::string::npos);
  e = bad("[1,2]");
  CHECK(e.find("not a JSON object") != std::string::npos);
  e = bad("{\"id\":\"0101012222\",\"absence_pct\":");
  CHECK(e.find("not valid JSON") != std::string::npos);
  CHECK(e.find("0101012222") == std::string::npos);
}

TEST_CASE("jsonl: --on-bad-row=skip skips bad lines into the rejects file") {
  const auto p =
      write_temp("skip.jsonl",
                 "{\"id\":\"a\",\"absence_pct\":1}\nnot json\n{\"id\":\"c\",\"exams\":7}\n"
                 "{\"id\":\"d\"}\n");
  ReadOptions skip;
  skip.skip_bad_rows = true;
  skip.rejects_path = skon::test::temp_path("skip_rejects.csv").string();
  skip.id_column = 0;
  skip.reject_id = [](std::string_view id) { return "pseudonym-of-" + std::string(id); };
  CohortReader reader(p.string(), kColumns, skip);
  Row row;
  std::vector<std::string> ids;
  while (reader.next(row)) ids.push_back(row.texts[0]);
  CHECK(ids == std::vector<std::string>{"a", "d"});
  CHECK(reader.rows_rejected() == 2);
  std::ifstream in(skip.rejects_path);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(all.find("2,2,\"not a JSON object\",\"\"") != std::string::npos);
  CHECK(
      all.find("3,3,\"column 'exams': expected true/false (or 1/0, ja/nej)\",\"pseudonym-of-c\"") !=
      std::string::npos);
  CHECK(all.find("not json\"") == std::string::npos);  // never the line itself
}
