#include "tests/support/test_certs.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "openssl/bio.h"
#include "openssl/bn.h"
#include "openssl/evp.h"
#include "openssl/pem.h"
#include "openssl/rand.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace gaoxin::testing {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "test_certs: %s\n", what.c_str());
  std::abort();
}

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) Die("cannot generate a P-256 key");
  return key;
}

std::string ToPem(int (*write)(BIO*, void*), void* object) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (write(bio, object) != 1) Die("cannot write PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string CertPem(X509* cert) {
  return ToPem([](BIO* b, void* x) { return PEM_write_bio_X509(b, static_cast<X509*>(x)); }, cert);
}

std::string KeyPem(EVP_PKEY* key) {
  return ToPem(
      [](BIO* b, void* k) {
        return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0, nullptr,
                                        nullptr);
      },
      key);
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) Die(absl::StrCat("bad extension ", value));
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key`'s public half, named `cn`, signed by `issuer_key` as `issuer` (itself
// when null: a self-signed CA).
X509* NewCert(EVP_PKEY* key, const std::string& cn, absl::Time not_before, absl::Time not_after,
              X509* issuer, EVP_PKEY* issuer_key) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  ASN1_TIME_set(X509_getm_notBefore(cert), absl::ToTimeT(not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert), absl::ToTimeT(not_after));
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("gaoxin tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, issuer == nullptr ? name : X509_get_subject_name(issuer));
  X509_set_pubkey(cert, key);
  return cert;
}

void Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) == 0) Die("cannot sign");
}

void WriteAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) Die("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

struct TestCa::Keys {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~Keys() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

TestCa::TestCa(const std::string& name) : keys_(std::make_unique<Keys>()) {
  keys_->key = NewKey();
  keys_->cert = NewCert(keys_->key, name, absl::Now() - absl::Hours(1),
                        absl::Now() + absl::Hours(24 * 30), nullptr, nullptr);
  AddExtension(keys_->cert, keys_->cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(keys_->cert, keys_->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(keys_->cert, keys_->cert, NID_subject_key_identifier, "hash");
  Sign(keys_->cert, keys_->key);
  cert_pem_ = CertPem(keys_->cert);
}

TestCa::~TestCa() = default;

IssuedCert TestCa::Issue(const CertOptions& o) const {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(key, o.common_name, o.not_before, o.not_after, keys_->cert, keys_->key);
  AddExtension(cert, keys_->cert, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert, keys_->cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  std::vector<std::string> usages;
  if (o.server_auth) usages.push_back("serverAuth");
  if (o.client_auth) usages.push_back("clientAuth");
  if (!usages.empty()) {
    AddExtension(cert, keys_->cert, NID_ext_key_usage, absl::StrJoin(usages, ","));
  }
  std::vector<std::string> sans;
  for (const auto& d : o.dns_names) sans.push_back("DNS:" + d);
  for (const auto& ip : o.ip_addresses) sans.push_back("IP:" + ip);
  for (const auto& u : o.uris) sans.push_back("URI:" + u);
  if (!sans.empty()) {
    AddExtension(cert, keys_->cert, NID_subject_alt_name, absl::StrJoin(sans, ","));
  }
  AddExtension(cert, keys_->cert, NID_authority_key_identifier, "keyid:always");
  Sign(cert, keys_->key);
  IssuedCert out{CertPem(cert), KeyPem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

void IssuedCert::WriteTo(const std::string& prefix) const {
  WriteAtomically(prefix + ".key", key_pem);
  WriteAtomically(prefix + ".crt", cert_pem);
}

TestTransport& TestTransport::Get() {
  static TestTransport* transport = new TestTransport();  // for the whole test process
  return *transport;
}

TestTransport::TestTransport() : ca_(std::make_unique<TestCa>("gaoxin test CA")) {
  ca_file_ = dir_.File("ca.crt");
  WriteAtomically(ca_file_, ca_->cert_pem());
  CertOptions server;
  server.common_name = "localhost";
  server.dns_names = {"localhost"};
  server.ip_addresses = {"127.0.0.1"};
  server.uris = {"spiffe://gaoxin.test/server"};
  ca_->Issue(server).WriteTo(dir_.File("server"));
  server_prefix_crt_ = dir_.File("server.crt");
  server_prefix_key_ = dir_.File("server.key");
  CertOptions client;
  client.common_name = "gaoxin-test-client";
  client.uris = {"spiffe://gaoxin.test/client"};
  client.server_auth = false;
  ca_->Issue(client).WriteTo(dir_.File("client"));
  client_crt_ = dir_.File("client.crt");
  client_key_ = dir_.File("client.key");
  if (absl::Status s = SetClientTransport(Client()); !s.ok()) Die(s.ToString());
  // Tools the tests run (gaoxinctl) read their flags' environment twins: they connect as this
  // process does. Servers are given their own flags, which win over the environment.
  setenv("GAOXIN_TLS_CA_FILE", ca_file_.c_str(), 1);
  setenv("GAOXIN_TLS_CERT_FILE", client_crt_.c_str(), 1);
  setenv("GAOXIN_TLS_KEY_FILE", client_key_.c_str(), 1);
}

std::vector<std::string> TestTransport::ServerFlags() const {
  return {"--tls_cert_file=" + server_prefix_crt_, "--tls_key_file=" + server_prefix_key_,
          "--tls_client_ca_file=" + ca_file_, "--tls_ca_file=" + ca_file_,
          "--tls_reload_interval_s=1"};
}

ClientTransport TestTransport::Client() const {
  ClientTransport t;
  t.ca_file = ca_file_;
  t.cert_file = client_crt_;
  t.key_file = client_key_;
  t.reload_interval_s = 1;
  return t;
}

}  // namespace gaoxin::testing
