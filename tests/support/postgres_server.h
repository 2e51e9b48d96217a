// Test support: a throwaway PostgreSQL cluster on a free loopback port, for the store-contract,
// integration and end-to-end tests that run against PostgreSQL. deploy/local-postgres.sh does
// the work (initdb into a temporary folder, pg_ctl, as the unprivileged `postgres` user when the
// tests run as root); this class drives it. The superuser has a password and TCP connections
// need it (scram-sha-256), so the tests exercise the password path for real.
//
//   PostgresServer& pg = PostgresServer::Shared();          // one per test run
//   ASSERT_TRUE(pg.ok()) << pg.error();
//   db::StoreLocation where = pg.Location(pg.NewSchema());  // an empty schema of one's own
//
//   PostgresServer own;                                      // for tests that restart it
//   ASSERT_TRUE(own.Start()) << own.error();
//   own.Stop();  // fast shutdown: sessions are cut, as in a server restart
//
//   PostgresServer on_disk(disk.path(), {"--wal-segsize=1"});  // a cluster in a folder of one's
//                                                             // own (a small disk), removed after
//
// Shared(): when GAOXIN_TEST_POSTGRES_DIR names a cluster that tests/run-all.sh started, every
// test process uses it; otherwise (ctest or a test binary run by hand) the process starts its
// own, removed at exit.
#ifndef GAOXIN_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define GAOXIN_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <string>
#include <vector>

#include "common/db/open_database.h"
#include "tests/support/subprocess.h"

namespace gaoxin::testing {

class PostgresServer {
 public:
  // Initializes a new cluster in a temporary folder (not started).
  PostgresServer();
  // Initializes a new cluster under `parent_dir` (which must exist), passing `initdb_args` on to
  // initdb; removed by the destructor.
  PostgresServer(const std::string& parent_dir, const std::vector<std::string>& initdb_args);
  // Stops and removes a cluster this object created.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  static PostgresServer& Shared();

  // (Re)starts on the same port and data; waits until it accepts connections.
  bool Start();
  // Fast shutdown: open sessions are terminated.
  void Stop();
  // Immediate shutdown: no checkpoint; Start() then runs crash recovery.
  void Crash();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  // postgresql://gaoxin_test@127.0.0.1:<port>/gaoxin_test (no password: see password()).
  std::string uri() const;
  const std::string& password() const { return password_; }
  // A file holding only the password, for servers' --db_password_file.
  std::string password_file() const { return dir_ + "/password"; }
  std::string data_dir() const { return dir_ + "/data"; }
  // A schema name no other caller got (created by whoever opens a store in it).
  std::string NewSchema();
  // Where a store in `schema` of this cluster is.
  db::StoreLocation Location(const std::string& schema) const;
  // The server's log so far.
  std::string log() const;

 private:
  struct AttachTag {};
  // Uses the cluster another process started in `dir` (never stops it).
  PostgresServer(AttachTag, std::string dir);
  bool Run(const std::vector<std::string>& args);

  std::unique_ptr<TempDir> owned_;
  bool removes_ = false;  // a cluster this object created
  std::string dir_;
  int port_ = 0;
  std::string password_;
  std::string error_;
};

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_POSTGRES_SERVER_H_
