// Test support: a small filesystem of the test's own, to run a store on until its disk is full.
// A size-limited tmpfs mounted over a temporary folder (the tests run as root, as CI does; a
// non-root run cannot mount and says so in error()). Fill() takes all but a little of the space
// with a filler file, Free() gives it back, the destructor unmounts.
//
//   SmallDisk disk(8 << 20);
//   ASSERT_TRUE(disk.ok()) << disk.error();
//   disk.Fill(512 << 10);   // half a megabyte left for the store
//   ...
//   disk.Free();
#ifndef GAOXIN_TESTS_SUPPORT_SMALL_DISK_H_
#define GAOXIN_TESTS_SUPPORT_SMALL_DISK_H_

#include <cstdint>
#include <string>

#include "tests/support/subprocess.h"

namespace gaoxin::testing {

class SmallDisk {
 public:
  explicit SmallDisk(int64_t bytes);
  ~SmallDisk();
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& path() const { return dir_.path(); }
  std::string File(const std::string& name) const { return dir_.File(name); }
  // Bytes still free on the filesystem.
  int64_t free_bytes() const;
  // Writes a filler file until at most `leave_bytes` are free.
  bool Fill(int64_t leave_bytes);
  // Removes the filler.
  void Free();

 private:
  TempDir dir_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_SMALL_DISK_H_
