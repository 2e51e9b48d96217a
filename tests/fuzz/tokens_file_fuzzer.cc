// Fuzzes the tokens file (--tokens_file: "<sha256-hex> <principal> <roles>" per line) and the
// `authorization` header checked against it on every call.
//
//   build-asan/tests/fuzz/tokens_file_fuzzer tests/fuzz/corpus/tokens_file
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/auth.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string header = in.ConsumeRandomLengthString(200);
  const std::string file = in.ConsumeRemainingBytesAsString();
  absl::StatusOr<std::unique_ptr<gaoxin::Authenticator>> auth =
      gaoxin::Authenticator::FromText(file);
  if (!auth.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(auth.status()), "a bad file is INVALID_ARGUMENT");
    FUZZ_CHECK(absl::StartsWith(auth.status().message(), "line "), "the error names the line");
    return 0;
  }
  for (const std::string& authorization : {header, absl::StrCat("Bearer ", header)}) {
    auto who = (*auth)->Authenticate(authorization);
    if (!who.ok()) {
      FUZZ_CHECK(absl::IsUnauthenticated(who.status()), "a bad header is UNAUTHENTICATED");
      // Fixed messages only: nothing of the header (the token) is echoed.
      FUZZ_CHECK(who.status().message().size() < 80, "the error never echoes the token");
      continue;
    }
    FUZZ_CHECK(!(*who)->name.empty(), "a principal has a name");
    for (const std::string& role : (*who)->roles) {
      FUZZ_CHECK(gaoxin::IsKnownRole(role), "a principal holds known roles only");
    }
    const std::string hash =
        gaoxin::Sha256Hex(absl::StripAsciiWhitespace(absl::string_view(authorization).substr(7)));
    FUZZ_CHECK(absl::AsciiStrToLower(file).find(hash) != std::string::npos,
               "only a token whose hash is in the file is known");
  }
  return 0;
}
