// FUZZ_CHECK: the fuzzers' assertion. A broken property is a crash libFuzzer records (with the
// input), whatever NDEBUG says, and the message says which property.
//
//   FUZZ_CHECK(FormatYuan(nanos) == text, "a parsed amount prints back as it was written");
#ifndef GAOXIN_TESTS_FUZZ_FUZZ_CHECK_H_
#define GAOXIN_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, property)                                                   \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, property); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

#endif  // GAOXIN_TESTS_FUZZ_FUZZ_CHECK_H_
