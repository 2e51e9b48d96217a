#include "common/server.h"

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config.h"
#include "common/log.h"
#include "common/pipeline/call_state.h"
#include "common/pipeline/in_flight_limit.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "gaoxin/testing/v1/echo.grpc.pb.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GAOXIN_TSAN_CALL_ORDER 1
#include <sanitizer/tsan_interface.h>
#endif
#endif

namespace gaoxin {
namespace {

constexpr char kRequestIdKey[] = "x-request-id";
// How long past the grace a drain may take before the process gives up on it.
constexpr absl::Duration kDrainOverrun = absl::Seconds(1);

absl::string_view ToView(grpc::string_ref s) { return absl::string_view(s.data(), s.size()); }

// ThreadSanitizer builds only: gRPC's core, which is not built with TSan, runs the batches of
// one call one after another and destroys the call's interceptors after the last; these tell
// TSan so (a release after each interception, an acquire before the next and in the
// destructor). Nothing in other builds.
void AfterBatchOf(void* call) {
#ifdef GAOXIN_TSAN_CALL_ORDER
  __tsan_release(call);
#endif
}
void BeforeBatchOf(void* call) {
#ifdef GAOXIN_TSAN_CALL_ORDER
  __tsan_acquire(call);
#endif
}

// Opens the call's CallState (which the request pipeline fills in: principal, request_id), counts
// the call while it lives (for a drain that ends as soon as nothing is in flight) and, with
// `log`, writes one log line per RPC: method, code, latency, principal, request_id. The
// principal comes from the pipeline's one authentication of the call: the log line costs no
// second SHA-256 of the token.
class RpcLogInterceptor : public grpc::experimental::Interceptor {
 public:
  RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info, bool log, std::atomic<int>* in_flight)
      : method_(info->method()),
        call_(info->server_context()),
        log_(log),
        in_flight_(in_flight),
        start_(absl::Now()) {
    in_flight_->fetch_add(1);
  }
  ~RpcLogInterceptor() override {
    BeforeBatchOf(this);
    in_flight_->fetch_sub(1);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    BeforeBatchOf(this);
    InterceptBatch(methods);
    AfterBatchOf(this);
  }

 private:
  void InterceptBatch(grpc::experimental::InterceptorBatchMethods* methods) {
    using grpc::experimental::InterceptionHookPoints;
    if (!log_) {
      methods->Proceed();
      return;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      // A correlation id the client sent as metadata; only a well-formed one is logged.
      auto* md = methods->GetRecvInitialMetadata();
      auto it = md->find(kRequestIdKey);
      if (it != md->end()) {
        absl::string_view id = ToView(it->second);
        if (id.size() <= kMaxRequestIdBytes && IsPrintableAscii(id)) {
          header_request_id_ = std::string(id);
          if (pipeline::CallState* call = call_.get()) call->header_request_id = header_request_id_;
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      const pipeline::CallState* call = call_.get();
      LogEvent event("rpc", status.ok() ? "info" : "warn");
      event.Str("method", method_)
          .Int("code", status.error_code())
          .Double("latency_ms", absl::ToDoubleMilliseconds(absl::Now() - start_))
          .Str("principal", call->principal_name())
          .Str("request_id", call->request_id.empty() ? header_request_id_ : call->request_id);
      // Messages are the server's own words but may quote a client's value: bounded.
      if (!status.ok()) event.Str("message", BoundedMessage(status.error_message()));
      event.Emit();
    }
    methods->Proceed();
  }

  static std::string BoundedMessage(const std::string& message) {
    constexpr size_t kMax = 512;
    if (message.size() <= kMax) return message;
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
    return absl::StrCat(message.substr(0, cut), "...");
  }

  std::string method_;
  pipeline::CallState::Handle call_;
  const bool log_;
  std::atomic<int>* in_flight_;
  absl::Time start_;
  std::string header_request_id_;
};

class RpcLogInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RpcLogInterceptorFactory(bool log, std::atomic<int>* in_flight)
      : log_(log), in_flight_(in_flight) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // Health probes arrive every few seconds from Kubernetes; they would drown the log, and a
    // health Watch must not hold up the drain.
    if (absl::StartsWith(info->method(), "/grpc.health.v1.")) return nullptr;
    return new RpcLogInterceptor(info, log_, in_flight_);
  }

 private:
  const bool log_;
  std::atomic<int>* in_flight_;
};

class EchoServiceImpl final : public testing::v1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const testing::v1::EchoRequest* request,
                                 testing::v1::EchoResponse* response) override {
    response->set_message(request->message());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

ServerSettings ServerSettings::FromFlags(std::string service_name, int default_port,
                                         const Authenticator* auth) {
  ServerSettings s;
  s.service_name = std::move(service_name);
  s.listen = ListenAddress(default_port);
  s.transport = ServerTransportFromFlags();
  s.health_listen = absl::GetFlag(FLAGS_health_listen);
  s.shutdown_grace_ms = absl::GetFlag(FLAGS_shutdown_grace_ms);
  s.max_connection_age_ms = absl::GetFlag(FLAGS_max_connection_age_ms);
  s.keepalive_time_ms = absl::GetFlag(FLAGS_keepalive_time_ms);
  s.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  s.log_rpcs = absl::GetFlag(FLAGS_log_rpcs);
  s.max_in_flight_calls = absl::GetFlag(FLAGS_max_in_flight_calls);
  s.serve_echo = absl::GetFlag(FLAGS_serve_echo);
  s.auth = auth;
  return s;
}

absl::StatusOr<std::unique_ptr<Authenticator>> AuthenticatorFromFlags() {
  const std::string path = absl::GetFlag(FLAGS_tokens_file);
  if (!path.empty()) {
    auto auth = Authenticator::FromFile(path);
    if (auth.ok()) {
      (*auth)->WatchFile(
          absl::Milliseconds(std::max(100, absl::GetFlag(FLAGS_tokens_reload_interval_ms))));
    }
    return auth;
  }
  if (absl::GetFlag(FLAGS_allow_unauthenticated)) {
    LogEvent("auth_disabled", "warn")
        .Str("detail", "--allow_unauthenticated: every caller has every role; never in production")
        .Emit();
    return Authenticator::AllowAll();
  }
  return absl::FailedPreconditionError(
      "no --tokens_file given; refusing to start without authentication (pass "
      "--allow_unauthenticated to run open, for development only)");
}

GrpcServer::GrpcServer(ServerSettings settings) : settings_(std::move(settings)) {}

GrpcServer::~GrpcServer() { Shutdown(); }

void GrpcServer::AddService(grpc::Service* service) { services_.push_back(service); }

void GrpcServer::OnShutdown(std::function<void()> hook) { hooks_.push_back(std::move(hook)); }

absl::Status GrpcServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  pipeline::InFlightLimit::Process().set_max(settings_.max_in_flight_calls);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   MakeServerCredentials(settings_.transport));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(settings_.listen, credentials, &port_);
  for (grpc::Service* service : services_) builder.RegisterService(service);
  if (settings_.serve_echo) {
    echo_ = std::make_unique<EchoServiceImpl>();
    builder.RegisterService(echo_.get());
  }
  builder.SetMaxReceiveMessageSize(settings_.max_message_bytes);
  builder.SetMaxSendMessageSize(settings_.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, settings_.keepalive_time_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  // Accept client keepalive pings down to every 10 s (gaoxinctl watch pings every 30 s), so
  // well-behaved clients are never sent GOAWAY too_many_pings.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  if (settings_.max_connection_age_ms > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, settings_.max_connection_age_ms);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, settings_.shutdown_grace_ms);
  }
  {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::make_unique<RpcLogInterceptorFactory>(settings_.log_rpcs, &in_flight_));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", settings_.listen));
  }
  if (!settings_.health_listen.empty()) {
    // A server of its own: gRPC serves every registered service on every port of a server, and
    // this port is plaintext. The default health service comes with it.
    grpc::ServerBuilder health_builder;
    health_builder.AddListeningPort(settings_.health_listen, grpc::InsecureServerCredentials(),
                                    &health_port_);
    health_server_ = health_builder.BuildAndStart();
    if (health_server_ == nullptr || health_port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on --health_listen ", settings_.health_listen));
    }
  }
  SetHealth(true);
  LogEvent("server_started")
      .Str("service", settings_.service_name)
      .Str("listen", settings_.listen)
      .Int("port", port_)
      .Bool("tls", !settings_.transport.insecure_plaintext)
      .Bool("mutual_tls", !settings_.transport.client_ca_file.empty())
      .Int("health_port", health_port_)
      .Emit();
  return absl::OkStatus();
}

void GrpcServer::SetHealth(bool serving) {
  for (grpc::Server* s : {server_.get(), health_server_.get()}) {
    if (s == nullptr) continue;
    auto* health = s->GetHealthCheckService();
    health->SetServingStatus(settings_.service_name, serving);
    health->SetServingStatus("", serving);
  }
}

void GrpcServer::SetServing(bool serving) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_ || server_ == nullptr) return;
  SetHealth(serving);
}

void GrpcServer::Shutdown() {
  {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_ || server_ == nullptr) return;
    shut_down_ = true;
  }
  LogEvent("server_draining")
      .Str("service", settings_.service_name)
      .Int("grace_ms", settings_.shutdown_grace_ms)
      .Emit();
  // Health first, so load balancers and probes stop sending new calls.
  server_->GetHealthCheckService()->Shutdown();
  if (health_server_ != nullptr) health_server_->GetHealthCheckService()->Shutdown();
  for (auto& hook : hooks_) hook();
  // Server::Shutdown stops new calls at once and lets in-flight ones finish until the deadline,
  // but gRPC 1.51 also waits that long for clients that merely keep an idle connection open. So
  // the drain ends as soon as no call is in flight: then the remaining connections are closed.
  const absl::Time deadline = absl::Now() + absl::Milliseconds(settings_.shutdown_grace_ms);
  absl::Notification drained;
  std::thread drain([this, deadline, &drained] {
    server_->Shutdown(absl::ToChronoTime(deadline));
    server_->Wait();
    drained.Notify();
  });
  while (in_flight_.load() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  // Idle connections, or the calls still in flight when the grace is over: cancelled now.
  grpc_server_cancel_all_calls(server_->c_server());
  // Server::Shutdown returns only once every callback call has run OnDone, that is once its
  // reactor has called Finish. A reactor that never does (a bug: cancelled streams used to) would
  // keep the process in Shutdown until Kubernetes SIGKILLs it, losing the log lines that say
  // why. Bound it: a second beyond the grace, log it and exit.
  if (!drained.WaitForNotificationWithDeadline(deadline + kDrainOverrun)) {
    LogEvent("server_drain_stuck", "error")
        .Str("service", settings_.service_name)
        .Int("in_flight", in_flight_.load())
        .Emit();
    FlushLogs();
    std::_Exit(1);
  }
  drain.join();
  if (health_server_ != nullptr) {
    health_server_->Shutdown(absl::ToChronoTime(absl::Now()));
    health_server_->Wait();
  }
  LogEvent("server_stopped").Str("service", settings_.service_name).Emit();
  FlushLogs();
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int GrpcServer::RunUntilSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  LogEvent("signal").Int("signal", sig).Emit();
  Shutdown();
  return 0;
}

}  // namespace gaoxin
