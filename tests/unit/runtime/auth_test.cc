#include "common/auth.h"

#include <regex>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
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

TEST(TokensFileTest, ErrorsNameTheLine) {
  const std::string h = Sha256Hex("t");
  struct Case {
    std::string text;
    std::string want;  // in the message
  };
  for (const Case& c : std::vector<Case>{
           {"# c\n" + h + " p leads.reader\n" + h + " q leads.writer\n",
            "line 3: the same credential as line 2"},
           // Case does not make a different token: the hash is hex either way.
           {h + " p leads.reader\n" + absl::AsciiStrToUpper(h) + " q leads.reader\n",
            "line 2: the same credential as line 1"},
           {"uri:spiffe://a p leads.reader\nuri:spiffe://a q leads.reader\n",
            "line 2: the same credential as line 1"},
           {h + " p ,\n", "line 1: no role given"},
           {h + " p ,,,\n", "line 1: no role given"},
           {h + " p leads.reader expires=tomorrow\n", "line 1: fourth column"},
           {h + " p leads.reader expires=2027-01-01\n", "line 1: fourth column"},
           {h + " p leads.reader until=2027-01-01T00:00:00Z\n", "line 1: fourth column"},
           {h + " p leads.reader expires=2027-01-01T00:00:00Z extra\n", "line 1: want"},
           {"uri: p leads.reader\n", "line 1: first column"},
           {"cn: p leads.reader\n", "line 1: first column"},
       }) {
    auto table = TokenTable::Parse(c.text);
    ASSERT_FALSE(table.ok()) << c.text;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(table.status().message().find(c.want), absl::string_view::npos)
        << c.text << " -> " << table.status().message();
  }
}

TEST(TokensFileTest, ExpiredTokensAreUnauthenticatedAndSaySo) {
  auto auth = Authenticator::FromText(
      Sha256Hex("old") + " late leads.reader expires=2020-01-01T00:00:00+08:00\n" +
      Sha256Hex("new") + " fresh leads.reader expires=2999-01-01T00:00:00Z\n" +
      "uri:spiffe://gaoxin/old-svc svc leads.reader expires=2020-01-01T00:00:00Z\n");
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto late = (*auth)->Authenticate("Bearer old");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(late.status().message().find("expired"), absl::string_view::npos);
  auto fresh = (*auth)->Authenticate("Bearer new");
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ((*fresh)->name, "fresh");
}

TEST(TokensFileTest, ReloadsWhenTheFileChangesAndKeepsTheLastGoodTable) {
  testing::TempDir dir;
  const std::string path = dir.File("tokens");
  testing::WriteFile(path, Sha256Hex("first") + " one leads.reader\n");
  auto auth = Authenticator::FromFile(path);
  ASSERT_TRUE(auth.ok()) << auth.status();
  (*auth)->WatchFile(absl::Milliseconds(20));
  ASSERT_TRUE((*auth)->Authenticate("Bearer first").ok());
  // A call in flight keeps its principal across the reload.
  std::shared_ptr<const Principal> held = *(*auth)->Authenticate("Bearer first");

  // Revoke `first`, add `second` (the same size on purpose: the mtime or inode must tell).
  testing::WriteFile(path, Sha256Hex("secon") + " two leads.reader\n");
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while ((*auth)->Authenticate("Bearer first").ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ((*auth)->Authenticate("Bearer first").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE((*auth)->Authenticate("Bearer secon").ok());
  EXPECT_EQ(held->name, "one");

  // A broken edit: the last good table stays in force.
  testing::WriteFile(path, "not a tokens file\n");
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_TRUE((*auth)->Authenticate("Bearer secon").ok());
  EXPECT_FALSE((*auth)->Reload().ok());
  // Fixed again: picked up.
  testing::WriteFile(path, Sha256Hex("third") + " three leads.reader\n");
  const absl::Time deadline2 = absl::Now() + absl::Seconds(5);
  while (!(*auth)->Authenticate("Bearer third").ok() && absl::Now() < deadline2) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE((*auth)->Authenticate("Bearer third").ok());
  EXPECT_FALSE((*auth)->Authenticate("Bearer secon").ok());
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
