// Bearer-token authentication and role checks.
//
// The tokens file never holds a token, only its SHA-256: one line per token,
//   <sha256 hex of the token> <principal> <role>[,<role>...]
// with '#' comments. `gaoxinctl token new <principal> <roles>` prints a fresh token and its line.
//
//   ASSIGN_OR_RETURN(const Principal* who, auth.Authorize(ctx, kLeadsWriter));
//
// Missing or unknown token -> UNAUTHENTICATED; known token without the role -> PERMISSION_DENIED.
// `admin` holds every role.
#ifndef GAOXIN_COMMON_AUTH_H_
#define GAOXIN_COMMON_AUTH_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/roles.h"
#include "grpcpp/server_context.h"

namespace gaoxin {

// True for the role names of common/roles.h.
bool IsKnownRole(absl::string_view role);

struct Principal {
  std::string name;
  absl::flat_hash_set<std::string> roles;
  bool HasRole(absl::string_view role) const {
    return roles.contains(role) || roles.contains(kAdmin);
  }
};

std::string Sha256Hex(absl::string_view data);

class Authenticator {
 public:
  // Parses a tokens file; errors name the line.
  static absl::StatusOr<std::unique_ptr<Authenticator>> FromFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<Authenticator>> FromText(absl::string_view text);
  // Everyone is principal "anonymous" with every role: for --allow_unauthenticated only.
  static std::unique_ptr<Authenticator> AllowAll();

  // Resolves an `authorization` header value ("Bearer <token>").
  absl::StatusOr<const Principal*> Authenticate(absl::string_view authorization) const;
  // Resolves the caller of `ctx` and checks `role`.
  absl::StatusOr<const Principal*> Authorize(const grpc::ServerContextBase* ctx,
                                             absl::string_view role) const;
  // The principal's name for logs, or "" when the call carries no valid token.
  std::string PrincipalName(absl::string_view authorization) const;

 private:
  Authenticator() = default;
  bool allow_all_ = false;
  Principal anonymous_;
  absl::flat_hash_map<std::string, Principal> by_hash_;
};

// The `authorization` metadata of a call ("" when absent).
absl::string_view AuthorizationHeader(const grpc::ServerContextBase* ctx);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_AUTH_H_
