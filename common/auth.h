// Who is calling, and may they: bearer tokens and client certificates resolved against the tokens
// file (common/tokens_file.h), and role checks.
//
//   ASSIGN_OR_RETURN(auto who, auth.Authorize(ctx, kLeadsWriter));   // who->name, who->roles
//
// A call is authenticated by its `authorization: Bearer <token>` metadata or, when it carries
// none, by the verified client certificate of its mutual-TLS connection (`uri:`/`cn:` lines).
// Missing, unknown or expired credential -> UNAUTHENTICATED; known one without the role ->
// PERMISSION_DENIED. `admin` holds every role.
//
// The file is re-read when it changes (WatchFile), so a revoked token stops working within
// seconds and a new one starts working, without a restart. A file that no longer parses is
// logged and the last good table stays in force: a typo must not lock everyone out.
#ifndef GAOXIN_COMMON_AUTH_H_
#define GAOXIN_COMMON_AUTH_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/roles.h"
#include "common/tokens_file.h"
#include "grpcpp/server_context.h"

namespace gaoxin {

std::string Sha256Hex(absl::string_view data);

class Authenticator {
 public:
  // Parses a tokens file; errors name the file and the line.
  static absl::StatusOr<std::unique_ptr<Authenticator>> FromFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<Authenticator>> FromText(absl::string_view text);
  // Everyone is principal "anonymous" with every role: for --allow_unauthenticated only.
  static std::unique_ptr<Authenticator> AllowAll();
  ~Authenticator();

  // From then on, checks the file FromFile read every `interval` and reloads it when it changed
  // (size, modification time or inode: Kubernetes swaps a Secret's files by symlink). Until the
  // Authenticator is destroyed.
  void WatchFile(absl::Duration interval);
  // Re-reads the file now; on an error the current table stays. The watcher calls it.
  absl::Status Reload();

  // Resolves an `authorization` header value ("Bearer <token>").
  absl::StatusOr<std::shared_ptr<const Principal>> Authenticate(
      absl::string_view authorization) const;
  // Resolves the caller of `ctx`: its bearer token, else its verified client certificate.
  absl::StatusOr<std::shared_ptr<const Principal>> AuthenticateCall(
      const grpc::ServerContextBase* ctx) const;
  // AuthenticateCall and the check of `role`; the principal is kept in the call's CallState for
  // the RPC log line and the handler (pipeline::Caller).
  absl::StatusOr<std::shared_ptr<const Principal>> Authorize(const grpc::ServerContextBase* ctx,
                                                             absl::string_view role) const;

 private:
  Authenticator() = default;
  std::shared_ptr<const TokenTable> table() const;
  absl::StatusOr<std::shared_ptr<const Principal>> Check(
      const std::shared_ptr<const Principal>& principal) const;
  void WatchLoop(absl::Duration interval);

  bool allow_all_ = false;
  std::shared_ptr<const Principal> anonymous_;
  std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const TokenTable> table_ ABSL_GUARDED_BY(mu_);
  // What the file looked like when last read: size, mtime (ns), inode.
  std::string file_signature_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread watcher_;
};

// The `authorization` metadata of a call ("" when absent).
absl::string_view AuthorizationHeader(const grpc::ServerContextBase* ctx);

// The tokens-file credentials a call's verified client certificate stands for ("uri:<URI SAN>"
// for each URI SAN, "cn:<common name>"); none on a connection without a client certificate.
std::vector<std::string> PeerCredentials(const grpc::ServerContextBase* ctx);

// Calls refused with PERMISSION_DENIED since the process started (each one is also logged).
int64_t AccessDeniedCount();

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_AUTH_H_
