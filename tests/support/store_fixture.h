// Test support: the plumbing every store's integration test shares. Await() turns a store's
// callback API into a blocking call; SqliteStoreTest<Store> is a gtest fixture with a temporary
// directory and a real SQLite file in it, opened and migrated with Store::Migrate. The store
// itself stays in the derived fixture, since each store is built with its own clock and options.
//
//   class LeadStoreTest : public testing::SqliteStoreTest<LeadStore> {
//    protected:
//     void SetUp() override {
//       ASSERT_NO_FATAL_FAILURE(OpenDatabase("leads.db"));
//       store_ = std::make_unique<LeadStore>(db_.get(), [] { return absl::Now(); });
//     }
//     std::unique_ptr<LeadStore> store_;
//   };
//   auto lead = testing::Await<v1::Lead>([&](Done<v1::Lead> done) { store_->GetLead(id, done); });
#ifndef GAOXIN_TESTS_SUPPORT_STORE_FIXTURE_H_
#define GAOXIN_TESTS_SUPPORT_STORE_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "common/db/sqlite_database.h"
#include "gtest/gtest.h"
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

// A fixture with a temporary directory and a migrated SQLite database for `Store`.
template <typename Store>
class SqliteStoreTest : public ::testing::Test {
 protected:
  // Opens (or reopens) `file` in the temporary directory and runs Store::Migrate on it. Fails
  // fatally when either fails: call it under ASSERT_NO_FATAL_FAILURE.
  void OpenDatabase(const std::string& file) {
    auto db = db::SqliteDatabase::Open(dir_.File(file));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(Store::Migrate(*db_).ok());
  }

  TempDir dir_;
  std::unique_ptr<db::SqliteDatabase> db_;
};

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_STORE_FIXTURE_H_
