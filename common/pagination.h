// AIP-158 pagination with keyset cursors. The page token is opaque to clients and tamper-evident:
// it carries the last key returned and a fingerprint of the request's other fields, under an
// HMAC-SHA256 with the server's page-token key, so a token replayed with other filters, edited or
// forged is rejected instead of silently returning a wrong page, and inserts between pages never
// shift results the way offsets would. Replicas that serve the same clients share the key
// (--page_token_key_file); without one each process draws its own, and its tokens end with it.
//
//   ASSIGN_OR_RETURN(Page page, ParsePage(req.page_size(), req.page_token(), filters));
//   rows = SELECT ... WHERE id > page.after_key ORDER BY id LIMIT page.size + 1
//   if (rows.size() > page.size) resp.set_next_page_token(NextPageToken(last_id, filters));
#ifndef GAOXIN_COMMON_PAGINATION_H_
#define GAOXIN_COMMON_PAGINATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gaoxin {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

struct Page {
  int size = kDefaultPageSize;
  // Return keys strictly greater than this ("" = from the start).
  std::string after_key;
};

// page_size 0 = default, above the maximum = coerced, negative = INVALID_ARGUMENT; a token that is
// malformed or was issued for other filters = INVALID_ARGUMENT naming page_token.
absl::StatusOr<Page> ParsePage(int page_size, absl::string_view page_token,
                               absl::string_view filter_fingerprint);

std::string NextPageToken(absl::string_view last_key, absl::string_view filter_fingerprint);

// Replaces the key page tokens are signed with (at least 16 bytes). Call at start-up, before
// serving.
void SetPageTokenKey(absl::string_view key);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_PAGINATION_H_
