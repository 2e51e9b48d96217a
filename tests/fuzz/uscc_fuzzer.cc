// Fuzzes the USCC check (GB 32100) that every RPC taking an enterprise code goes through, and the
// petition service's IsValidUscc, which must agree with it.
//
//   build-asan/tests/fuzz/uscc_fuzzer tests/fuzz/corpus/uscc
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/uscc.h"
#include "services/petition/domain/identity_codes.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string code(reinterpret_cast<const char*>(data), size);
  const absl::Status strict = gaoxin::ValidateUscc(code);
  const absl::Status relaxed = gaoxin::ValidateUscc(code, gaoxin::UsccCheck::kSkipCheckCharacter);
  FUZZ_CHECK(strict.ok() == gaoxin::petition::IsValidUscc(code),
             "one USCC rule: petition agrees with common/uscc");
  FUZZ_CHECK(!strict.ok() || relaxed.ok(), "a strictly valid code passes the relaxed check");
  FUZZ_CHECK(strict.ok() || absl::IsInvalidArgument(strict), "rejections are INVALID_ARGUMENT");
  FUZZ_CHECK(strict.message().size() < 200, "the reason is short and never echoes the input");
  if (relaxed.ok()) {
    FUZZ_CHECK(code.size() == gaoxin::kUsccLength, "a valid code has 18 characters");
    absl::StatusOr<char> check = gaoxin::ComputeUsccCheckChar(code.substr(0, 17));
    FUZZ_CHECK(check.ok(), "17 alphabet characters have a check character");
    FUZZ_CHECK(strict.ok() == (*check == code[17]), "strict = relaxed + the check character");
  }
  if (size >= 17) {
    absl::StatusOr<char> check = gaoxin::ComputeUsccCheckChar(code.substr(0, 17));
    if (check.ok()) {
      FUZZ_CHECK(gaoxin::ValidateUscc(code.substr(0, 17) + *check).ok(),
                 "the computed check character completes a valid code");
    }
  }
  return 0;
}
