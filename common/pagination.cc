#include "common/pagination.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth.h"
#include "common/errors.h"

namespace gaoxin {
namespace {

constexpr absl::string_view kVersion = "p1";

std::string Fingerprint(absl::string_view filters) { return Sha256Hex(filters).substr(0, 16); }

}  // namespace

absl::StatusOr<Page> ParsePage(int page_size, absl::string_view page_token,
                               absl::string_view filter_fingerprint) {
  Page page;
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  if (page_size > 0) page.size = std::min(page_size, kMaxPageSize);
  if (page_token.empty()) return page;
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(page_token, &decoded)) {
    return InvalidField("page_token", "is not a token this server issued");
  }
  std::vector<std::string> parts = absl::StrSplit(decoded, absl::MaxSplits('\n', 2));
  if (parts.size() != 3 || parts[0] != kVersion) {
    return InvalidField("page_token", "is not a token this server issued");
  }
  if (parts[1] != Fingerprint(filter_fingerprint)) {
    return InvalidField("page_token",
                        "was issued for a request with other filters; repeat the filters of the "
                        "first page");
  }
  page.after_key = parts[2];
  return page;
}

std::string NextPageToken(absl::string_view last_key, absl::string_view filter_fingerprint) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, "\n", Fingerprint(filter_fingerprint), "\n", last_key));
}

}  // namespace gaoxin
