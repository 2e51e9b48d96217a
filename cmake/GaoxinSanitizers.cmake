# Sanitizer and fuzzing builds, chosen per build directory.
#
#   cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++-14 -DGAOXIN_SANITIZE=address -DGAOXIN_FUZZ=ON
#   cmake -S . -B build-tsan -DCMAKE_CXX_COMPILER=clang++-14 -DGAOXIN_SANITIZE=thread
#
# GAOXIN_SANITIZE=address: AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer is part of
#   ASan on Linux), every finding fatal, so a test that trips one fails.
# GAOXIN_SANITIZE=thread: ThreadSanitizer. Debian's Abseil is not built with TSan, so absl::Mutex
#   is invisible to it; tests/support/tsan_absl_mutex.cc tells TSan about every lock and unlock.
# GAOXIN_FUZZ=ON (clang only): our code gets libFuzzer's coverage instrumentation and
#   tests/fuzz/*_fuzzer.cc become libFuzzer binaries.
# Only our code and the generated protobuf code are instrumented; Debian's gRPC, protobuf and
# Abseil libraries are not (and need not be for ASan/UBSan).
set(GAOXIN_SANITIZE "" CACHE STRING "sanitizers: '', 'address' (ASan+UBSan+LSan) or 'thread'")
option(GAOXIN_FUZZ "build the libFuzzer targets in tests/fuzz (clang)" OFF)

if(GAOXIN_SANITIZE STREQUAL "address")
  set(GAOXIN_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
elseif(GAOXIN_SANITIZE STREQUAL "thread")
  set(GAOXIN_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT GAOXIN_SANITIZE STREQUAL "")
  message(FATAL_ERROR "GAOXIN_SANITIZE must be '', 'address' or 'thread', not '${GAOXIN_SANITIZE}'")
endif()
if(GAOXIN_SANITIZER_FLAGS)
  add_compile_options(${GAOXIN_SANITIZER_FLAGS})
  add_link_options(${GAOXIN_SANITIZER_FLAGS})
  # Debug info for readable reports; -O1 keeps the tests fast enough.
  add_compile_options(-g -O1)
endif()

if(GAOXIN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GAOXIN_FUZZ needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
