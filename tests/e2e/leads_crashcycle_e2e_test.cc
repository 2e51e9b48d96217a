// End-to-end: gaoxin_crashcycle (tools/gaoxin_load/crash_cycles.cc) against the real leads_server
// on the test's store, a bounded number of kill -9 cycles under writers and watchers. Passes only
// when the tool reports PASS: nothing acknowledged lost, nothing stored twice, every watcher exact.
// The 1,000-cycle run is recorded in docs/FAULTS.md.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::leads {
namespace {

TEST(LeadsCrashCycleE2eTest, KillNineCyclesLoseNothingAndWatchersStayExact) {
  testing::TempDir dir;
  std::vector<std::string> argv = {CRASHCYCLE_PATH, absl::StrCat("--server=", SERVER_PATH),
                                   "--cycles=12",   "--writers=8",
                                   "--watchers=4",  absl::StrCat("--work_dir=", dir.path())};
  if (testing::BackendFromEnvironment() == testing::Backend::kPostgres) {
    testing::PostgresServer& pg = testing::PostgresServer::Shared();
    ASSERT_TRUE(pg.ok()) << pg.error();
    argv.push_back("--db=" + pg.uri());
    argv.push_back("--db_password_file=" + pg.password_file());
  }
  const std::string log = dir.File("crashcycle.out");
  testing::Subprocess tool(argv, log);
  const int code = tool.Wait(absl::Seconds(240));
  const std::string output = testing::ReadFileOrEmpty(log);
  EXPECT_EQ(code, 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "lost=0 duplicates=0")) << output;
  EXPECT_TRUE(absl::StrContains(output, "missing=0 extra=0 repeated=0 out_of_order=0")) << output;
  EXPECT_TRUE(absl::StrContains(output, "\nPASS")) << output;
}

}  // namespace
}  // namespace gaoxin::leads
