// End-to-end: the transport security and the credentials of a real server (leads_server stands
// for all three: they share common/server.cc, common/transport.cc and common/auth.cc).
// - mutual TLS: a client without a certificate, with one from another CA, with an expired one, or
//   that does not trust the server's CA is refused; the test's own client gets in;
// - plaintext only with --insecure_plaintext, and a server without certificates refuses to start;
// - a rotated server certificate is served without a restart;
// - the tokens file is re-read while the server runs (revocation and new tokens within seconds),
//   tokens expire, and a client certificate can stand for a principal without a bearer token.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/transport.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/auth_context.h"
#include "gtest/gtest.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"
#include "tests/support/test_certs.h"

namespace gaoxin::leads {
namespace {

using testing::TestTransport;

constexpr char kReader[] = "transport-reader-token";
constexpr char kService[] = "gaoxin.leads.v1.LeadService";

// A channel of its own (its own connection) with `transport`, so each case does a handshake.
std::shared_ptr<grpc::Channel> ChannelWith(const ClientTransport& transport,
                                           const std::string& address) {
  auto credentials = MakeChannelCredentials(transport);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, *credentials, args);
}

// One ListLeads as `token` ("" = none); the status, and the server certificate it saw.
struct Probe {
  absl::Status status;
  std::string server_cert_pem;
};
Probe ListOnce(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
  auto stub = v1::LeadService::NewStub(channel);
  grpc::ClientContext ctx;
  PrepareContext(&ctx, token, absl::Seconds(5));
  v1::ListLeadsRequest req;
  v1::ListLeadsResponse resp;
  Probe p{FromGrpcStatus(stub->ListLeads(&ctx, req, &resp)), ""};
  if (auto auth = ctx.auth_context(); auth != nullptr) {
    for (const auto& pem : auth->FindPropertyValues("x509_pem_cert")) {
      p.server_cert_pem.assign(pem.data(), pem.size());
    }
  }
  return p;
}

class LeadsTransportE2eTest : public ::testing::Test {
 protected:
  LeadsTransportE2eTest()
      : server_(SERVER_PATH, kService, {{kReader, "reader", "leads.reader"}},
                {"--tokens_reload_interval_ms=100"}) {}

  void SetUp() override { ASSERT_TRUE(server_.Start()) << server_.log(); }

  ClientTransport Client() const { return TestTransport::Get().Client(); }

  testing::ServerUnderTest server_;
};

TEST_F(LeadsTransportE2eTest, TheTestClientGetsInOverMutualTls) {
  Probe p = ListOnce(ChannelWith(Client(), server_.address()), kReader);
  EXPECT_TRUE(p.status.ok()) << p.status;
  EXPECT_NE(p.server_cert_pem.find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST_F(LeadsTransportE2eTest, ClientsWithoutAGoodCertificateAreRefused) {
  testing::TempDir dir;
  // No client certificate at all.
  ClientTransport anonymous = Client();
  anonymous.cert_file.clear();
  anonymous.key_file.clear();
  // A certificate from a CA the server does not trust, with the very same names.
  testing::TestCa other("some other CA");
  testing::CertOptions same_names;
  same_names.common_name = "gaoxin-test-client";
  same_names.uris = {"spiffe://gaoxin.test/client"};
  other.Issue(same_names).WriteTo(dir.File("foreign"));
  ClientTransport foreign = Client();
  foreign.cert_file = dir.File("foreign.crt");
  foreign.key_file = dir.File("foreign.key");
  // A certificate from the right CA that expired an hour ago.
  testing::CertOptions late = same_names;
  late.not_before = absl::Now() - absl::Hours(48);
  late.not_after = absl::Now() - absl::Hours(1);
  TestTransport::Get().ca().Issue(late).WriteTo(dir.File("expired"));
  ClientTransport expired = Client();
  expired.cert_file = dir.File("expired.crt");
  expired.key_file = dir.File("expired.key");
  // A certificate that may only serve, not be a client.
  testing::CertOptions server_only = same_names;
  server_only.client_auth = false;
  TestTransport::Get().ca().Issue(server_only).WriteTo(dir.File("server-only"));
  ClientTransport wrong_usage = Client();
  wrong_usage.cert_file = dir.File("server-only.crt");
  wrong_usage.key_file = dir.File("server-only.key");

  for (const auto& [name, transport] :
       {std::pair{"no certificate", anonymous}, std::pair{"another CA", foreign},
        std::pair{"expired", expired}, std::pair{"server usage only", wrong_usage}}) {
    Probe p = ListOnce(ChannelWith(transport, server_.address()), kReader);
    EXPECT_EQ(p.status.code(), absl::StatusCode::kUnavailable) << name << ": " << p.status;
  }
  // The server is unharmed by the failed handshakes.
  EXPECT_TRUE(ListOnce(ChannelWith(Client(), server_.address()), kReader).status.ok());
}

TEST_F(LeadsTransportE2eTest, ClientsRefuseServersTheirCaDidNotSignOrPlaintext) {
  testing::TempDir dir;
  testing::TestCa other("a CA the client does not know");
  testing::WriteFile(dir.File("other-ca.crt"), other.cert_pem());
  ClientTransport distrustful = Client();
  distrustful.ca_file = dir.File("other-ca.crt");
  EXPECT_EQ(ListOnce(ChannelWith(distrustful, server_.address()), kReader).status.code(),
            absl::StatusCode::kUnavailable);
  // A plaintext client cannot talk to a TLS listener either.
  ClientTransport plaintext;
  plaintext.insecure_plaintext = true;
  EXPECT_EQ(ListOnce(ChannelWith(plaintext, server_.address()), kReader).status.code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(LeadsTransportE2eTest, ARotatedServerCertificateIsServedWithoutARestart) {
  testing::TempDir dir;
  testing::CertOptions names;
  names.common_name = "localhost";
  names.dns_names = {"localhost"};
  names.ip_addresses = {"127.0.0.1"};
  const testing::IssuedCert first = TestTransport::Get().ca().Issue(names);
  first.WriteTo(dir.File("rotating"));
  testing::ServerUnderTest server(SERVER_PATH, kService, {{kReader, "reader", "leads.reader"}},
                                  {"--tls_cert_file=" + dir.File("rotating.crt"),
                                   "--tls_key_file=" + dir.File("rotating.key")});
  ASSERT_TRUE(server.Start()) << server.log();
  const pid_t pid = server.pid();
  Probe before = ListOnce(ChannelWith(Client(), server.address()), kReader);
  ASSERT_TRUE(before.status.ok()) << before.status;
  EXPECT_EQ(before.server_cert_pem, first.cert_pem);

  names.common_name = "localhost (renewed)";
  const testing::IssuedCert second = TestTransport::Get().ca().Issue(names);
  second.WriteTo(dir.File("rotating"));
  // The test transport reloads every second; new connections get the new certificate.
  Probe after;
  const absl::Time deadline = absl::Now() + absl::Seconds(15);
  do {
    absl::SleepFor(absl::Milliseconds(250));
    after = ListOnce(ChannelWith(Client(), server.address()), kReader);
  } while (after.server_cert_pem != second.cert_pem && absl::Now() < deadline);
  EXPECT_TRUE(after.status.ok()) << after.status;
  EXPECT_EQ(after.server_cert_pem, second.cert_pem) << "still serving the old certificate";
  EXPECT_EQ(server.pid(), pid);
}

TEST_F(LeadsTransportE2eTest, PlaintextOnlyWhenAskedAndSaidLoudly) {
  testing::TempDir dir;
  testing::WriteTokensFile(dir.File("tokens"), {{kReader, "reader", "leads.reader"}});
  const std::string port = absl::StrCat(testing::FreePort());
  const std::vector<std::string> base = {SERVER_PATH, "--listen=127.0.0.1:" + port,
                                         "--db=" + dir.File("plain.db"),
                                         "--audit_key_file=" + testing::AuditKeyFile(dir, "plain"),
                                         "--tokens_file=" + dir.File("tokens"),
                                         // Not the test process's, which it would inherit.
                                         "--tls_cert_file=", "--tls_key_file=", "--tls_ca_file="};
  {
    testing::Subprocess refused(base, dir.File("refused.log"));
    EXPECT_EQ(refused.Wait(absl::Seconds(15)), 1);
    EXPECT_TRUE(absl::StrContains(testing::ReadFileOrEmpty(dir.File("refused.log")),
                                  "--insecure_plaintext"));
  }
  {
    std::vector<std::string> argv = base;
    argv.push_back("--tls_cert_file=" + TestTransport::Get().server_cert_file());
    argv.push_back("--tls_key_file=" + TestTransport::Get().client_key_file());  // not its key
    testing::Subprocess mismatched(argv, dir.File("mismatched.log"));
    EXPECT_NE(mismatched.Wait(absl::Seconds(15)), 0);
    EXPECT_TRUE(absl::StrContains(testing::ReadFileOrEmpty(dir.File("mismatched.log")),
                                  "is not the key of the certificate"));
  }
  std::vector<std::string> argv = base;
  argv.push_back("--insecure_plaintext");
  std::unique_ptr<testing::Subprocess> plain;
  ClientTransport plaintext;
  plaintext.insecure_plaintext = true;
  ASSERT_TRUE(SetClientTransport(plaintext).ok());
  const bool serving =
      testing::StartServing(&plain, argv, dir.File("plain.log"), "127.0.0.1:" + port, kService);
  ASSERT_TRUE(SetClientTransport(Client()).ok());
  ASSERT_TRUE(serving);
  // Log lines are written in the background: give them a moment.
  const std::string warning = "\"insecure_plaintext\",\"side\":\"server\"";
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!absl::StrContains(testing::ReadFileOrEmpty(dir.File("plain.log")), warning) &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(absl::StrContains(testing::ReadFileOrEmpty(dir.File("plain.log")), warning));
  EXPECT_TRUE(ListOnce(ChannelWith(plaintext, "127.0.0.1:" + port), kReader).status.ok());
  // And a TLS client does not fall back to plaintext.
  EXPECT_EQ(ListOnce(ChannelWith(Client(), "127.0.0.1:" + port), kReader).status.code(),
            absl::StatusCode::kUnavailable);
}

// Kubernetes' grpc probe cannot speak TLS: --health_listen serves health alone, in plaintext,
// and nothing else there.
TEST_F(LeadsTransportE2eTest, AHealthOnlyPortServesHealthAndNothingElseInPlaintext) {
  const int health_port = testing::FreePort();
  testing::ServerUnderTest server(SERVER_PATH, kService, {{kReader, "reader", "leads.reader"}},
                                  {absl::StrCat("--health_listen=127.0.0.1:", health_port)});
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string health_address = absl::StrCat("127.0.0.1:", health_port);
  ClientTransport plaintext;
  plaintext.insecure_plaintext = true;
  ASSERT_TRUE(SetClientTransport(plaintext).ok());
  const bool serving = testing::WaitForServing(health_address, kService, absl::Seconds(5));
  const bool overall = testing::WaitForServing(health_address, "", absl::Seconds(5));
  ASSERT_TRUE(SetClientTransport(Client()).ok());
  EXPECT_TRUE(serving);
  EXPECT_TRUE(overall);
  // The service itself is not on that port, neither in plaintext nor over TLS.
  Probe p = ListOnce(ChannelWith(plaintext, health_address), kReader);
  EXPECT_EQ(p.status.code(), absl::StatusCode::kUnimplemented) << p.status;
  EXPECT_EQ(ListOnce(ChannelWith(Client(), health_address), kReader).status.code(),
            absl::StatusCode::kUnavailable);
  // It follows the server: NOT_SERVING once draining, gone once stopped.
  EXPECT_EQ(server.Terminate(), 0);
  ASSERT_TRUE(SetClientTransport(plaintext).ok());
  const bool after = testing::WaitForServing(health_address, kService, absl::Milliseconds(500));
  ASSERT_TRUE(SetClientTransport(Client()).ok());
  EXPECT_FALSE(after);
}

TEST_F(LeadsTransportE2eTest, TokensFileChangesApplyWithinSecondsWithoutARestart) {
  auto channel = ChannelWith(Client(), server_.address());
  ASSERT_TRUE(ListOnce(channel, kReader).status.ok());
  const pid_t pid = server_.pid();
  // Revoke the reader, add a newcomer and one that has already expired.
  testing::WriteFile(server_.dir().File("tokens.new"),
                     absl::StrCat(Sha256Hex("newcomer-token"), " newcomer leads.reader\n",
                                  Sha256Hex("stale-token"),
                                  " stale leads.reader expires=2021-01-01T00:00:00+08:00\n"));
  ASSERT_EQ(
      std::rename(server_.dir().File("tokens.new").c_str(), server_.dir().File("tokens").c_str()),
      0);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (ListOnce(channel, kReader).status.ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(ListOnce(channel, kReader).status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(ListOnce(channel, "newcomer-token").status.ok());
  absl::Status stale = ListOnce(channel, "stale-token").status;
  EXPECT_EQ(stale.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(stale.message(), "expired")) << stale;
  // A broken file keeps the last good one in force, and is logged.
  testing::WriteFile(server_.dir().File("tokens"), "this is not a tokens file\n");
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_TRUE(ListOnce(channel, "newcomer-token").status.ok());
  EXPECT_TRUE(absl::StrContains(server_.log(), "tokens_reload_failed"));
  EXPECT_EQ(server_.pid(), pid);
}

TEST_F(LeadsTransportE2eTest, AClientCertificateCanStandForAPrincipal) {
  auto channel = ChannelWith(Client(), server_.address());
  // Not mapped yet: without a token the certificate alone lets nobody in.
  Probe unmapped = ListOnce(channel, "");
  EXPECT_EQ(unmapped.status.code(), absl::StatusCode::kUnauthenticated) << unmapped.status;
  testing::WriteFile(server_.dir().File("tokens"),
                     absl::StrCat(Sha256Hex(kReader), " reader leads.reader\n",
                                  "uri:spiffe://gaoxin.test/client test-client leads.reader\n"));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!ListOnce(channel, "").status.ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(ListOnce(channel, "").status.ok());
  // Its roles are the line's: no writer role, so a create is denied.
  auto stub = v1::LeadService::NewStub(channel);
  grpc::ClientContext ctx;
  PrepareContext(&ctx, "", absl::Seconds(5));
  v1::CreateLeadRequest create;
  create.mutable_lead()->set_name("x");
  v1::Lead lead;
  EXPECT_EQ(stub->CreateLead(&ctx, create, &lead).error_code(), grpc::PERMISSION_DENIED);
  // The log names the certificate's principal, and the denial.
  // (Log lines are written in the background.)
  const absl::Time logged = absl::Now() + absl::Seconds(5);
  while (!absl::StrContains(server_.log(), "\"denied_total\":1") && absl::Now() < logged) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(absl::StrContains(server_.log(), "\"principal\":\"test-client\""));
  EXPECT_TRUE(absl::StrContains(server_.log(), "\"access_denied\""));
  // Counted: the first denial of this server.
  EXPECT_TRUE(absl::StrContains(server_.log(), "\"denied_total\":1")) << server_.log();
  // A bearer token, when sent, is what counts.
  EXPECT_TRUE(ListOnce(channel, kReader).status.ok());
  EXPECT_EQ(ListOnce(channel, "wrong-token").status.code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace gaoxin::leads
