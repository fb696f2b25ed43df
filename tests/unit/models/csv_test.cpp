#include "skon/models/csv.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "skon/models/record_source.hpp"
#include "support/temp_path.hpp"

using namespace skon::models;
using namespace skon::base;
namespace fs = std::filesystem;

namespace {

fs::path write_temp(const std::string& name, const std::string& bytes) {
  const fs::path p = skon::test::temp_path("csv_" + name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::vector<std::vector<std::string>> tokenize(const std::string& bytes, char delimiter = 0,
                                               Encoding enc = Encoding::Utf8) {
  const fs::path p = write_temp("tok", bytes);
  CsvTokenizer t(p.string(), delimiter, enc);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string_view> fields;
  while (t.next(fields)) out.emplace_back(fields.begin(), fields.end());
  fs::remove(p);
  return out;
}

}  // namespace

TEST_CASE("csv: RFC 4180 quoting, embedded delimiters, quotes and newlines, CRLF, BOM") {
  const auto rows =
      tokenize("\xEF\xBB\xBFid;note;x\r\n1;\"a;b\";2\r\n2;\"say \"\"hi\"\"\nnext line\";3\r\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{"id", "note", "x"});
  CHECK(rows[1] == std::vector<std::string>{"1", "a;b", "2"});
  CHECK(rows[2] == std::vector<std::string>{"2", "say \"hi\"\nnext line", "3"});
}

TEST_CASE("csv: delimiter detection, empty fields, blank lines, no final newline") {
  CHECK(tokenize("a,b,c\n1,,3\n\n4,5,")[1] == std::vector<std::string>{"1", "", "3"});
  CHECK(tokenize("a,b,c\n1,,3\n\n4,5,").size() == 3);
  CHECK(tokenize("a,b,c\n1,,3\n\n4,5,")[2] == std::vector<std::string>{"4", "5", ""});
  CHECK(tokenize("a\tb\n1\t2\n")[1] == std::vector<std::string>{"1", "2"});
  CHECK(tokenize("a|b\n1|2\n")[1] == std::vector<std::string>{"1", "2"});
}

TEST_CASE("csv: Windows-1252 and Latin-1 become UTF-8") {
  const auto rows = tokenize(
      "navn;by\nS\xF8ren;\xC6r\xF8sk\xF8"
      "bing \x80\n",
      0, Encoding::Windows1252);
  CHECK(rows[1] == std::vector<std::string>{"Søren", "Ærøskøbing €"});
  const auto latin = tokenize("a\n\xE5\n", 0, Encoding::Latin1);
  CHECK(latin[1][0] == "å");
}

TEST_CASE("csv: records spanning the 1 MiB block boundary") {
  std::string text = "id;note\n";
  for (int i = 0; i < 40000; ++i) text += std::to_string(i) + ";\"line one\nline two; with ;\"\r\n";
  const auto rows = tokenize(text);
  REQUIRE(rows.size() == 40001);
  CHECK(rows[39999] == std::vector<std::string>{"39998", "line one\nline two; with ;"});
}

TEST_CASE("csv: an unterminated quote is an input error") {
  CHECK_THROWS_AS(tokenize("a;b\n1;\"open\n"), InputError);
}

TEST_CASE("cohort reader: typed values, decimal comma, missing markers, header mapping") {
  const fs::path p = write_temp("typed.csv",
                                "Elev-ID;Fravær;Køn;Prøver;Født\n"
                                "a1;12,5;male;ja;2010-05-01\n"
                                "a2;NA;Female;0;01.02.2011\n"
                                "a3;;;;\n");
  std::vector<ColumnSpec> cols = {
      {"id", ColumnType::Text, {}, {}, {}, "", ""},
      {"absence_pct", ColumnType::Number, 0.0, 100.0, {}, "absence", ""},
      {"sex", ColumnType::Category, {}, {}, {"female", "male"}, "cpr", ""},
      {"exams", ColumnType::Bool, {}, {}, {}, "exams", ""},
      {"birth", ColumnType::Date, {}, {}, {}, "cpr", ""},
  };
  ReadOptions opt;
  opt.decimal = ',';
  opt.missing_markers = {"NA"};
  opt.header_for = {{"id", "Elev-ID"},
                    {"absence_pct", "Fravær"},
                    {"sex", "Køn"},
                    {"exams", "Prøver"},
                    {"birth", "Født"}};
  CohortReader reader(p.string(), cols, opt);
  Row row;
  REQUIRE(reader.next(row));
  CHECK(row.texts[0] == "a1");
  CHECK(row.values[1] == 12.5);
  CHECK(row.values[2] == 1);
  CHECK(row.values[3] == 1);
  CHECK(row.values[4] == 14730);
  REQUIRE(reader.next(row));
  CHECK(is_missing(row.values[1]));
  CHECK(row.values[2] == 0);  // case-insensitive category match
  CHECK(row.values[4] == 15006);
  REQUIRE(reader.next(row));
  CHECK(is_missing(row.values[1]));
  CHECK(is_missing(row.values[2]));
  CHECK_FALSE(reader.next(row));
  CHECK(reader.rows_read() == 3);
  fs::remove(p);
}

TEST_CASE("cohort reader: bad values name row, column and what was expected, or are skipped") {
  const fs::path p = write_temp("bad.csv", "absence_pct,sex\n10,male\n150,male\n5,boy\n7,female\n");
  std::vector<ColumnSpec> cols = {
      {"absence_pct", ColumnType::Number, 0.0, 100.0, {}, "", ""},
      {"sex", ColumnType::Category, {}, {}, {"female", "male"}, "", ""}};
  {
    CohortReader reader(p.string(), cols, {});
    Row row;
    CHECK(reader.next(row));
    try {
      reader.next(row);
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      const std::string m = e.what();
      CHECK(m.find("row 2 (line 3)") != std::string::npos);
      CHECK(m.find("column 'absence_pct': expected a number in 0..100") != std::string::npos);
      CHECK(m.find("150") == std::string::npos);  // never the cell's value: it may be a CPR number
    }
  }
  const fs::path rejects = skon::test::temp_path("csv_rejects.csv");
  ReadOptions skip;
  skip.skip_bad_rows = true;
  skip.rejects_path = rejects.string();
  {
    CohortReader reader(p.string(), cols, skip);
    Row row;
    int good = 0;
    while (reader.next(row)) ++good;
    CHECK(good == 2);
    CHECK(reader.rows_rejected() == 2);
  }
  std::ifstream in(rejects);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The rejects file names rows by line, row and reason (and id, when the caller gives one), never
  // by their values.
  CHECK(all.find("3,2,\"column 'absence_pct': expected a number in 0..100\",\"\"") !=
        std::string::npos);
  CHECK(all.find("4,3,\"column 'sex': expected one of female, male\",\"\"") != std::string::npos);
  CHECK(all.find("150") == std::string::npos);
  CHECK(all.find("boy") == std::string::npos);
  fs::remove(p);
  fs::remove(rejects);
}

TEST_CASE("cohort reader: a missing column names the closest header") {
  const fs::path p = write_temp("hdr.csv", "absense_pct\n1\n");
  std::vector<ColumnSpec> cols = {{"absence_pct", ColumnType::Number, {}, {}, {}, "", ""}};
  CHECK_THROWS_WITH_AS(CohortReader(p.string(), cols, {}),
                       doctest::Contains("did you mean 'absense_pct'"), InputError);
  fs::remove(p);
}

TEST_CASE("cohort reader: JSON Lines") {
  const fs::path p = write_temp("c.jsonl",
                                "{\"absence_pct\": 12.5, \"sex\": \"male\", \"exams\": true}\n"
                                "{\"absence_pct\": null, \"sex\": \"female\"}\n\n"
                                "{\"absence_pct\": 101}\n");
  std::vector<ColumnSpec> cols = {{"absence_pct", ColumnType::Number, 0.0, 100.0, {}, "", ""},
                                  {"sex", ColumnType::Category, {}, {}, {"female", "male"}, "", ""},
                                  {"exams", ColumnType::Bool, {}, {}, {}, "", ""}};
  CohortReader reader(p.string(), cols, {});
  Row row;
  REQUIRE(reader.next(row));
  CHECK(row.values == std::vector<double>{12.5, 1, 1});
  REQUIRE(reader.next(row));
  CHECK(is_missing(row.values[0]));
  CHECK(is_missing(row.values[2]));
  CHECK_THROWS_WITH_AS(reader.next(row), doctest::Contains("line 4"), InputError);
  fs::remove(p);
}

TEST_CASE("cohort reader: the UCI dropout file (BOM, CRLF, quoted header with a TAB)") {
  const fs::path data = fs::path(SKON_TEST_DATA_DIR) / "data/uci697_dropout_academic_success.csv";
  std::vector<ColumnSpec> cols = {
      {"Gender", ColumnType::Number, 0.0, 1.0, {}, "", ""},
      {"Admission grade", ColumnType::Number, {}, {}, {}, "", ""},
      {"Daytime/evening attendance", ColumnType::Number, {}, {}, {}, "", ""},
      {"Target", ColumnType::Category, {}, {}, {"Dropout", "Enrolled", "Graduate"}, "", ""}};
  CohortReader reader(data.string(), cols, {});
  Row row;
  std::size_t n = 0, dropouts = 0;
  while (reader.next(row)) {
    ++n;
    dropouts += row.values[3] == 0 ? 1 : 0;
  }
  CHECK(n == 4424);
  CHECK(dropouts == 1421);
}
