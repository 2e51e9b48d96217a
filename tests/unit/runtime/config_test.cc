#include "common/config.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(ConfigTest, EnvironmentTwinsSetFlags) {
  EXPECT_EQ(EnvName("tokens_file"), "GAOXIN_TOKENS_FILE");
  setenv("GAOXIN_REDIS", "10.0.0.1:6380", 1);
  setenv("GAOXIN_SHUTDOWN_GRACE_MS", "1234", 1);
  std::string error;
  ASSERT_TRUE(ApplyEnvironment(&error)) << error;
  EXPECT_EQ(absl::GetFlag(FLAGS_redis), "10.0.0.1:6380");
  EXPECT_EQ(absl::GetFlag(FLAGS_shutdown_grace_ms), 1234);
  unsetenv("GAOXIN_REDIS");
  unsetenv("GAOXIN_SHUTDOWN_GRACE_MS");
}

TEST(ConfigTest, BadEnvironmentValuesAreReportedByName) {
  setenv("GAOXIN_SHUTDOWN_GRACE_MS", "soon", 1);
  std::string error;
  EXPECT_FALSE(ApplyEnvironment(&error));
  EXPECT_NE(error.find("GAOXIN_SHUTDOWN_GRACE_MS"), std::string::npos);
  unsetenv("GAOXIN_SHUTDOWN_GRACE_MS");
}

TEST(ConfigTest, SecretsAreRecognised) {
  EXPECT_TRUE(IsSecretFlag("pii_key"));
  EXPECT_TRUE(IsSecretFlag("token"));
  EXPECT_FALSE(IsSecretFlag("tokens_file"));  // a path, not a secret
  EXPECT_FALSE(IsSecretFlag("listen"));
}

}  // namespace
}  // namespace gaoxin
