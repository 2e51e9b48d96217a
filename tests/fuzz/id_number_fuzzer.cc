// Fuzzes the resident ID number check and the masks of petitioners' personal data, which see
// whatever a client sends (and whatever is stored) on every output path.
//
//   build-asan/tests/fuzz/id_number_fuzzer tests/fuzz/corpus/id_number
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "common/text.h"
#include "services/petition/domain/identity_codes.h"
#include "services/petition/domain/masking.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

void CheckMask(const std::string& value, const std::string& mask) {
  FUZZ_CHECK(value.empty() || gaoxin::petition::LooksMasked(value) || mask != value,
             "a mask never shows the whole of a value (that is not a mask itself)");
  FUZZ_CHECK(value.empty() || gaoxin::petition::LooksMasked(mask), "every mask looks masked");
  FUZZ_CHECK(!gaoxin::IsValidUtf8(value) || gaoxin::IsValidUtf8(mask),
             "the mask of valid UTF-8 is valid UTF-8");
  FUZZ_CHECK(mask.size() <= value.size() + 8, "a mask is not longer than its value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace p = gaoxin::petition;
  const std::string id(reinterpret_cast<const char*>(data), size);
  const absl::CivilDay today(2026, 12, 1);
  const std::string problem = p::ResidentIdProblem(id, today);
  // The reasons are fixed texts; a quoted number would show as a run of digits.
  int digits = 0, longest = 0;
  for (char c : problem)
    longest = std::max(longest, digits = absl::ascii_isdigit(c) ? digits + 1 : 0);
  FUZZ_CHECK(longest < 7 && problem.size() < 120, "the reason never quotes the number");
  if (problem.empty()) {
    FUZZ_CHECK(id.size() == 18, "a valid ID number has 18 characters");
    FUZZ_CHECK(p::ResidentIdCheckChar(id.substr(0, 17)) == id[17], "the check character holds");
    const absl::CivilDay birth(std::stoi(id.substr(6, 4)), std::stoi(id.substr(10, 2)),
                               std::stoi(id.substr(12, 2)));
    FUZZ_CHECK(birth <= today && birth.year() >= 1900, "birth dates are real and not future");
    FUZZ_CHECK(p::IsValidResidentId(id, today + 1), "valid today is valid tomorrow");
  }
  CheckMask(id, p::MaskIdNumber(id));
  CheckMask(id, p::MaskName(id));
  CheckMask(id, p::MaskPhone(id));
  CheckMask(id, p::MaskAddress(id));
  return 0;
}
