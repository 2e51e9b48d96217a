// Test support: certificate authorities and certificates made on the fly with OpenSSL, and the
// one mutual-TLS setup every test server and client of a test process shares.
//
//   // the usual case: servers get these flags (WithStore adds them), and the test's own
//   // channels (MakeChannel) present the client certificate and trust the test CA
//   std::vector<std::string> flags = testing::TestTransport::Get().ServerFlags();
//
//   // the unusual ones: a CA of one's own, an expired certificate
//   testing::TestCa other("other CA");
//   testing::CertOptions late;
//   late.common_name = "late";
//   late.not_after = absl::Now() - absl::Hours(1);
//   other.Issue(late).WriteTo(dir.File("late"));   // late.crt, late.key
#ifndef GAOXIN_TESTS_SUPPORT_TEST_CERTS_H_
#define GAOXIN_TESTS_SUPPORT_TEST_CERTS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/transport.h"
#include "tests/support/subprocess.h"

namespace gaoxin::testing {

struct CertOptions {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::vector<std::string> uris;
  absl::Time not_before = absl::Now() - absl::Hours(1);
  absl::Time not_after = absl::Now() + absl::Hours(24);
  // Extended key usages: a service's certificate has both (it serves and it calls).
  bool server_auth = true;
  bool client_auth = true;
};

struct IssuedCert {
  std::string cert_pem;
  std::string key_pem;
  // Writes <prefix>.crt and <prefix>.key. Atomically (a rename), like cert-manager's Secret
  // updates, so a watcher never reads half a file.
  void WriteTo(const std::string& prefix) const;
};

class TestCa {
 public:
  explicit TestCa(const std::string& name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& cert_pem() const { return cert_pem_; }
  IssuedCert Issue(const CertOptions& options) const;

 private:
  struct Keys;
  std::unique_ptr<Keys> keys_;
  std::string cert_pem_;
};

// The test process's CA, a server certificate for localhost/127.0.0.1 and a client certificate
// (CN gaoxin-test-client, URI spiffe://gaoxin.test/client), written to a temporary folder once.
// Get() also makes them the process's client transport (mutual TLS, trusting only that CA), and
// sets GAOXIN_TLS_CA_FILE, GAOXIN_TLS_CERT_FILE and GAOXIN_TLS_KEY_FILE so that the tools a test
// runs (gaoxinctl) connect the same way.
class TestTransport {
 public:
  static TestTransport& Get();

  const std::string& ca_file() const { return ca_file_; }
  const std::string& server_cert_file() const { return server_prefix_crt_; }
  const std::string& server_key_file() const { return server_prefix_key_; }
  const std::string& client_cert_file() const { return client_crt_; }
  const std::string& client_key_file() const { return client_key_; }
  const TestCa& ca() const { return *ca_; }
  // --tls_cert_file, --tls_key_file (the server certificate, also presented on the server's own
  // outgoing calls), --tls_client_ca_file and --tls_ca_file (the test CA), a 1 s reload.
  std::vector<std::string> ServerFlags() const;
  // The same, for a client of these servers.
  ClientTransport Client() const;

 private:
  TestTransport();
  TempDir dir_;
  std::unique_ptr<TestCa> ca_;
  std::string ca_file_;
  std::string server_prefix_crt_;
  std::string server_prefix_key_;
  std::string client_crt_;
  std::string client_key_;
};

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_TEST_CERTS_H_
