// Transport security of every gaoxin listener and every channel a gaoxin process opens: TLS, mutual
// TLS, or plaintext when (and only when) --insecure_plaintext asks for it.
//
// A server presents --tls_cert_file/--tls_key_file and, with --tls_client_ca_file, requires every
// client to present a certificate signed by that CA (mutual TLS). The same process, as a client of
// another service, verifies the server against --tls_ca_file (the system's roots when empty) and
// presents its own --tls_cert_file/--tls_key_file, so one certificate with both serverAuth and
// clientAuth usages is all a service needs. Every file is watched and re-read when it changes
// (every --tls_reload_interval_s), so a certificate renewed by cert-manager is served without a
// restart.
//
//   // server main
//   ASSIGN_OR_RETURN(auto credentials, ServerCredentialsFromFlags());
//   // any client (gaoxinctl, the load tool, a service calling another)
//   RETURN_IF_ERROR(ConfigureClientTransportFromFlags());
//   auto channel = MakeChannel("leads:50051");   // uses the configured transport
#ifndef GAOXIN_COMMON_TRANSPORT_H_
#define GAOXIN_COMMON_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace gaoxin {

// What a server listens with.
struct ServerTransport {
  // PEM files: the server's certificate chain and private key. Both empty: plaintext, allowed only
  // with `insecure_plaintext`.
  std::string cert_file;
  std::string key_file;
  // PEM CA bundle: when set, clients must present a certificate it signed (mutual TLS).
  std::string client_ca_file;
  bool insecure_plaintext = false;
  int reload_interval_s = 10;
};

// What a client connects with.
struct ClientTransport {
  // PEM CA bundle that must have signed the server's certificate; empty = the system's roots.
  std::string ca_file;
  // The client's own certificate chain and key, for servers that require mutual TLS; optional.
  std::string cert_file;
  std::string key_file;
  bool insecure_plaintext = false;
  int reload_interval_s = 10;
};

ServerTransport ServerTransportFromFlags();
ClientTransport ClientTransportFromFlags();

// Checks the files (readable, PEM, the key belongs to the certificate, the certificate is valid
// now) and builds the credentials, or says which flag is wrong. Plaintext is logged as a warning
// every time it is chosen: nobody should run it by accident.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTransport& transport);
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFlags();
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTransport& transport);

// The process-wide transport MakeChannel uses. Until set, channels use TLS with the system's
// roots and no client certificate.
absl::Status SetClientTransport(const ClientTransport& transport);
absl::Status ConfigureClientTransportFromFlags();
std::shared_ptr<grpc::ChannelCredentials> ClientCredentials();

// The certificate in a PEM file: its subject, its validity end, for start-up logs and checks.
struct CertificateInfo {
  std::string subject;
  absl::Time not_after;
};
absl::StatusOr<CertificateInfo> ReadCertificateInfo(const std::string& pem_file);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_TRANSPORT_H_
