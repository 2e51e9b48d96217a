#include "tests/support/postgres_server.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gaoxin::testing {
namespace {

std::string Script() { return std::string(GAOXIN_SOURCE_DIR) + "/deploy/local-postgres.sh"; }

}  // namespace

PostgresServer::PostgresServer() : owned_(std::make_unique<TempDir>()), removes_(true) {
  dir_ = owned_->path() + "/pg";
  port_ = FreePort();
  password_ = "gaoxin-test-password";
  (void)Run({"init", dir_, absl::StrCat(port_)});
}

PostgresServer::PostgresServer(const std::string& parent_dir,
                               const std::vector<std::string>& initdb_args)
    : removes_(true), dir_(parent_dir + "/pg") {
  port_ = FreePort();
  password_ = "gaoxin-test-password";
  std::vector<std::string> args = {"init", dir_, absl::StrCat(port_)};
  args.insert(args.end(), initdb_args.begin(), initdb_args.end());
  (void)Run(args);
}

PostgresServer::PostgresServer(AttachTag, std::string dir) : dir_(std::move(dir)) {
  password_ = std::string(absl::StripAsciiWhitespace(ReadFileOrEmpty(password_file())));
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFileOrEmpty(dir_ + "/port")), &port_) ||
      password_.empty()) {
    error_ = absl::StrCat("GAOXIN_TEST_POSTGRES_DIR=", dir_, " holds no cluster");
  }
}

PostgresServer::~PostgresServer() {
  if (removes_) (void)Run({"remove", dir_});
}

PostgresServer& PostgresServer::Shared() {
  // Never destroyed while tests may still use it; an owned cluster is removed by the atexit
  // hook instead.
  static PostgresServer* shared = [] {
    const char* dir = std::getenv("GAOXIN_TEST_POSTGRES_DIR");
    if (dir != nullptr && *dir != '\0') return new PostgresServer(AttachTag{}, dir);
    auto* pg = new PostgresServer();
    if (pg->ok()) (void)pg->Start();
    std::atexit([] { delete &Shared(); });
    return pg;
  }();
  return *shared;
}

bool PostgresServer::Run(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/bin/bash", Script()};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log = dir_ + ".script.log";
  Subprocess script(argv, log);
  const int code = script.Wait(absl::Seconds(120));
  if (code != 0) {
    error_ =
        absl::StrCat("local-postgres.sh ", args[0], " exited ", code, ": ", ReadFileOrEmpty(log));
    return false;
  }
  error_.clear();
  return true;
}

bool PostgresServer::Start() { return Run({"start", dir_}); }

void PostgresServer::Stop() { (void)Run({"stop", dir_}); }

void PostgresServer::Crash() { (void)Run({"crash", dir_}); }

std::string PostgresServer::uri() const {
  return absl::StrCat("postgresql://gaoxin_test@127.0.0.1:", port_, "/gaoxin_test");
}

std::string PostgresServer::NewSchema() {
  // The shared cluster outlives test processes, and process ids are reused: the name must be
  // new to the cluster, not just to this process.
  static std::atomic<int> next{0};
  static const uint64_t process_tag = absl::Uniform<uint64_t>(absl::BitGen());
  return absl::StrCat("t", absl::Hex(process_tag, absl::kZeroPad16), "_", next.fetch_add(1));
}

db::StoreLocation PostgresServer::Location(const std::string& schema) const {
  db::StoreLocation where;
  where.db = uri();
  where.password = password_;
  where.schema = schema;
  return where;
}

std::string PostgresServer::log() const { return ReadFileOrEmpty(dir_ + "/server.log"); }

}  // namespace gaoxin::testing
