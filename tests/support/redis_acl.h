// Test support: the Redis ACL of the deployments (one user per service, made by
// deploy/redis/make-acl.sh from one password file per user), for tests that run redis-server with
// it, so they check the very rules operators deploy.
//
//   testing::TempDir dir;
//   testing::RedisAcl acl(dir);                   // dir/leads, dir/enterprise, dir/petition,
//   dir/users.acl ASSERT_TRUE(acl.ok()) << acl.error(); testing::RedisServer
//   redis(acl.server_args());  // --aclfile dir/users.acl
//   // a server: --redis_user=leads --redis_password_file=<acl.password_file("leads")>
#ifndef GAOXIN_TESTS_SUPPORT_REDIS_ACL_H_
#define GAOXIN_TESTS_SUPPORT_REDIS_ACL_H_

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/subprocess.h"

namespace gaoxin::testing {

class RedisAcl {
 public:
  // Writes a distinct password for each user (with the trailing newline an editor leaves, which
  // is not part of it) and the ACL file make-acl.sh makes of them.
  explicit RedisAcl(const TempDir& dir) : dir_(dir) {
    for (const char* user : {"leads", "enterprise", "petition"}) {
      passwords_[user] = absl::StrCat("pw-", user, "-", absl::ToUnixNanos(absl::Now()));
      WriteFile(password_file(user), passwords_[user] + "\n");
    }
    const std::string command =
        absl::StrCat("bash '", GAOXIN_SOURCE_DIR, "/deploy/redis/make-acl.sh' '", dir_.path(),
                     "' > '", acl_file(), "' 2> '", dir_.File("make-acl.err"), "'");
    if (std::system(command.c_str()) != 0) {
      error_ = absl::StrCat(command, ": ", ReadFileOrEmpty(dir_.File("make-acl.err")));
    }
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& password(const std::string& user) const { return passwords_.at(user); }
  std::string password_file(const std::string& user) const { return dir_.File(user); }
  std::string acl_file() const { return dir_.File("users.acl"); }
  std::vector<std::string> server_args() const { return {"--aclfile", acl_file()}; }

 private:
  const TempDir& dir_;
  std::map<std::string, std::string> passwords_;
  std::string error_;
};

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_REDIS_ACL_H_
