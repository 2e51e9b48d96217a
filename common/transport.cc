#include "common/transport.h"

#include <time.h>

#include <fstream>
#include <iterator>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/config.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "openssl/bio.h"
#include "openssl/pem.h"
#include "openssl/x509.h"

namespace gaoxin {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("--", flag, ": cannot read ", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", path, " is not PEM"));
  }
  return text;
}

BioPtr MemoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

absl::StatusOr<X509Ptr> ParseCertificate(const std::string& pem, const std::string& path,
                                         absl::string_view flag) {
  BioPtr bio = MemoryBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ", path, " holds no PEM certificate"));
  }
  return cert;
}

absl::Time Asn1ToTime(const ASN1_TIME* t) {
  struct tm tm = {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return absl::InfinitePast();
  return absl::FromTimeT(timegm(&tm));
}

std::string SubjectOf(const X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
}

// The certificate and key files a process presents: both or neither, the key must be the
// certificate's. `strict`: an expired or not yet valid certificate is an error (a server), else a
// warning (a client: the server will say no, but the tool should say why first).
absl::Status CheckIdentity(const std::string& cert_file, const std::string& key_file, bool strict) {
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError("give --tls_cert_file and --tls_key_file together");
  }
  if (cert_file.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::string cert_pem, ReadPemFile(cert_file, "tls_cert_file"));
  ASSIGN_OR_RETURN(const std::string key_pem, ReadPemFile(key_file, "tls_key_file"));
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificate(cert_pem, cert_file, "tls_cert_file"));
  BioPtr key_bio = MemoryBio(key_pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls_key_file: ", key_file, " holds no unencrypted PEM private key"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls_key_file: ", key_file, " is not the key of the certificate in ", cert_file));
  }
  const absl::Time now = absl::Now();
  const absl::Time not_before = Asn1ToTime(X509_get0_notBefore(cert.get()));
  const absl::Time not_after = Asn1ToTime(X509_get0_notAfter(cert.get()));
  if (now < not_before || now > not_after) {
    const std::string why =
        absl::StrCat("--tls_cert_file: ", cert_file, " is not valid now (valid from ",
                     absl::FormatTime(not_before), " to ", absl::FormatTime(not_after), ")");
    if (strict) return absl::FailedPreconditionError(why);
    LogEvent("tls_certificate_invalid", "warn").Str("detail", why).Emit();
  }
  if (strict) {
    // When it must be renewed, in the log of every start.
    LogEvent("tls_identity")
        .Str("subject", SubjectOf(cert.get()))
        .Str("not_after", absl::FormatTime(absl::RFC3339_sec, not_after, absl::UTCTimeZone()))
        .Emit();
  }
  return absl::OkStatus();
}

absl::Status CheckCaBundle(const std::string& path, absl::string_view flag) {
  ASSIGN_OR_RETURN(const std::string pem, ReadPemFile(path, flag));
  return ParseCertificate(pem, path, flag).status();
}

void WarnPlaintext(absl::string_view side) {
  LogEvent("insecure_plaintext", "warn")
      .Str("side", side)
      .Str("detail",
           "--insecure_plaintext: tokens and personal data cross the network in clear; never "
           "outside a development machine")
      .Emit();
}

absl::Mutex client_mu;
std::shared_ptr<grpc::ChannelCredentials>* client_credentials ABSL_GUARDED_BY(client_mu) = nullptr;

}  // namespace

ServerTransport ServerTransportFromFlags() {
  ServerTransport t;
  t.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  t.key_file = absl::GetFlag(FLAGS_tls_key_file);
  t.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  t.insecure_plaintext = absl::GetFlag(FLAGS_insecure_plaintext);
  t.reload_interval_s = absl::GetFlag(FLAGS_tls_reload_interval_s);
  return t;
}

ClientTransport ClientTransportFromFlags() {
  ClientTransport t;
  t.ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  t.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  t.key_file = absl::GetFlag(FLAGS_tls_key_file);
  t.insecure_plaintext = absl::GetFlag(FLAGS_insecure_plaintext);
  t.reload_interval_s = absl::GetFlag(FLAGS_tls_reload_interval_s);
  return t;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTransport& t) {
  if (t.insecure_plaintext) {
    if (!t.cert_file.empty() || !t.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--insecure_plaintext contradicts --tls_cert_file / --tls_client_ca_file");
    }
    WarnPlaintext("server");
    return grpc::InsecureServerCredentials();
  }
  if (t.cert_file.empty()) {
    return absl::FailedPreconditionError(
        "no --tls_cert_file/--tls_key_file given; refusing to serve plaintext (pass "
        "--insecure_plaintext to do so, for development only)");
  }
  if (t.reload_interval_s < 1) {
    return absl::InvalidArgumentError("--tls_reload_interval_s must be at least 1");
  }
  RETURN_IF_ERROR(CheckIdentity(t.cert_file, t.key_file, /*strict=*/true));
  if (!t.client_ca_file.empty())
    RETURN_IF_ERROR(CheckCaBundle(t.client_ca_file, "tls_client_ca_file"));
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      t.key_file, t.cert_file, t.client_ca_file, t.reload_interval_s);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (!t.client_ca_file.empty()) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  LogEvent("tls_server")
      .Bool("mutual", !t.client_ca_file.empty())
      .Int("reload_interval_s", t.reload_interval_s)
      .Emit();
  return grpc::experimental::TlsServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFlags() {
  return MakeServerCredentials(ServerTransportFromFlags());
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTransport& t) {
  if (t.insecure_plaintext) {
    if (!t.ca_file.empty()) {
      return absl::InvalidArgumentError("--insecure_plaintext contradicts --tls_ca_file");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (t.reload_interval_s < 1) {
    return absl::InvalidArgumentError("--tls_reload_interval_s must be at least 1");
  }
  RETURN_IF_ERROR(CheckIdentity(t.cert_file, t.key_file, /*strict=*/false));
  if (!t.ca_file.empty()) RETURN_IF_ERROR(CheckCaBundle(t.ca_file, "tls_ca_file"));
  grpc::experimental::TlsChannelCredentialsOptions options;
  if (!t.ca_file.empty() || !t.cert_file.empty()) {
    // An empty path is not watched: the system's roots, or no client certificate.
    options.set_certificate_provider(
        std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
            t.key_file, t.cert_file, t.ca_file, t.reload_interval_s));
    if (!t.ca_file.empty()) options.watch_root_certs();
    if (!t.cert_file.empty()) options.watch_identity_key_cert_pairs();
  }
  options.set_verify_server_certs(true);
  return grpc::experimental::TlsCredentials(options);
}

absl::Status SetClientTransport(const ClientTransport& transport) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                   MakeChannelCredentials(transport));
  if (transport.insecure_plaintext) WarnPlaintext("client");
  absl::MutexLock lock(&client_mu);
  delete client_credentials;
  client_credentials = new std::shared_ptr<grpc::ChannelCredentials>(std::move(credentials));
  return absl::OkStatus();
}

absl::Status ConfigureClientTransportFromFlags() {
  return SetClientTransport(ClientTransportFromFlags());
}

std::shared_ptr<grpc::ChannelCredentials> ClientCredentials() {
  absl::MutexLock lock(&client_mu);
  if (client_credentials == nullptr) {
    client_credentials = new std::shared_ptr<grpc::ChannelCredentials>(
        grpc::experimental::TlsCredentials(grpc::experimental::TlsChannelCredentialsOptions()));
  }
  return *client_credentials;
}

absl::StatusOr<CertificateInfo> ReadCertificateInfo(const std::string& pem_file) {
  ASSIGN_OR_RETURN(const std::string pem, ReadPemFile(pem_file, "tls_cert_file"));
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificate(pem, pem_file, "tls_cert_file"));
  return CertificateInfo{SubjectOf(cert.get()), Asn1ToTime(X509_get0_notAfter(cert.get()))};
}

}  // namespace gaoxin
