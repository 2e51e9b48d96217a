// Test support: one gaoxin server binary started on a free loopback port with its own temporary
// store, a tokens file, and optionally Redis; what the hostile suites of every service share.
//
//   ServerUnderTest server(LEADS_SERVER_PATH, "gaoxin.leads.v1.LeadService",
//                          {{"writer-token", "writer", "leads.writer,leads.reader"}});
//   ASSERT_TRUE(server.Start()) << server.log();
//   auto channel = server.channel();
#ifndef GAOXIN_TESTS_SUPPORT_SERVER_UNDER_TEST_H_
#define GAOXIN_TESTS_SUPPORT_SERVER_UNDER_TEST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace gaoxin::testing {

struct TestToken {
  std::string token;
  std::string principal;
  std::string roles;  // "leads.writer,leads.reader"
};

// Writes a tokens file a server reads with --tokens_file: one "<sha256 of token> <principal>
// <roles>" line per token, in order.
void WriteTokensFile(const std::string& path, const std::vector<TestToken>& tokens);

// Starts `argv` into `*process` (output to `log_path`, the process kept either way) and waits up
// to 15 s until `service` at `address` is SERVING; on failure the result carries the log. For
// fixtures that start a server with their own flags:
//
//   ASSERT_TRUE(testing::StartServing(&server_, argv, dir_.File("server.log"), address(),
//   kService));
::testing::AssertionResult StartServing(std::unique_ptr<Subprocess>* process,
                                        const std::vector<std::string>& argv,
                                        const std::string& log_path, const std::string& address,
                                        const std::string& service);

// A client context that sends `token` and has a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token, absl::Duration timeout);

class ServerUnderTest {
 public:
  ServerUnderTest(std::string binary, std::string service, std::vector<TestToken> tokens,
                  std::vector<std::string> extra_args = {});
  // Starts (or restarts) the binary on the same port and store; waits until SERVING.
  bool Start();
  bool Healthy();
  int Terminate() { return process_ ? process_->Terminate() : -1; }
  // SIGKILL, as a crash or the OOM killer would: no drain, no flush.
  void Kill() {
    if (process_) process_->Kill();
  }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  std::string address() const;
  std::shared_ptr<grpc::Channel> channel() const;
  std::string log() const;
  const TempDir& dir() const { return dir_; }

 private:
  std::string binary_;
  std::string service_;
  std::vector<std::string> extra_args_;
  int port_;
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_SERVER_UNDER_TEST_H_
