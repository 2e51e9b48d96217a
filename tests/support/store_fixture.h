// Test support: the plumbing every store's test shares, for both stores. Await() turns a
// store's callback API into a blocking call. BackendTest is a gtest fixture parameterized by the
// store it runs on (SQLite in a temporary folder, or a schema of its own on the process's
// throwaway PostgreSQL cluster); StoreTest<Store> adds a database opened and migrated with
// Store::Migrate. Instantiate every such suite on both stores with GAOXIN_ON_EVERY_STORE, so one
// store-contract suite proves both.
//
//   class LeadStoreTest : public testing::StoreTest<LeadStore> {
//    protected:
//     void SetUp() override {
//       ASSERT_NO_FATAL_FAILURE(OpenDatabase("leads"));
//       store_ = std::make_unique<LeadStore>(db_.get(), [] { return absl::Now(); });
//     }
//     std::unique_ptr<LeadStore> store_;
//   };
//   TEST_P(LeadStoreTest, ...) { ... }
//   GAOXIN_ON_EVERY_STORE(LeadStoreTest);
//
// For servers started by end-to-end tests, StoreFlags() gives the --db flags of the store the
// test run asks for: SQLite, or PostgreSQL when GAOXIN_TEST_STORE=postgresql (CTest registers
// the end-to-end suites once for each).
#ifndef GAOXIN_TESTS_SUPPORT_STORE_FIXTURE_H_
#define GAOXIN_TESTS_SUPPORT_STORE_FIXTURE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "common/db/open_database.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/subprocess.h"

namespace gaoxin::testing {

// Starts an asynchronous call and blocks until its callback has run; returns what it was given.
template <typename T>
absl::StatusOr<T> Await(std::function<void(std::function<void(absl::StatusOr<T>)>)> start) {
  absl::Notification done;
  absl::StatusOr<T> result = absl::UnknownError("unset");
  start([&](absl::StatusOr<T> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

enum class Backend { kSqlite, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// The store end-to-end tests run their servers on: GAOXIN_TEST_STORE=postgresql or SQLite.
Backend BackendFromEnvironment();

// Where the store `name` of a test is, on `backend`: a file in `dir`, or a schema on the shared
// PostgreSQL cluster that stays the same for the same (dir, name), so a restarted server finds
// its data again.
db::StoreLocation TestStoreLocation(Backend backend, const TempDir& dir, const std::string& name);

// The write audit's key file of the store `name` in `dir` (64 random hex digits, made on first
// use): what its servers get as --audit_key_file and `gaoxinctl audit verify` is given.
std::string AuditKeyFile(const TempDir& dir, const std::string& name);

// The flags that give a server the store `name` (BackendFromEnvironment()): --db,
// --audit_key_file and, on PostgreSQL, --db_schema and --db_password_file.
std::vector<std::string> StoreFlags(const TempDir& dir, const std::string& name);
// `argv` with StoreFlags(dir, name) and the test transport's server flags (mutual TLS,
// tests/support/test_certs.h) appended: what every test server is started with.
std::vector<std::string> WithStore(std::vector<std::string> argv, const TempDir& dir,
                                   const std::string& name);

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  bool postgres() const { return GetParam() == Backend::kPostgres; }
  db::StoreLocation Location(const std::string& name) const {
    return TestStoreLocation(GetParam(), dir_, name);
  }
  // Opens the store `name`; a failure to open is a fatal test failure (use
  // ASSERT_NO_FATAL_FAILURE).
  void Open(const std::string& name, std::unique_ptr<db::Database>* db) {
    auto opened = db::OpenDatabase(Location(name));
    ASSERT_TRUE(opened.ok()) << opened.status();
    *db = std::move(*opened);
  }

  TempDir dir_;
};

template <typename Store>
class StoreTest : public BackendTest {
 protected:
  // Opens (or reopens) the store `name` and runs Store::Migrate on it.
  void OpenDatabase(const std::string& name) {
    db_.reset();
    ASSERT_NO_FATAL_FAILURE(Open(name, &db_));
    auto migrated = Store::Migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated;
  }

  std::unique_ptr<db::Database> db_;
};

#define GAOXIN_ON_EVERY_STORE(Suite)                                                 \
  INSTANTIATE_TEST_SUITE_P(Stores, Suite,                                            \
                           ::testing::Values(::gaoxin::testing::Backend::kSqlite,    \
                                             ::gaoxin::testing::Backend::kPostgres), \
                           ::gaoxin::testing::BackendName)

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_STORE_FIXTURE_H_
