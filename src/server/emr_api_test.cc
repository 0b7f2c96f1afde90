// EMR's JSON protocol as boto3 speaks it (X-Amz-Target, application/x-amz-json-1.1) over a real
// ControlPlane: RunJobFlow → a Cluster resource, ListClusters filters and pages, DescribeCluster's
// shape, TerminateJobFlows keeps the cluster listed, and errors botocore can parse.
#include "server/emr_api.h"

#include <gtest/gtest.h>

#include <regex>

#include "server/test_server.h"

namespace eddy::server {
namespace {

using nlohmann::json;

TEST(EmrHelpersTest, ResourceNamesRegionsAndIds) {
  EXPECT_EQ(emr_resource_name("emr-cluster"), "emr-cluster");
  EXPECT_EQ(emr_resource_name("My EMR_Cluster!!"), "my-emr-cluster");
  EXPECT_EQ(emr_resource_name("___"), "emr-cluster");
  EXPECT_LE(emr_resource_name(std::string(100, 'a')).size(), 56u);
  EXPECT_EQ(emr_region("AWS4-HMAC-SHA256 Credential=AKID/20191202/eu-west-1/elasticmapreduce/"
                       "aws4_request, SignedHeaders=host, Signature=abc"),
            "eu-west-1");
  EXPECT_EQ(emr_region(""), "us-east-1");
  resources::Resource r;
  r.uid = "0b9d6c1e-aaaa";
  EXPECT_TRUE(std::regex_match(emr_cluster_id(r), std::regex("j-[0-9A-Z]{13}")));
  EXPECT_EQ(emr_cluster_id(r), emr_cluster_id(r));
  r.labels[kEmrIdLabel] = "j-ABC";
  EXPECT_EQ(emr_cluster_id(r), "j-ABC");
}

class EmrApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    ASSERT_TRUE(server_->start().is_ok());
    cli_ = server_->client();
  }
  httplib::Result call(const std::string& action, const json& body) {
    return cli_->Post("/",
                      {{"X-Amz-Target", "ElasticMapReduce." + action},
                       {"Authorization",
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20191202/us-west-2/"
                        "elasticmapreduce/aws4_request, SignedHeaders=host;x-amz-date, "
                        "Signature=0123"}},
                      body.dump(), "application/x-amz-json-1.1");
  }
  json ok(const std::string& action, const json& body) {
    auto res = call(action, body);
    EXPECT_TRUE(res);
    if (!res) return nullptr;
    EXPECT_EQ(res->status, 200) << action << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/x-amz-json-1.1");
    return json::parse(res->body);
  }
  // The article's run_job_flow call, trimmed of what boto3 sends that Eddy ignores.
  static json run_job_flow_request(const std::string& name) {
    return {{"Name", name},
            {"ReleaseLabel", "emr-5.28.0"},
            {"Applications",
             json::array({{{"Name", "Hadoop"}}, {{"Name", "Spark"}}, {{"Name", "Livy"}}})},
            {"Instances",
             {{"InstanceGroups", json::array({{{"Name", "Master nodes"},
                                               {"Market", "SPOT"},
                                               {"InstanceRole", "MASTER"},
                                               {"InstanceType", "m5.xlarge"},
                                               {"InstanceCount", 1}},
                                              {{"Name", "Slave nodes"},
                                               {"Market", "SPOT"},
                                               {"InstanceRole", "CORE"},
                                               {"InstanceType", "m5.xlarge"},
                                               {"InstanceCount", 2}}})},
              {"KeepJobFlowAliveWhenNoSteps", true},
              {"TerminationProtected", false}}},
            {"VisibleToAllUsers", true},
            {"JobFlowRole", "EMR_EC2_DefaultRole"},
            {"ServiceRole", "EMR_DefaultRole"},
            {"Tags", json::array({{{"Key", "team"}, {"Value", "data"}},
                                  {{"Key", "bad key!"}, {"Value", "x"}}})}};
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> cli_;
};

TEST_F(EmrApiTest, RunJobFlowMakesACluster) {
  json out = ok("RunJobFlow", run_job_flow_request("emr-cluster"));
  const std::string id = out["JobFlowId"];
  EXPECT_TRUE(std::regex_match(id, std::regex("j-[0-9A-Z]{13}"))) << id;
  EXPECT_EQ(out["ClusterArn"], "arn:aws:elasticmapreduce:us-west-2:000000000000:cluster/" + id);

  auto c = server_->cp->resources().get("Cluster", "emr-cluster");
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  EXPECT_EQ(c->spec["workers"], 2);  // the CORE group; the master is the Eddy server
  EXPECT_EQ(c->spec["autoTerminate"], false);
  EXPECT_EQ(c->labels["eddy.dev/emr-id"], id);
  EXPECT_EQ(c->labels["eddy.dev/emr-name"], "emr-cluster");
  EXPECT_EQ(c->labels["team"], "data");
  EXPECT_EQ(c->labels.count("bad key!"), 0u);

  // InstanceCount counts the master; KeepJobFlowAliveWhenNoSteps absent → auto-terminate.
  json second = ok("RunJobFlow", {{"Name", "emr-cluster"}, {"Instances", {{"InstanceCount", 1}}}});
  auto c2 = server_->cp->resources().get("Cluster", "emr-cluster-2");
  ASSERT_TRUE(c2.is_ok());
  EXPECT_EQ(c2->spec["workers"], 1);
  EXPECT_EQ(c2->spec["autoTerminate"], true);
  EXPECT_NE(second["JobFlowId"], id);
}

TEST_F(EmrApiTest, ListClustersFiltersAndPages) {
  ok("RunJobFlow", run_job_flow_request("emr-cluster"));
  json listed = ok("ListClusters", json::object());
  ASSERT_EQ(listed["Clusters"].size(), 1u);
  json summary = listed["Clusters"][0];
  EXPECT_EQ(summary["Name"], "emr-cluster");
  EXPECT_EQ(summary["Status"]["State"], "STARTING");
  EXPECT_TRUE(summary["Status"]["Timeline"]["CreationDateTime"].is_number());
  EXPECT_GT(summary["Status"]["Timeline"]["CreationDateTime"].get<double>(), 1.5e9);
  EXPECT_EQ(summary["NormalizedInstanceHours"], 0);
  EXPECT_TRUE(summary["ClusterArn"].get<std::string>().find(":cluster/j-") != std::string::npos);
  EXPECT_FALSE(listed.contains("Marker"));

  EXPECT_EQ(ok("ListClusters", {{"ClusterStates", {"WAITING"}}})["Clusters"].size(), 0u);
  EXPECT_EQ(ok("ListClusters", {{"ClusterStates", {"STARTING", "WAITING"}}})["Clusters"].size(),
            1u);
  const double created = summary["Status"]["Timeline"]["CreationDateTime"].get<double>();
  EXPECT_EQ(ok("ListClusters", {{"CreatedAfter", created + 60}})["Clusters"].size(), 0u);
  EXPECT_EQ(ok("ListClusters", {{"CreatedBefore", created + 60}})["Clusters"].size(), 1u);

  // 50 per page, newest first, Marker to the next page.
  for (int i = 0; i < 54; ++i) {
    resources::Resource r;
    r.kind = "Cluster";
    r.name = "bulk-" + std::to_string(i);
    ASSERT_TRUE(server_->cp->resources().create(r).is_ok());
  }
  json page1 = ok("ListClusters", json::object());
  ASSERT_EQ(page1["Clusters"].size(), 50u);
  EXPECT_EQ(page1["Clusters"][0]["Name"], "bulk-53");
  ASSERT_TRUE(page1.contains("Marker"));
  json page2 = ok("ListClusters", {{"Marker", page1["Marker"]}});
  ASSERT_EQ(page2["Clusters"].size(), 5u);
  EXPECT_EQ(page2["Clusters"][4]["Name"], "emr-cluster");
  EXPECT_FALSE(page2.contains("Marker"));
}

TEST_F(EmrApiTest, DescribeClusterShape) {
  const std::string id = ok("RunJobFlow", run_job_flow_request("emr-cluster"))["JobFlowId"];
  json out = ok("DescribeCluster", {{"ClusterId", id}});
  json c = out["Cluster"];
  EXPECT_EQ(c["Id"], id);
  EXPECT_EQ(c["Name"], "emr-cluster");
  EXPECT_EQ(c["Status"]["State"], "STARTING");
  EXPECT_TRUE(c["Status"].contains("StateChangeReason"));
  EXPECT_TRUE(c["Status"]["Timeline"].contains("CreationDateTime"));
  EXPECT_EQ(c["MasterPublicDnsName"], "eddy.test");
  EXPECT_EQ(c["AutoTerminate"], false);
  EXPECT_EQ(c["TerminationProtected"], false);
  EXPECT_EQ(c["ReleaseLabel"], "eddy-0.1");
  EXPECT_EQ(c["Applications"], json::array({{{"Name", "Spark"}}, {{"Name", "Livy"}}}));
  EXPECT_EQ(c["Tags"], json::array({{{"Key", "team"}, {"Value", "data"}}}));
  EXPECT_EQ(c["NormalizedInstanceHours"], 0);
  EXPECT_EQ(c["ClusterArn"], "arn:aws:elasticmapreduce:us-west-2:000000000000:cluster/" + id);

  // A cluster made with the native API is visible too, under a derived id.
  resources::Resource r;
  r.kind = "Cluster";
  r.name = "native";
  ASSERT_TRUE(server_->cp->resources().create(r).is_ok());
  std::string native_id;
  json all = ok("ListClusters", json::object());
  for (const auto& s : all["Clusters"])
    if (s["Name"] == "native") native_id = s["Id"];
  ASSERT_FALSE(native_id.empty()) << all.dump();
  EXPECT_EQ(ok("DescribeCluster", {{"ClusterId", native_id}})["Cluster"]["Name"], "native");
}

TEST_F(EmrApiTest, TerminateKeepsTheClusterListed) {
  const std::string id = ok("RunJobFlow", run_job_flow_request("emr-cluster"))["JobFlowId"];
  json out = ok("TerminateJobFlows", {{"JobFlowIds", {id}}});
  EXPECT_EQ(out, json::object());
  json c = ok("DescribeCluster", {{"ClusterId", id}})["Cluster"];
  EXPECT_TRUE(c["Status"]["State"] == "TERMINATING" || c["Status"]["State"] == "TERMINATED")
      << c.dump();
  EXPECT_EQ(c["Status"]["StateChangeReason"]["Code"], "USER_REQUEST");
  EXPECT_EQ(ok("ListClusters", json::object())["Clusters"].size(), 1u);
  // Terminating again is fine, as on EMR.
  ok("TerminateJobFlows", {{"JobFlowIds", {id}}});
}

TEST_F(EmrApiTest, ErrorsBotocoreCanParse) {
  auto res = call("DescribeCluster", {{"ClusterId", "j-NOPE"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "InvalidRequestException");
  json body = json::parse(res->body);
  EXPECT_EQ(body["__type"], "InvalidRequestException");
  EXPECT_EQ(body["message"], "Cluster id 'j-NOPE' is not valid.");

  res = call("TerminateJobFlows", {{"JobFlowIds", {"j-NOPE"}}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  res = call("AddJobFlowSteps", {{"JobFlowId", "j-X"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["__type"], "UnknownOperationException");

  res = call("RunJobFlow", {{"Instances", json::object()}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(json::parse(res->body)["message"].get<std::string>().find("Name"), std::string::npos);

  res = call("RunJobFlow", {{"Name", "big"}, {"Instances", {{"InstanceCount", 500}}}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(json::parse(res->body)["message"].get<std::string>().find("spec.workers"),
            std::string::npos);

  res = call("RunJobFlow", {{"Name", "steps"},
                            {"Instances", {{"InstanceCount", 2}}},
                            {"Steps", json::array({{{"Name", "s"}}})}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  res = cli_->Post("/", {{"X-Amz-Target", "ElasticMapReduce.ListClusters"}}, "{nope",
                   "application/x-amz-json-1.1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["__type"], "SerializationException");
}

}  // namespace
}  // namespace eddy::server
