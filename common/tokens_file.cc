#include "common/tokens_file.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/roles.h"

namespace gaoxin {
namespace {

absl::Status LineError(int line_no, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": ", what));
}

bool IsSha256Hex(absl::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == absl::string_view::npos;
}

// "uri:spiffe://..." or "cn:name": printable, no spaces (the file is whitespace-separated).
bool IsPeerCredential(absl::string_view s) {
  for (absl::string_view prefix : {"uri:", "cn:"}) {
    if (absl::StartsWith(s, prefix) && s.size() > prefix.size()) return true;
  }
  return false;
}

}  // namespace

bool IsKnownRole(absl::string_view role) {
  for (absl::string_view r : {kLeadsReader, kLeadsWriter, kEnterpriseReader, kEnterpriseWriter,
                              kPetitionReader, kPetitionWriter, kPetitionPii, kAuditor, kAdmin}) {
    if (r == role) return true;
  }
  return false;
}

bool Principal::HasRole(absl::string_view role) const {
  return roles.contains(role) || roles.contains(kAdmin);
}

absl::StatusOr<std::shared_ptr<const TokenTable>> TokenTable::Parse(absl::string_view text) {
  auto table = std::make_shared<TokenTable>();
  // Where each credential was first listed, to name both lines of a duplicate.
  absl::flat_hash_map<std::string, int> first_line;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipWhitespace());
    if (parts.size() != 3 && parts.size() != 4) {
      return LineError(line_no,
                       "want '<sha256-hex | uri:... | cn:...> <principal> <roles> "
                       "[expires=<RFC 3339 time>]'");
    }
    std::string credential(parts[0]);
    const bool peer = IsPeerCredential(credential);
    if (!peer) {
      credential = absl::AsciiStrToLower(credential);
      if (!IsSha256Hex(credential)) {
        return LineError(line_no,
                         "first column must be a SHA-256 hex digest (not a token), or uri:/cn: "
                         "of a client certificate");
      }
    }
    auto principal = std::make_shared<Principal>();
    principal->name = std::string(parts[1]);
    for (absl::string_view role : absl::StrSplit(parts[2], ',', absl::SkipEmpty())) {
      if (!IsKnownRole(role)) return LineError(line_no, absl::StrCat("unknown role '", role, "'"));
      principal->roles.insert(std::string(role));
    }
    if (principal->roles.empty()) return LineError(line_no, "no role given");
    if (parts.size() == 4) {
      absl::string_view expires = parts[3];
      std::string error;
      if (!absl::ConsumePrefix(&expires, "expires=") ||
          !absl::ParseTime(absl::RFC3339_full, expires, &principal->expires, &error)) {
        return LineError(line_no,
                         "fourth column must be expires=<RFC 3339 time with zone>, e.g. "
                         "expires=2027-06-30T00:00:00+08:00");
      }
    }
    auto [it, inserted] = first_line.emplace(credential, line_no);
    if (!inserted) {
      return LineError(line_no, absl::StrCat("the same credential as line ", it->second,
                                             " (each token or certificate names one principal)"));
    }
    (peer ? table->by_peer : table->by_token_hash)[credential] = std::move(principal);
  }
  return std::shared_ptr<const TokenTable>(std::move(table));
}

}  // namespace gaoxin
