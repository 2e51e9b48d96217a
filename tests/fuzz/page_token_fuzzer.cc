// Fuzzes page tokens, which clients hand back verbatim and may forge or edit: a token is
// accepted only as NextPageToken issued it, for the same filters, and anything else is
// INVALID_ARGUMENT naming page_token.
//
//   build-asan/tests/fuzz/page_token_fuzzer tests/fuzz/corpus/page_token
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/errors.h"
#include "common/pagination.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// The key the seed corpus was made with (tests/fuzz/corpus/page_token/*), so the fuzzer starts
// from tokens the server would accept and mutates them.
constexpr char kSeedKey[] = "gaoxin-fuzz-page-token-key-0001";

bool Init() {
  gaoxin::SetPageTokenKey(kSeedKey);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialised = Init();
  (void)initialised;
  FuzzedDataProvider in(data, size);
  const int page_size = in.ConsumeIntegral<int>();
  const std::string fingerprint = in.ConsumeRandomLengthString(80);
  const std::string token = in.ConsumeRemainingBytesAsString();

  // What the server issues, it accepts, for those filters only.
  const std::string issued = gaoxin::NextPageToken(token.substr(0, 200), fingerprint);
  absl::StatusOr<gaoxin::Page> next = gaoxin::ParsePage(10, issued, fingerprint);
  FUZZ_CHECK(next.ok() && next->after_key == token.substr(0, 200), "issued tokens round-trip");
  FUZZ_CHECK(!gaoxin::ParsePage(10, issued, fingerprint + "x").ok(),
             "a token is refused for other filters");

  absl::StatusOr<gaoxin::Page> page = gaoxin::ParsePage(page_size, token, fingerprint);
  if (!page.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(page.status()), "a bad page is INVALID_ARGUMENT");
    const auto fields = gaoxin::FieldViolationsOf(page.status());
    FUZZ_CHECK(
        fields.size() == 1 && (fields[0].first == "page_token" || fields[0].first == "page_size"),
        "the violation names page_token or page_size");
    FUZZ_CHECK(page.status().message().size() < 400, "the error does not echo the token");
    return 0;
  }
  FUZZ_CHECK(page_size >= 0, "a negative page_size is refused");
  FUZZ_CHECK(page->size >= 1 && page->size <= gaoxin::kMaxPageSize, "page size is bounded");
  if (token.empty()) {
    FUZZ_CHECK(page->after_key.empty(), "no token = the first page");
  } else {
    // Canonical tokens only: an accepted token is exactly the one the server issues for its key
    // and these filters, so no edited spelling of a token gets through.
    FUZZ_CHECK(gaoxin::NextPageToken(page->after_key, fingerprint) == token,
               "an accepted token is the one NextPageToken issues");
  }
  return 0;
}
