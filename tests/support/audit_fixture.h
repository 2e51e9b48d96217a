// Test support for the write audit, shared by every service's end-to-end audit suite: read a
// service's chain as an auditor, run `gaoxinctl audit verify`, and tamper with a stopped
// server's audit_log directly in its store (SQLite file or PostgreSQL schema), the way someone
// with access to the database but not to the audit key would.
//
//   auto result = testing::audit_fixture::VerifyChain(dir_, "leads", "--leads_addr=" + address(),
//                                                     testing::AuditKeyFile(dir_, "leads"),
//                                                     kAuditorToken);
//   EXPECT_EQ(result.code, 0) << result.output;
//   server_->Terminate();
//   ASSERT_TRUE(testing::audit_fixture::TamperAuditLog(
//       dir_, "leads", "UPDATE audit_log SET principal = 'mallory' WHERE sequence = 2").ok());
#ifndef GAOXIN_TESTS_SUPPORT_AUDIT_FIXTURE_H_
#define GAOXIN_TESTS_SUPPORT_AUDIT_FIXTURE_H_

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/db/database.h"
#include "common/db/open_database.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::testing::audit_fixture {

struct CtlResult {
  int code = -1;
  std::string output;
};

// Runs `gaoxinctl audit verify <service>` against the server at `addr_flag`
// ("--leads_addr=127.0.0.1:1234") with `key_file` and `token` (which needs the auditor role).
inline CtlResult VerifyChain(const TempDir& dir, const std::string& service,
                             const std::string& addr_flag, const std::string& key_file,
                             const std::string& token) {
  static int run = 0;
  const std::string log = dir.File("verify-" + std::to_string(++run) + ".log");
  Subprocess ctl({GAOXINCTL_PATH, "audit", "verify", service, addr_flag,
                  "--audit_key_file=" + key_file, "--token=" + token},
                 log);
  CtlResult result;
  result.code = ctl.Wait(absl::Seconds(60));
  result.output = ReadFileOrEmpty(log);
  return result;
}

// Runs `sql` on the audit_log of the store `name` in `dir` (the server must be stopped) after
// dropping the triggers that keep it append-only: a tamperer with database access.
inline absl::Status TamperAuditLog(const TempDir& dir, const std::string& name,
                                   const std::string& sql) {
  auto db = db::OpenDatabase(TestStoreLocation(BackendFromEnvironment(), dir, name));
  if (!db.ok()) return db.status();
  const bool postgres = (*db)->dialect() == db::Dialect::kPostgresql;
  return (*db)->Write([&](db::Transaction& tx) -> absl::Status {
    absl::Status dropped = postgres
                               ? tx.ExecuteScript(
                                     "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;"
                                     "DROP TRIGGER IF EXISTS audit_head_no_change ON audit_head")
                               : tx.ExecuteScript(
                                     "DROP TRIGGER IF EXISTS audit_log_no_update;"
                                     "DROP TRIGGER IF EXISTS audit_log_no_delete;"
                                     "DROP TRIGGER IF EXISTS audit_head_forward;"
                                     "DROP TRIGGER IF EXISTS audit_head_no_delete");
    if (!dropped.ok()) return dropped;
    return tx.ExecuteScript(sql);
  });
}

}  // namespace gaoxin::testing::audit_fixture

#endif  // GAOXIN_TESTS_SUPPORT_AUDIT_FIXTURE_H_
