#include "objstore/s3_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace eddy::objstore {
namespace {

// Fixture: a fake environment and a temporary HOME with ~/.aws files.
class S3ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ =
        std::filesystem::temp_directory_path() / ("eddy_s3_config_" + std::to_string(::getpid()));
    std::filesystem::create_directories(home_ / ".aws");
    env_["HOME"] = home_.string();
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / ".aws" / name) << text;
  }
  Result<S3Config> load() {
    return load_s3_config([this](const std::string& k) -> std::optional<std::string> {
      auto it = env_.find(k);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    });
  }
  std::filesystem::path home_;
  std::map<std::string, std::string> env_;
};

TEST_F(S3ConfigTest, DefaultsToAwsVirtualHostedAnonymous) {
  auto c = load();
  ASSERT_TRUE(c.is_ok());
  EXPECT_FALSE(c->endpoint.has_value());
  EXPECT_FALSE(c->path_style);
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_EQ(c->access_key_id, "");
}

TEST_F(S3ConfigTest, EnvironmentWins) {
  write("credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FS\n");
  env_["AWS_ENDPOINT_URL"] = "http://localhost:4568";
  env_["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000/";
  env_["AWS_DEFAULT_REGION"] = "eu-west-1";
  env_["AWS_REGION"] = "eu-central-1";
  env_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env_["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  env_["AWS_SESSION_TOKEN"] = "TOK";
  env_["AWS_MAX_ATTEMPTS"] = "2";
  auto c = load();
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  ASSERT_TRUE(c->endpoint.has_value());
  EXPECT_EQ(c->endpoint->scheme, "http");
  EXPECT_EQ(c->endpoint->authority(), "127.0.0.1:9000");
  EXPECT_TRUE(c->path_style);
  EXPECT_EQ(c->region, "eu-central-1");
  EXPECT_EQ(c->access_key_id, "ENVKEY");
  EXPECT_EQ(c->secret_access_key, "ENVSECRET");
  EXPECT_EQ(c->session_token, "TOK");
  EXPECT_EQ(c->retry.max_attempts, 2);
}

TEST_F(S3ConfigTest, ReadsTheNamedProfileFromAwsFiles) {
  write("credentials",
        "[default]\naws_access_key_id = D\naws_secret_access_key = DS\n"
        "[work]\naws_access_key_id = W\naws_secret_access_key = WS\naws_session_token = WT\n");
  write("config",
        "[default]\nregion = us-west-1\n"
        "[profile work]\nregion = ap-south-1\nendpoint_url = https://minio.example:9443\n"
        "s3 =\n  addressing_style = virtual\n");
  auto d = load();
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d->access_key_id, "D");
  EXPECT_EQ(d->region, "us-west-1");
  env_["AWS_PROFILE"] = "work";
  auto w = load();
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  EXPECT_EQ(w->access_key_id, "W");
  EXPECT_EQ(w->secret_access_key, "WS");
  EXPECT_EQ(w->session_token, "WT");
  EXPECT_EQ(w->region, "ap-south-1");
  ASSERT_TRUE(w->endpoint.has_value());
  EXPECT_EQ(w->endpoint->authority(), "minio.example:9443");
  EXPECT_FALSE(w->path_style);
}

TEST_F(S3ConfigTest, RejectsBadEndpointsAndNumbers) {
  env_["AWS_ENDPOINT_URL"] = "localhost:4568";
  EXPECT_EQ(load().status().code(), StatusCode::kInvalidArgument);
  env_["AWS_ENDPOINT_URL"] = "http://h:99999";
  EXPECT_EQ(load().status().code(), StatusCode::kInvalidArgument);
  env_.erase("AWS_ENDPOINT_URL");
  env_["AWS_MAX_ATTEMPTS"] = "zero";
  EXPECT_EQ(load().status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace eddy::objstore
