#include "common/auth.h"

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/pipeline/call_state.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"
#include "openssl/sha.h"

namespace gaoxin {
namespace {

std::atomic<int64_t> access_denied{0};

absl::StatusOr<std::string> ReadTokensFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read tokens file ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Size, modification time and inode: any rewrite, in place or by rename, changes one of them.
std::string FileSignature(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return "";
  return absl::StrCat(st.st_size, "/", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec, "/", st.st_ino);
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size_t{2} * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::FromFile(const std::string& path) {
  std::unique_ptr<Authenticator> auth(new Authenticator());
  auth->path_ = path;
  if (absl::Status s = auth->Reload(); !s.ok()) return s;
  return auth;
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::FromText(absl::string_view text) {
  auto table = TokenTable::Parse(text);
  if (!table.ok()) return table.status();
  std::unique_ptr<Authenticator> auth(new Authenticator());
  absl::MutexLock lock(&auth->mu_);
  auth->table_ = *std::move(table);
  return auth;
}

std::unique_ptr<Authenticator> Authenticator::AllowAll() {
  std::unique_ptr<Authenticator> auth(new Authenticator());
  auth->allow_all_ = true;
  auto anonymous = std::make_shared<Principal>();
  anonymous->name = "anonymous";
  anonymous->roles.insert(std::string(kAdmin));
  auth->anonymous_ = std::move(anonymous);
  return auth;
}

Authenticator::~Authenticator() {
  stop_.Notify();
  if (watcher_.joinable()) watcher_.join();
}

void Authenticator::WatchFile(absl::Duration interval) {
  if (path_.empty() || watcher_.joinable()) return;
  watcher_ = std::thread([this, interval] { WatchLoop(interval); });
}

void Authenticator::WatchLoop(absl::Duration interval) {
  while (!stop_.WaitForNotificationWithTimeout(interval)) {
    {
      absl::MutexLock lock(&mu_);
      if (FileSignature(path_) == file_signature_) continue;
    }
    // Reload logs its own outcome.
    (void)Reload();
  }
}

absl::Status Authenticator::Reload() {
  const std::string signature = FileSignature(path_);
  absl::StatusOr<std::string> text = ReadTokensFile(path_);
  absl::StatusOr<std::shared_ptr<const TokenTable>> table =
      text.ok() ? TokenTable::Parse(*text) : text.status();
  if (!table.ok()) {
    const absl::Status error(table.status().code(),
                             absl::StrCat(path_, ": ", table.status().message()));
    absl::MutexLock lock(&mu_);
    // Not retried until the file changes again: one log line per bad edit.
    file_signature_ = signature;
    if (table_ != nullptr) {
      LogEvent("tokens_reload_failed", "error")
          .Str("error", error.ToString())
          .Str("detail", "the previous tokens stay in force")
          .Emit();
    }
    return error;
  }
  const size_t tokens = (*table)->by_token_hash.size();
  const size_t peers = (*table)->by_peer.size();
  absl::MutexLock lock(&mu_);
  const bool first = table_ == nullptr;
  table_ = *std::move(table);
  file_signature_ = signature;
  LogEvent(first ? "tokens_loaded" : "tokens_reloaded")
      .Str("file", path_)
      .Int("tokens", static_cast<int64_t>(tokens))
      .Int("certificates", static_cast<int64_t>(peers))
      .Emit();
  return absl::OkStatus();
}

std::shared_ptr<const TokenTable> Authenticator::table() const {
  absl::ReaderMutexLock lock(&mu_);
  return table_;
}

absl::StatusOr<std::shared_ptr<const Principal>> Authenticator::Check(
    const std::shared_ptr<const Principal>& principal) const {
  if (absl::Now() >= principal->expires) {
    return MakeError(
        absl::StatusCode::kUnauthenticated, "CREDENTIAL_EXPIRED",
        absl::StrCat("the credential of '", principal->name, "' expired at ",
                     absl::FormatTime(absl::RFC3339_sec, principal->expires, absl::UTCTimeZone())));
  }
  return principal;
}

absl::StatusOr<std::shared_ptr<const Principal>> Authenticator::Authenticate(
    absl::string_view authorization) const {
  if (allow_all_) return anonymous_;
  if (authorization.empty()) {
    return MakeError(absl::StatusCode::kUnauthenticated, "MISSING_TOKEN",
                     "missing 'authorization: Bearer <token>' metadata");
  }
  if (!absl::StartsWithIgnoreCase(authorization, "bearer ")) {
    return MakeError(absl::StatusCode::kUnauthenticated, "BAD_AUTHORIZATION",
                     "authorization metadata must be 'Bearer <token>'");
  }
  absl::string_view token = absl::StripAsciiWhitespace(authorization.substr(7));
  const std::shared_ptr<const TokenTable> tokens = table();
  auto it = tokens->by_token_hash.find(Sha256Hex(token));
  if (it == tokens->by_token_hash.end()) {
    return MakeError(absl::StatusCode::kUnauthenticated, "UNKNOWN_TOKEN", "unknown token");
  }
  return Check(it->second);
}

absl::StatusOr<std::shared_ptr<const Principal>> Authenticator::AuthenticateCall(
    const grpc::ServerContextBase* ctx) const {
  const absl::string_view authorization = AuthorizationHeader(ctx);
  if (allow_all_ || !authorization.empty()) return Authenticate(authorization);
  const std::vector<std::string> peer = PeerCredentials(ctx);
  if (!peer.empty()) {
    const std::shared_ptr<const TokenTable> tokens = table();
    for (const std::string& credential : peer) {
      auto it = tokens->by_peer.find(credential);
      if (it != tokens->by_peer.end()) return Check(it->second);
    }
    return MakeError(absl::StatusCode::kUnauthenticated, "UNKNOWN_CERTIFICATE",
                     absl::StrCat("no bearer token, and the client certificate (", peer.front(),
                                  ") is not in the tokens file"));
  }
  return Authenticate(authorization);
}

absl::StatusOr<std::shared_ptr<const Principal>> Authenticator::Authorize(
    const grpc::ServerContextBase* ctx, absl::string_view role) const {
  auto principal = AuthenticateCall(ctx);
  if (!principal.ok()) return principal.status();
  // The RPC log line names the principal from here: one SHA-256 of the token per call.
  if (pipeline::CallState* call = pipeline::CallState::Of(ctx)) call->SetPrincipal(*principal);
  if (!(*principal)->HasRole(role)) {
    access_denied.fetch_add(1, std::memory_order_relaxed);
    return MakeError(absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
                     absl::StrCat("principal '", (*principal)->name, "' lacks role '", role, "'"));
  }
  return principal;
}

absl::string_view AuthorizationHeader(const grpc::ServerContextBase* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return "";
  return absl::string_view(it->second.data(), it->second.size());
}

std::vector<std::string> PeerCredentials(const grpc::ServerContextBase* ctx) {
  std::vector<std::string> out;
  std::shared_ptr<const grpc::AuthContext> auth = ctx->auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return out;
  for (const grpc::string_ref& uri : auth->FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME)) {
    out.push_back(absl::StrCat("uri:", absl::string_view(uri.data(), uri.size())));
  }
  for (const grpc::string_ref& cn : auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME)) {
    out.push_back(absl::StrCat("cn:", absl::string_view(cn.data(), cn.size())));
  }
  return out;
}

int64_t AccessDeniedCount() { return access_denied.load(std::memory_order_relaxed); }

}  // namespace gaoxin
