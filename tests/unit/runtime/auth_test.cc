#include "common/auth.h"

#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace gaoxin {
namespace {

TEST(AuthTest, ResolvesTokensByHashAndChecksRoles) {
  std::string file = "# comment\n" + Sha256Hex("secret-reader") + " alice leads.reader\n" +
                     Sha256Hex("secret-admin") + " root admin\n";
  auto auth = Authenticator::FromText(file);
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto alice = (*auth)->Authenticate("Bearer secret-reader");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ((*alice)->name, "alice");
  EXPECT_TRUE((*alice)->HasRole(kLeadsReader));
  EXPECT_FALSE((*alice)->HasRole(kLeadsWriter));
  auto root = (*auth)->Authenticate("bearer secret-admin");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE((*root)->HasRole(kPetitionPii));  // admin holds every role
}

TEST(AuthTest, UnknownOrMissingTokensAreUnauthenticated) {
  auto auth = Authenticator::FromText(Sha256Hex("t") + " p leads.reader\n");
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ((*auth)->Authenticate("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ((*auth)->Authenticate("Bearer nope").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ((*auth)->Authenticate("Basic dDp0").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, RejectsPlaintextTokensAndUnknownRoles) {
  auto plaintext = Authenticator::FromText("my-token alice leads.reader\n");
  EXPECT_FALSE(plaintext.ok());
  EXPECT_NE(plaintext.status().message().find("line 1"), absl::string_view::npos);
  auto bad_role = Authenticator::FromText(Sha256Hex("t") + " p leads.superuser\n");
  EXPECT_FALSE(bad_role.ok());
}

TEST(AuthTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// The contracts tell clients which role each call needs; a role the servers do not know (such as
// "petition.auditor" for what the servers check as `auditor`) sends operators to issue tokens
// that never work. Every role a proto comment names, as "the `<role>` role", "role `<role>`" or
// "(role <role>)", must be one of the roles above.
TEST(AuthTest, RolesNamedInProtoCommentsAreTheRolesServersCheck) {
  const std::regex named_role(R"re(`([a-z.]+)` role|role `([a-z.]+)`|\(role ([a-z.]+)\))re");
  int named = 0;
  for (const char* proto :
       {"leads/v1/leads.proto", "enterprise/v1/enterprise.proto", "petition/v1/petition.proto"}) {
    const std::string path = std::string(GAOXIN_SOURCE_DIR) + "/proto/gaoxin/" + proto;
    const std::string text = testing::ReadFileOrEmpty(path);
    ASSERT_FALSE(text.empty()) << path;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), named_role);
         it != std::sregex_iterator(); ++it) {
      const std::string role = (*it)[1].matched ? (*it)[1] : (*it)[2].matched ? (*it)[2] : (*it)[3];
      EXPECT_TRUE(IsKnownRole(role)) << proto << " names unknown role '" << role << "'";
      ++named;
    }
  }
  EXPECT_GE(named, 3);  // the pattern still finds the roles the comments name
}

}  // namespace
}  // namespace gaoxin
