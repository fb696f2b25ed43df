// skon audit verify|checkpoint|show|export|pending|purge — reading and keeping the audit log
// (engine/audit_log.hpp): tamper evidence, signed checkpoints, what was assessed and decided,
// what still awaits a human, and removal of personal data past its retention period.

#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audit_options.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "skon/audit/audit_rows.hpp"
#include "skon/base/atomic_file.hpp"
#include "skon/base/clock.hpp"
#include "skon/base/date.hpp"
#include "skon/base/errors.hpp"
#include "skon/base/keys.hpp"
#include "skon/documents/audit_document.hpp"
#include "text_output.hpp"

namespace skon::cli {
namespace {

struct AuditOptions {
  AuditOption audit;
  std::vector<std::string> checkpoints;
  std::string key_file;
  std::string head;
  std::string output = "-";
  std::string run, person;
  std::string format = "jsonl";
  std::string older_than;
  std::string before;
};

std::string read_secret(const std::string& path) {
  return base::read_secret_key(path, "the checkpoint key");
}

// ISO 8601 UTC of `days` days before now.
std::string days_ago(long days) {
  return base::utc_timestamp(base::system_clock().now_seconds() - days * 86400);
}

int run_verify(const AuditOptions& opt) {
  const auto log = opt.audit.open("", /*create=*/false);
  const engine::VerifyResult r = log->verify();
  if (!r.ok) {
    std::printf("audit log %s: BROKEN at row %lld: %s\n", log->path().c_str(),
                static_cast<long long>(r.first_bad), r.problem.c_str());
    return kExitFindings;
  }
  int status = kExitOk;
  if (!opt.checkpoints.empty()) {
    if (opt.key_file.empty()) throw base::UsageError("--checkpoint needs --key-file");
    const std::string key = read_secret(opt.key_file);
    for (const std::string& file : opt.checkpoints) {
      const engine::Checkpoint c = engine::read_checkpoint(file);
      if (const auto problem = engine::check_against(c, key, *log, r)) {
        std::printf("audit log %s: BROKEN against checkpoint %s: %s\n", log->path().c_str(),
                    file.c_str(), problem->c_str());
        status = kExitFindings;
      }
    }
  }
  if (!opt.head.empty()) {
    if (!log->has_hash(opt.head)) {
      std::printf("audit log %s: BROKEN: no row has the head %s recorded earlier\n",
                  log->path().c_str(), opt.head.c_str());
      status = kExitFindings;
    }
  }
  if (status == kExitOk) {
    std::printf("audit log %s: %lld rows verify; head %s\n", log->path().c_str(),
                static_cast<long long>(r.rows), r.head.c_str());
  }
  return status;
}

int run_checkpoint(const AuditOptions& opt) {
  const auto log = opt.audit.open("", /*create=*/false);
  const engine::VerifyResult r = log->verify();
  if (!r.ok) {
    std::printf("audit log %s: BROKEN at row %lld: %s; no checkpoint written\n",
                log->path().c_str(), static_cast<long long>(r.first_bad), r.problem.c_str());
    return kExitFindings;
  }
  const engine::Checkpoint c = log->checkpoint(read_secret(opt.key_file), audit_now());
  write_text_output(opt.output, engine::checkpoint_json(c));
  std::fprintf(stderr,
               "skon audit checkpoint: %lld rows, head %s; keep it away from the log's "
               "machine\n",
               static_cast<long long>(c.rows), c.head.c_str());
  return kExitOk;
}

int run_show(const AuditOptions& opt) {
  if (opt.run.empty() == opt.person.empty()) {
    throw base::UsageError("give --run ID or --person PSEUDONYM");
  }
  const auto log = opt.audit.open("", /*create=*/false);
  std::size_t n = 0;
  log->rows("", opt.run, opt.person, [&](const engine::StoredRow& s) {
    std::printf("%s\n", engine::audit_row_json(s).c_str());
    ++n;
  });
  if (n == 0) {
    std::fprintf(stderr, "skon audit show: no rows for that %s\n",
                 opt.run.empty() ? "person" : "run");
    return kExitFindings;
  }
  return kExitOk;
}

int run_export(const AuditOptions& opt) {
  const auto log = opt.audit.open("", /*create=*/false);
  std::string out = opt.format == "csv" ? engine::audit_csv_header() : "";
  log->rows("", "", "", [&](const engine::StoredRow& s) {
    out += opt.format == "jsonl" ? engine::audit_row_json(s) + "\n" : engine::audit_row_csv(s);
  });
  write_text_output(opt.output, out);
  return kExitOk;
}

int run_pending(const AuditOptions& opt) {
  std::string before;
  if (!opt.older_than.empty()) {
    const std::string& s = opt.older_than;
    if (s.size() < 2 || s.back() != 'd' || s.find_first_not_of("0123456789") != s.size() - 1) {
      throw base::UsageError("--older-than takes days, e.g. 14d");
    }
    before = days_ago(std::stol(s.substr(0, s.size() - 1)));
  }
  const auto log = opt.audit.open("", /*create=*/false);
  std::size_t n = 0;
  std::fputs(engine::pending_csv_header().c_str(), stdout);
  log->pending(before, [&](const engine::StoredRow& s) {
    std::fputs(engine::pending_row_csv(s).c_str(), stdout);
    ++n;
  });
  std::fprintf(stderr, "skon audit pending: %zu assessments await a decision\n", n);
  return kExitOk;
}

int run_purge(const AuditOptions& opt) {
  const auto day = base::parse_iso_date(opt.before);
  if (!day) throw base::UsageError("--before takes a date, YYYY-MM-DD");
  engine::check_retention_floor(opt.before, audit_now());
  const auto log = opt.audit.open("", /*create=*/false);
  const engine::VerifyResult r = log->verify();
  if (!r.ok) {
    std::printf("audit log %s: BROKEN at row %lld: %s; nothing purged\n", log->path().c_str(),
                static_cast<long long>(r.first_bad), r.problem.c_str());
    return kExitFindings;
  }
  const std::int64_t n =
      log->purge(opt.before + "T00:00:00Z", audit_now(), engine::current_os_user());
  std::fprintf(stderr,
               "skon audit purge: the personal data of %lld rows before %s removed; the chain "
               "still verifies\n",
               static_cast<long long>(n), opt.before.c_str());
  return kExitOk;
}

}  // namespace

void setup_audit(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<AuditOptions>();
  CLI::App* audit =
      app.add_subcommand("audit", "verify, show or export the hash-chained audit log");
  audit->require_subcommand(1);
  const auto sub = [&](const char* name, const char* help, int (*run)(const AuditOptions&)) {
    CLI::App* s = audit->add_subcommand(name, help);
    opt->audit.add_to(*s);
    s->callback([opt, run, &table] { table.selected = [opt, run] { return run(*opt); }; });
    return s;
  };
  CLI::App* verify =
      sub("verify", "recompute the chain; exit 1 and name the first broken row", run_verify);
  verify->add_option("--checkpoint", opt->checkpoints,
                     "signed checkpoints to hold the log against (its tail cut or rewritten)");
  verify->add_option("--key-file", opt->key_file, "the checkpoints' key");
  verify->add_option("--head", opt->head, "a head hash recorded earlier that must still be there");
  CLI::App* checkpoint =
      sub("checkpoint", "write a signed checkpoint (rows, head, time) to keep elsewhere",
          run_checkpoint);
  checkpoint->add_option("--key-file", opt->key_file, "HMAC key (at least 16 bytes)")->required();
  checkpoint->add_option("-o,--output", opt->output, "where to write it (- standard output)");
  CLI::App* show = sub("show", "the rows of one run, or of one person (with decisions)", run_show);
  show->add_option("--run", opt->run, "run id");
  show->add_option("--person", opt->person, "pseudonymous id");
  CLI::App* exp = sub("export", "every row, as JSON Lines or CSV", run_export);
  exp->add_option("--format", opt->format, "jsonl or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  exp->add_option("-o,--output", opt->output, "where to write it (- standard output)");
  CLI::App* pending =
      sub("pending", "assessments that require review and have no decision", run_pending);
  pending->add_option("--older-than", opt->older_than, "only those older than this, e.g. 14d");
  CLI::App* purge =
      sub("purge", "remove personal data of rows before a date (keeps the chain)", run_purge);
  purge->add_option("--before", opt->before, "YYYY-MM-DD; at least six months ago")->required();
}

}  // namespace skon::cli
