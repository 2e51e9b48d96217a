#include "tests/support/server_under_test.h"

#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "common/client.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::testing {

void WriteTokensFile(const std::string& path, const std::vector<TestToken>& tokens) {
  std::string lines;
  for (const TestToken& t : tokens) {
    absl::StrAppend(&lines, Sha256Hex(t.token), " ", t.principal, " ", t.roles, "\n");
  }
  WriteFile(path, lines);
}

::testing::AssertionResult StartServing(std::unique_ptr<Subprocess>* process,
                                        const std::vector<std::string>& argv,
                                        const std::string& log_path, const std::string& address,
                                        const std::string& service) {
  *process = std::make_unique<Subprocess>(argv, log_path);
  if (WaitForServing(address, service, absl::Seconds(15))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << ReadFileOrEmpty(log_path);
}

std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token,
                                                  absl::Duration timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  PrepareContext(ctx.get(), token, timeout);
  return ctx;
}

ServerUnderTest::ServerUnderTest(std::string binary, std::string service,
                                 std::vector<TestToken> tokens, std::vector<std::string> extra_args)
    : binary_(std::move(binary)),
      service_(std::move(service)),
      extra_args_(std::move(extra_args)),
      port_(FreePort()) {
  WriteTokensFile(dir_.File("tokens"), tokens);
}

bool ServerUnderTest::Start() {
  process_.reset();
  std::vector<std::string> argv =
      WithStore({binary_, absl::StrCat("--listen=127.0.0.1:", port_),
                 "--tokens_file=" + dir_.File("tokens"), "--shutdown_grace_ms=3000"},
                dir_, "store");
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<Subprocess>(argv, dir_.File("server.log"));
  return WaitForServing(address(), service_, absl::Seconds(20));
}

bool ServerUnderTest::Healthy() {
  return process_ != nullptr && process_->running() &&
         WaitForServing(address(), service_, absl::Seconds(5));
}

std::string ServerUnderTest::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::shared_ptr<grpc::Channel> ServerUnderTest::channel() const { return MakeChannel(address()); }

std::string ServerUnderTest::log() const { return ReadFileOrEmpty(dir_.File("server.log")); }

}  // namespace gaoxin::testing
