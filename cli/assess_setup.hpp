#pragma once

// What `assess` and `explain` share: loading and checking the rules, the model and the
// constraints before any record is read, and pseudonymous ids.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "data_options.hpp"
#include "skon/dsl/program.hpp"
#include "skon/engine/assessor.hpp"
#include "skon/engine/version.hpp"
#include "skon/models/model.hpp"

namespace skon::cli {

struct AssessInputs {
  std::vector<std::string> rules;
  std::string purpose;
  std::string model;
  std::string data;
  std::string id_column = "id";
  std::string id_key_file;
  bool reveal_ids = false;
  std::string today;  // YYYY-MM-DD; default: the current date (UTC)
  DataOptions data_options;
  std::string id_key;  // loaded by prepare_assessment
};

struct Prepared {
  std::unique_ptr<dsl::Program> program;
  dsl::Index purpose = dsl::kNone;
  std::unique_ptr<models::LogisticModel> model;
  std::string model_sha256;
  std::unique_ptr<engine::Assessor> assessor;
  std::vector<models::ColumnSpec> columns;  // id column first, then the assessor's input fields
};

void add_assess_inputs(CLI::App& sub, AssessInputs& in);

// Loads, checks and enforces; prints diagnostics and returns an exit code (kExitOk to go on).
// Loads the pseudonymization key into `in.id_key` unless ids are revealed.
int prepare_assessment(AssessInputs& in, Prepared& out);

}  // namespace skon::cli
