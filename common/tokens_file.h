// The tokens file (--tokens_file): who may call, as whom, with which roles, until when. It never
// holds a token, only its SHA-256, so a copy of the file lets nobody in. One entry per line, '#'
// starts a comment:
//
//   # <credential>                     <principal>     <roles>                         [expires=]
//   9f86d081884c7d65...9a5b4b3e3e5fc7  ops-reader      leads.reader,enterprise.reader
//   2c26b46b68ffc68f...a4c4fb7e2e8b3a  integrator-tax  enterprise.reader
//   expires=2027-06-30T00:00:00+08:00 uri:spiffe://gaoxin/petition       petition-svc
//   enterprise.reader cn:enterprise.gaoxin.svc           enterprise-svc  leads.reader
//
// A credential is the SHA-256 hex of a bearer token, or the identity in a verified client
// certificate (mutual TLS): `uri:` a URI SAN (SPIFFE style), `cn:` the subject's common name.
// Errors name the line: a malformed line, an unknown role, an empty role list, a bad expiry, and a
// credential listed twice (which of the two principals would it be?).
#ifndef GAOXIN_COMMON_TOKENS_FILE_H_
#define GAOXIN_COMMON_TOKENS_FILE_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gaoxin {

// True for the role names of common/roles.h.
bool IsKnownRole(absl::string_view role);

struct Principal {
  std::string name;
  absl::flat_hash_set<std::string> roles;
  // After this instant the credential no longer authenticates anyone.
  absl::Time expires = absl::InfiniteFuture();
  bool HasRole(absl::string_view role) const;
};

// A parsed tokens file; immutable once built, shared by the calls that authenticated against it
// (a reload builds a new one, the calls in flight keep theirs).
struct TokenTable {
  // By SHA-256 hex (lower case) of the bearer token.
  absl::flat_hash_map<std::string, std::shared_ptr<const Principal>> by_token_hash;
  // By "uri:<URI SAN>" or "cn:<common name>" of a verified client certificate.
  absl::flat_hash_map<std::string, std::shared_ptr<const Principal>> by_peer;

  static absl::StatusOr<std::shared_ptr<const TokenTable>> Parse(absl::string_view text);
};

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_TOKENS_FILE_H_
