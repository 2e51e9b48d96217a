#include "common/auth.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/pipeline/call_state.h"
#include "openssl/sha.h"

namespace gaoxin {

bool IsKnownRole(absl::string_view role) {
  for (absl::string_view r : {kLeadsReader, kLeadsWriter, kEnterpriseReader, kEnterpriseWriter,
                              kPetitionReader, kPetitionWriter, kPetitionPii, kAuditor, kAdmin}) {
    if (r == role) return true;
  }
  return false;
}

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
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read tokens file ", path));
  std::stringstream text;
  text << in.rdbuf();
  auto auth = FromText(text.str());
  if (!auth.ok()) {
    return absl::Status(auth.status().code(), absl::StrCat(path, ": ", auth.status().message()));
  }
  return auth;
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::FromText(absl::string_view text) {
  std::unique_ptr<Authenticator> auth(new Authenticator());
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (parts.size() != 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": want '<sha256-hex> <principal> <roles>'"));
    }
    std::string hash = absl::AsciiStrToLower(parts[0]);
    if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line_no, ": first column must be a SHA-256 hex digest, not a token"));
    }
    Principal p;
    p.name = std::string(parts[1]);
    for (absl::string_view role : absl::StrSplit(parts[2], ',', absl::SkipEmpty())) {
      if (!IsKnownRole(role)) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line_no, ": unknown role '", role, "'"));
      }
      p.roles.insert(std::string(role));
    }
    auth->by_hash_[hash] = std::move(p);
  }
  return auth;
}

std::unique_ptr<Authenticator> Authenticator::AllowAll() {
  std::unique_ptr<Authenticator> auth(new Authenticator());
  auth->allow_all_ = true;
  auth->anonymous_.name = "anonymous";
  auth->anonymous_.roles.insert(std::string(kAdmin));
  return auth;
}

absl::StatusOr<const Principal*> Authenticator::Authenticate(
    absl::string_view authorization) const {
  if (allow_all_) return &anonymous_;
  if (authorization.empty()) {
    return MakeError(absl::StatusCode::kUnauthenticated, "MISSING_TOKEN",
                     "missing 'authorization: Bearer <token>' metadata");
  }
  if (!absl::StartsWithIgnoreCase(authorization, "bearer ")) {
    return MakeError(absl::StatusCode::kUnauthenticated, "BAD_AUTHORIZATION",
                     "authorization metadata must be 'Bearer <token>'");
  }
  absl::string_view token = absl::StripAsciiWhitespace(authorization.substr(7));
  auto it = by_hash_.find(Sha256Hex(token));
  if (it == by_hash_.end()) {
    return MakeError(absl::StatusCode::kUnauthenticated, "UNKNOWN_TOKEN", "unknown token");
  }
  return &it->second;
}

absl::StatusOr<const Principal*> Authenticator::Authorize(const grpc::ServerContextBase* ctx,
                                                          absl::string_view role) const {
  auto principal = Authenticate(AuthorizationHeader(ctx));
  if (!principal.ok()) return principal.status();
  // The RPC log line names the principal from here: one SHA-256 of the token per call.
  if (pipeline::CallState* call = pipeline::CallState::Of(ctx)) call->principal = *principal;
  if (!(*principal)->HasRole(role)) {
    return MakeError(absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
                     absl::StrCat("principal '", (*principal)->name, "' lacks role '", role, "'"));
  }
  return principal;
}

std::string Authenticator::PrincipalName(absl::string_view authorization) const {
  auto principal = Authenticate(authorization);
  return principal.ok() ? (*principal)->name : "";
}

absl::string_view AuthorizationHeader(const grpc::ServerContextBase* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return "";
  return absl::string_view(it->second.data(), it->second.size());
}

}  // namespace gaoxin
