// The gRPC server bootstrap every gaoxin service runs on: TLS or mutual TLS (common/transport.h),
// callback API, grpc.health.v1 under the service's own name (also on an optional plaintext
// health-only port for probes), server reflection, one JSON log line per RPC, keepalive,
// message-size and max-connection-age settings, and a graceful drain on SIGTERM/SIGINT.
//
//   int main(int argc, char** argv) {
//     gaoxin::BlockTerminationSignals();  // first, before any thread exists
//     gaoxin::InitConfig(argc, argv, "leads_server");
//     auto auth = gaoxin::AuthenticatorFromFlags();   // refuses to run without tokens
//     gaoxin::GrpcServer server(gaoxin::ServerSettings::FromFlags("gaoxin.leads.v1.LeadService",
//                                                                 50051, auth->get()));
//     server.AddService(&service);
//     server.Start();
//     return server.RunUntilSignal();
//   }
#ifndef GAOXIN_COMMON_SERVER_H_
#define GAOXIN_COMMON_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/transport.h"
#include "grpcpp/server.h"
#include "grpcpp/server_context.h"

namespace gaoxin {

struct ServerSettings {
  // The name served by grpc.health.v1 (the fully qualified gRPC service name).
  std::string service_name;
  // host:port; port 0 picks a free one (tests).
  std::string listen;
  // TLS, mutual TLS, or (explicitly) plaintext; see common/transport.h.
  ServerTransport transport;
  // host:port of a plaintext listener that serves only grpc.health.v1 (for probes that cannot
  // speak TLS); empty = none.
  std::string health_listen;
  int shutdown_grace_ms = 10000;
  int max_connection_age_ms = 300000;
  int keepalive_time_ms = 60000;
  int max_message_bytes = 8 << 20;
  bool log_rpcs = true;
  // Calls (watch streams aside) served at once before new ones are refused; 0 = unbounded.
  int max_in_flight_calls = 2000;
  // Also serve gaoxin.testing.v1.EchoService: the load tool's baseline on the same bootstrap.
  bool serve_echo = false;
  // Used to name the principal in RPC logs; may be null.
  const Authenticator* auth = nullptr;

  static ServerSettings FromFlags(std::string service_name, int default_port,
                                  const Authenticator* auth);
};

// Loads --tokens_file, or with --allow_unauthenticated lets everyone in (and says so in the log).
// Fails when neither is given: a server must not start open by accident.
absl::StatusOr<std::unique_ptr<Authenticator>> AuthenticatorFromFlags();

class GrpcServer {
 public:
  explicit GrpcServer(ServerSettings settings);
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // Services must outlive the server. Call before Start().
  void AddService(grpc::Service* service);
  // Runs when shutdown begins, after health turns NOT_SERVING and before the drain: the place to
  // end open streams with a status so that the drain does not wait for them.
  void OnShutdown(std::function<void()> hook);

  absl::Status Start();
  // The bound port (useful with port 0).
  int port() const { return port_; }
  // The bound port of the health-only listener (0 when there is none).
  int health_port() const { return health_port_; }
  // What health reports while the server runs: NOT_SERVING while a dependency it cannot work
  // without (the database) is unreachable. Ignored once shutdown began.
  void SetServing(bool serving);
  // NOT_SERVING, shutdown hooks, then drain in-flight calls for at most the grace period.
  // Idempotent and thread-safe.
  void Shutdown();
  // Blocks until SIGTERM or SIGINT, then shuts down. Returns the process exit code (0).
  int RunUntilSignal();

 private:
  // Both listeners' health status, for the service and the whole server ("").
  void SetHealth(bool serving);

  ServerSettings settings_;
  std::vector<grpc::Service*> services_;
  std::vector<std::function<void()>> hooks_;
  std::unique_ptr<grpc::Service> echo_;
  std::unique_ptr<grpc::Server> server_;
  // Serves only health, in plaintext; mirrors server_'s health status.
  std::unique_ptr<grpc::Server> health_server_;
  int port_ = 0;
  int health_port_ = 0;
  // Calls in progress (health checks aside), counted by the server interceptor.
  std::atomic<int> in_flight_{0};
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates later, so they can
// be taken synchronously by RunUntilSignal. Call first thing in main.
void BlockTerminationSignals();

// AIP-155 request ids: printable ASCII (they travel in metadata), at most this long (a UUID is 36).
inline constexpr size_t kMaxRequestIdBytes = 100;

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_SERVER_H_
