// Test support: what the petition end-to-end suites share about the server they start: the
// service name, the callers' tokens and their roles, the tokens file and PII key file the server
// reads, and resident ID numbers with a valid check character.
//
//   namespace pf = testing::petition_fixture;
//   pf::WriteServerFiles(dir_);  // dir_.File("tokens") and dir_.File("pii.key")
//   ... "--tokens_file=" + dir_.File("tokens"), "--pii_key_file=" + dir_.File("pii.key") ...
//   c.mutable_petitioner()->set_id_number(pf::ResidentId("21090219800101123"));
//
// ResidentId uses the domain's own check character, so the test needs petition_domain linked.
#ifndef GAOXIN_TESTS_SUPPORT_PETITION_FIXTURE_H_
#define GAOXIN_TESTS_SUPPORT_PETITION_FIXTURE_H_

#include <string>
#include <vector>

#include "services/petition/domain/identity_codes.h"
#include "tests/support/server_under_test.h"
#include "tests/support/subprocess.h"

namespace gaoxin::testing::petition_fixture {

inline constexpr char kService[] = "gaoxin.petition.v1.PetitionService";
inline constexpr char kWriterToken[] = "petition-writer-token";    // writer + reader, no pii
inline constexpr char kReaderToken[] = "petition-reader-token";    // reader only
inline constexpr char kOfficerToken[] = "petition-officer-token";  // reader + writer + pii
inline constexpr char kAuditorToken[] = "petition-auditor-token";  // auditor
inline constexpr char kOtherToken[] = "enterprise-reader-token";   // another service's role

// 64 hex digits: the key is made here, never taken from the repository.
inline constexpr char kPiiKeyHex[] =
    "8f1c2a9b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071829304a5b6c7d8\n";

// Every token above with its principal and roles, in the order of the tokens file.
inline std::vector<TestToken> Tokens() {
  return {{kWriterToken, "writer", "petition.writer,petition.reader"},
          {kReaderToken, "reader", "petition.reader"},
          {kOfficerToken, "officer", "petition.reader,petition.writer,petition.pii"},
          {kAuditorToken, "audit-office", "auditor"},
          {kOtherToken, "other", "enterprise.reader"}};
}

// Writes dir.File("tokens") (Tokens()) and dir.File("pii.key") (kPiiKeyHex).
inline void WriteServerFiles(const TempDir& dir) {
  WriteTokensFile(dir.File("tokens"), Tokens());
  WriteFile(dir.File("pii.key"), kPiiKeyHex);
}

// A resident ID number with a valid GB 11643 check character.
inline std::string ResidentId(const std::string& first17) {
  return first17 + petition::ResidentIdCheckChar(first17);
}

}  // namespace gaoxin::testing::petition_fixture

#endif  // GAOXIN_TESTS_SUPPORT_PETITION_FIXTURE_H_
