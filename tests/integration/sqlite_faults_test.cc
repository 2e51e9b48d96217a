// The SQLite store when its disk fails under it, made to fail on demand: a VFS wrapped around the
// default one refuses writes (SQLITE_FULL, as a full disk does, or SQLITE_IOERR) while armed. The
// promise under test is the suite's: every reply is truthful. An OK unit of work is on disk and a
// failed one is not, also when SQLite rolls the whole group commit back by itself in the middle of
// a batch (a full disk while spilling a large transaction to the WAL), and the store writes again
// as soon as the disk does.
//
//   FaultyDisk disk;            // registered as the default VFS for the test's lifetime
//   disk.Fail(SQLITE_FULL);     // every write from now on fails
//   disk.Heal();
#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/db/sqlite_database.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::db {
namespace {

// A sqlite3_file of the wrapping VFS: the real file follows it in the same allocation.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
};

std::atomic<int> g_fail_with{SQLITE_OK};
std::atomic<int> g_failed_writes{0};
sqlite3_vfs* g_real_vfs = nullptr;

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }

int Close(sqlite3_file* f) {
  int rc = Real(f)->pMethods != nullptr ? Real(f)->pMethods->xClose(Real(f)) : SQLITE_OK;
  return rc;
}
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (const int rc = g_fail_with.load(); rc != SQLITE_OK) {
    g_failed_writes.fetch_add(1);
    return rc == SQLITE_IOERR ? SQLITE_IOERR_WRITE : rc;
  }
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) { return Real(f)->pMethods->xSync(Real(f), flags); }
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int drop) { return Real(f)->pMethods->xShmUnmap(Real(f), drop); }
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), off, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return Real(f)->pMethods->xUnfetch(Real(f), off, p);
}

// Version 2 (WAL's shared memory), without memory-mapped I/O: the store never turns mmap on.
const sqlite3_io_methods kFaultMethods = {
    2,
    Close,
    Read,
    Write,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<FaultFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  std::memset(f->real, 0, g_real_vfs->szOsFile);
  int rc = g_real_vfs->xOpen(g_real_vfs, name, f->real, flags, out_flags);
  // Close is called even when open fails; it must then not reach the real file's methods.
  f->base.pMethods = &kFaultMethods;
  (void)vfs;
  return rc;
}

class FaultyDisk {
 public:
  FaultyDisk() {
    g_real_vfs = sqlite3_vfs_find(nullptr);
    vfs_ = *g_real_vfs;
    vfs_.zName = "gaoxin-faulty-disk";
    vfs_.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real_vfs->szOsFile;
    vfs_.xOpen = Open;
    vfs_.pNext = nullptr;
    sqlite3_vfs_register(&vfs_, /*makeDflt=*/1);
    Heal();
    g_failed_writes.store(0);
  }
  ~FaultyDisk() {
    Heal();
    sqlite3_vfs_unregister(&vfs_);
  }
  void Fail(int code) { g_fail_with.store(code); }
  void Heal() { g_fail_with.store(SQLITE_OK); }
  int failed_writes() const { return g_failed_writes.load(); }

 private:
  sqlite3_vfs vfs_;
};

class SqliteFaultTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    SqliteDatabase::Options options;
    // Checkpoints would write to the database file at moments of their own choosing.
    options.checkpoint_pages = 0;
    auto opened = SqliteDatabase::Open(dir_.path() + "/faults.db", options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->Write([](Transaction& tx) {
                     return tx.ExecuteScript(
                         "CREATE TABLE items (id TEXT PRIMARY KEY, data BLOB NOT NULL)");
                   })
                    .ok());
  }

  bool Stored(const std::string& id) {
    bool found = false;
    EXPECT_TRUE(db_->Read([&](Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto row,
                                      tx.QueryOne("SELECT 1 FROM items WHERE id = ?", {id}));
                     found = row.has_value();
                     return absl::OkStatus();
                   })
                    .ok());
    return found;
  }

  static absl::Status Insert(Transaction& tx, const std::string& id, size_t bytes) {
    return tx.Execute("INSERT INTO items VALUES(?, ?)",
                      {id, SqlValue::Blob(std::string(bytes, 'x'))});
  }

  testing::TempDir dir_;
  FaultyDisk disk_;
  std::unique_ptr<SqliteDatabase> db_;
};

// Three units in one group commit; the middle one is larger than the writer's page cache, so
// SQLite spills it to the WAL mid-statement, and the disk is full just then. SQLite rolls the
// whole transaction back by itself. Neither the unit before (undone with it) nor the one after
// (which, run outside a transaction, would commit on its own) may be reported other than as it
// is on disk.
TEST_P(SqliteFaultTest, RepliesMatchTheDiskWhenTheStoreRollsABatchBackMidway) {
  constexpr int kUnits = 3;
  std::vector<absl::Status> results(kUnits, absl::UnknownError("not called"));
  std::atomic<int> finished{0};
  absl::Notification all_finished;
  auto record = [&](int i) {
    return [&, i](absl::Status s) {
      results[i] = std::move(s);
      if (finished.fetch_add(1) + 1 == kUnits) all_finished.Notify();
    };
  };
  // Holds the writer while the three units queue, so they share the next commit.
  absl::Notification queued;
  absl::Notification gate_done;
  db_->WriteAsync(
      [&](Transaction&) {
        queued.WaitForNotification();
        return absl::OkStatus();
      },
      [&](absl::Status) { gate_done.Notify(); });
  db_->WriteAsync([](Transaction& tx) { return Insert(tx, "before", 100); }, record(0));
  db_->WriteAsync(
      [this](Transaction& tx) {
        disk_.Fail(GetParam());
        absl::Status s = Insert(tx, "large", 16 << 20);
        // The disk has room again before the next unit runs: only a unit that really ran in a
        // transaction that is gone could now commit on its own.
        disk_.Heal();
        return s;
      },
      record(1));
  db_->WriteAsync([](Transaction& tx) { return Insert(tx, "after", 100); }, record(2));
  queued.Notify();
  gate_done.WaitForNotification();
  all_finished.WaitForNotification();

  ASSERT_GT(disk_.failed_writes(), 0) << "the fault never fired: the test proves nothing";
  EXPECT_FALSE(results[1].ok());
  if (GetParam() == SQLITE_FULL) {
    EXPECT_EQ(results[1].code(), absl::StatusCode::kResourceExhausted) << results[1];
    EXPECT_EQ(ErrorReason(results[1]), "STORAGE_FULL") << results[1];
  }
  const char* ids[kUnits] = {"before", "large", "after"};
  for (int i = 0; i < kUnits; ++i) {
    EXPECT_EQ(results[i].ok(), Stored(ids[i])) << ids[i] << ": reported " << results[i] << " but "
                                               << (Stored(ids[i]) ? "is" : "is not") << " on disk";
  }
  // And the store writes again now that the disk does.
  EXPECT_TRUE(db_->Write([](Transaction& tx) { return Insert(tx, "later", 100); }).ok());
  EXPECT_TRUE(Stored("later"));
}

// A full disk at COMMIT: nothing of the batch is reported done, nothing is stored, and the next
// commit works.
TEST_P(SqliteFaultTest, AFailedCommitFailsEveryUnitAndTheStoreRecovers) {
  disk_.Fail(GetParam());
  absl::Status s = db_->Write([](Transaction& tx) { return Insert(tx, "small", 100); });
  disk_.Heal();
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(Stored("small"));
  EXPECT_TRUE(db_->Write([](Transaction& tx) { return Insert(tx, "next", 100); }).ok());
  EXPECT_TRUE(Stored("next"));
}

INSTANTIATE_TEST_SUITE_P(Faults, SqliteFaultTest, ::testing::Values(SQLITE_FULL, SQLITE_IOERR),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == SQLITE_FULL ? "DiskFull" : "IoError");
                         });

}  // namespace
}  // namespace gaoxin::db
