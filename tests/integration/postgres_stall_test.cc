// The PostgreSQL store when its server (or the path to it) accepts bytes and never answers: a
// stalled loopback proxy between the store and a real server (tests/support/slow_proxy.h). A read
// on an open connection ends by the call's deadline (DEADLINE_EXCEEDED), or by the store's own
// bound when the call has none (statement timeout + 5 s; UNAVAILABLE), instead of holding the
// thread until the server answers; the connection is dropped and the store reads again once the
// server answers.
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/call_deadline.h"
#include "common/db/postgres_database.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/slow_proxy.h"

namespace gaoxin::db {
namespace {

absl::Status SelectOne(Database& db) {
  return db.Read([](Transaction& tx) { return tx.Query("SELECT 1").status(); });
}

class PostgresStallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::PostgresServer& pg = testing::PostgresServer::Shared();
    ASSERT_TRUE(pg.ok()) << pg.error();
    proxy_ = std::make_unique<testing::SlowProxy>(pg.port());
    ASSERT_GT(proxy_->port(), 0);
    PostgresDatabase::Options options;
    options.uri =
        absl::StrCat("postgresql://gaoxin_test@127.0.0.1:", proxy_->port(), "/gaoxin_test");
    options.password = pg.password();
    options.schema = pg.NewSchema();
    options.statement_timeout = absl::Seconds(1);  // the store's own bound: 1 s + 5 s
    auto opened = PostgresDatabase::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    db_ = std::move(*opened);
    // An idle pooled connection, so the stalled read below waits for an answer, not a connect.
    ASSERT_TRUE(SelectOne(*db_).ok());
    // The read's COMMIT is sent without waiting for its reply: let the reply arrive before the
    // stall, or the next read's first wait is for it (and a dropped connection, a reconnect).
    absl::SleepFor(absl::Milliseconds(300));
  }

  // Releases the proxy after `after`, so that a read that ignored its deadline still ends.
  std::thread ReleaseAfter(absl::Duration after) {
    return std::thread([this, after] {
      absl::SleepFor(after);
      proxy_->Stall(false);
    });
  }

  std::unique_ptr<testing::SlowProxy> proxy_;
  std::unique_ptr<PostgresDatabase> db_;
};

TEST_F(PostgresStallTest, AReadEndsByTheCallsDeadline) {
  proxy_->Stall(true);
  std::thread release = ReleaseAfter(absl::Seconds(4));
  const absl::Time start = absl::Now();
  absl::Status s;
  {
    CallDeadlineScope deadline(start + absl::Seconds(1));
    s = SelectOne(*db_);
  }
  const absl::Duration took = absl::Now() - start;
  release.join();
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_LT(took, absl::Seconds(3)) << "the read waited for the server, not for its caller";
  // The abandoned connection is not reused: the next read answers.
  EXPECT_TRUE(SelectOne(*db_).ok());
}

TEST_F(PostgresStallTest, AReadWithoutADeadlineEndsByTheStoresBound) {
  proxy_->Stall(true);
  std::thread release = ReleaseAfter(absl::Seconds(9));
  const absl::Time start = absl::Now();
  absl::Status s = SelectOne(*db_);
  const absl::Duration took = absl::Now() - start;
  release.join();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_GE(took, absl::Seconds(5));
  EXPECT_LT(took, absl::Milliseconds(8500))
      << "the read waited for the server, not the store's bound";
  EXPECT_TRUE(SelectOne(*db_).ok());
}

}  // namespace
}  // namespace gaoxin::db
