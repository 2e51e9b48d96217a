#include "common/auth.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace gaoxin
