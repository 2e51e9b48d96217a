#include "tests/support/store_fixture.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "tests/support/test_certs.h"

namespace gaoxin::testing {

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kPostgres ? "PostgreSQL" : "SQLite";
}

Backend BackendFromEnvironment() {
  const char* store = std::getenv("GAOXIN_TEST_STORE");
  if (store != nullptr && std::string(store) == "postgresql") return Backend::kPostgres;
  return Backend::kSqlite;
}

db::StoreLocation TestStoreLocation(Backend backend, const TempDir& dir, const std::string& name) {
  if (backend == Backend::kSqlite) {
    db::StoreLocation where;
    where.db = dir.File(name + ".db");
    return where;
  }
  static absl::Mutex mu;
  static auto* schemas = new std::map<std::pair<std::string, std::string>, std::string>();
  PostgresServer& pg = PostgresServer::Shared();
  EXPECT_TRUE(pg.ok()) << pg.error();
  std::string schema;
  {
    absl::MutexLock lock(&mu);
    auto [it, inserted] = schemas->try_emplace({dir.path(), name});
    if (inserted) it->second = pg.NewSchema();
    schema = it->second;
  }
  return pg.Location(schema);
}

std::string AuditKeyFile(const TempDir& dir, const std::string& name) {
  const std::string path = dir.File(name + ".audit.key");
  if (!std::filesystem::exists(path)) {
    absl::BitGen gen;
    std::string hex;
    for (int i = 0; i < 32; ++i) {
      absl::StrAppend(&hex, absl::Hex(absl::Uniform<uint8_t>(gen), absl::kZeroPad2));
    }
    std::ofstream(path) << hex << "\n";
  }
  return path;
}

std::vector<std::string> StoreFlags(const TempDir& dir, const std::string& name) {
  const Backend backend = BackendFromEnvironment();
  const db::StoreLocation where = TestStoreLocation(backend, dir, name);
  std::vector<std::string> flags = {"--db=" + where.db,
                                    "--audit_key_file=" + AuditKeyFile(dir, name)};
  if (backend == Backend::kPostgres) {
    flags.push_back("--db_schema=" + where.schema);
    flags.push_back("--db_password_file=" + PostgresServer::Shared().password_file());
  }
  return flags;
}

std::vector<std::string> WithStore(std::vector<std::string> argv, const TempDir& dir,
                                   const std::string& name) {
  for (std::string& flag : StoreFlags(dir, name)) argv.push_back(std::move(flag));
  // Every test server speaks mutual TLS, as in production; the test's own channels follow.
  for (std::string& flag : TestTransport::Get().ServerFlags()) argv.push_back(std::move(flag));
  return argv;
}

}  // namespace gaoxin::testing
