#include "tests/support/small_disk.h"

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace gaoxin::testing {
namespace {

constexpr char kFiller[] = "filler";

}  // namespace

SmallDisk::SmallDisk(int64_t bytes) {
  const std::string options = absl::StrCat("size=", bytes, ",mode=0777");
  if (mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    error_ = absl::StrCat("cannot mount a ", bytes, "-byte tmpfs on ", dir_.path(), ": ",
                          std::strerror(errno), " (the disk-full tests need root, as CI has)");
    return;
  }
  mounted_ = true;
}

SmallDisk::~SmallDisk() {
  // Lazy: a server the test failed to stop may still hold files open.
  if (mounted_) umount2(dir_.path().c_str(), MNT_DETACH);
}

int64_t SmallDisk::free_bytes() const {
  struct statvfs st;
  if (statvfs(dir_.path().c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

bool SmallDisk::Fill(int64_t leave_bytes) {
  FILE* f = std::fopen(File(kFiller).c_str(), "ab");
  if (f == nullptr) return false;
  const std::string block(64 << 10, 'f');
  while (free_bytes() > leave_bytes) {
    const int64_t want =
        std::min<int64_t>(static_cast<int64_t>(block.size()), free_bytes() - leave_bytes);
    if (std::fwrite(block.data(), 1, static_cast<size_t>(want), f) != static_cast<size_t>(want) ||
        std::fflush(f) != 0) {
      break;
    }
  }
  std::fclose(f);
  return free_bytes() <= leave_bytes + (64 << 10);
}

void SmallDisk::Free() { std::remove(File(kFiller).c_str()); }

}  // namespace gaoxin::testing
