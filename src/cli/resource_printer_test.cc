#include "cli/resource_printer.h"

#include <gtest/gtest.h>

namespace eddy::cli {
namespace {

using nlohmann::json;
using resources::Column;
using resources::KindInfo;
using resources::Resource;

constexpr int64_t kNow = 1'800'000'000'000;  // a fixed "now", epoch ms

// A kind of the test's own, so that the expected tables do not follow the real kinds' columns.
KindInfo test_kind() {
  KindInfo k;
  k.kind = "Cluster";
  k.plural = "clusters";
  k.columns = {
      {"STATE", [](const Resource& r) { return r.status.value("state", ""); }, false},
      {"WORKERS", [](const Resource& r) { return std::to_string(r.spec.value("workers", 0)); },
       false},
      {"REASON", [](const Resource& r) { return r.status.value("reason", ""); }, true},
  };
  return k;
}

Resource cluster(const std::string& name, const std::string& state, int workers, int64_t age_ms) {
  Resource r;
  r.kind = "Cluster";
  r.name = name;
  r.created_ms = kNow - age_ms;
  r.spec = {{"workers", workers}};
  r.status = {{"state", state}};
  return r;
}

TEST(FormatAgeTest, UsesTheLargestWholeUnit) {
  EXPECT_EQ(format_age(0), "0s");
  EXPECT_EQ(format_age(5'400), "5s");
  EXPECT_EQ(format_age(59'999), "59s");
  EXPECT_EQ(format_age(60'000), "1m");
  EXPECT_EQ(format_age(3 * 60'000 + 59'000), "3m");
  EXPECT_EQ(format_age(2 * 3'600'000 + 5), "2h");
  EXPECT_EQ(format_age(4 * 86'400'000LL + 3'600'000), "4d");
  EXPECT_EQ(format_age(-5'000), "0s");  // clocks of client and server disagree a little
}

TEST(FormatBytesTest, BinaryUnitsWithOneDecimal) {
  EXPECT_EQ(format_bytes(900), "900 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(512.0 * 1024 * 1024), "512.0 MiB");
  EXPECT_EQ(format_bytes(2.0 * 1024 * 1024 * 1024), "2.0 GiB");
}

TEST(OutputFormatTest, KnownFormatsAndAnErrorListingThem) {
  EXPECT_EQ(*parse_output_format(""), OutputFormat::kTable);
  EXPECT_EQ(*parse_output_format("wide"), OutputFormat::kWide);
  EXPECT_EQ(*parse_output_format("yaml"), OutputFormat::kYaml);
  EXPECT_EQ(*parse_output_format("json"), OutputFormat::kJson);
  EXPECT_EQ(*parse_output_format("name"), OutputFormat::kName);
  auto bad = parse_output_format("xml");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("wide, yaml, json, name"), std::string::npos);
}

TEST(TablePrinterTest, NameColumnsAndAgeAligned) {
  const KindInfo kind = test_kind();
  TablePrinter p(kind, /*wide=*/false, kNow);
  std::string out = p.table({cluster("demo", "RUNNING", 2, 5'000),
                             cluster("a-longer-name", "WAITING", 12, 3 * 3'600'000)});
  EXPECT_EQ(out,
            "NAME            STATE     WORKERS   AGE\n"
            "demo            RUNNING   2         5s\n"
            "a-longer-name   WAITING   12        3h\n");
}

TEST(TablePrinterTest, WideAddsWideOnlyColumnsAndEmptyCellsShowNone) {
  const KindInfo kind = test_kind();
  TablePrinter p(kind, /*wide=*/true, kNow);
  Resource r = cluster("demo", "TERMINATED", 2, 4 * 86'400'000LL);
  r.status["reason"] = "USER_REQUEST";
  Resource s = cluster("other", "", 1, 61'000);
  EXPECT_EQ(p.table({r, s}),
            "NAME    STATE        WORKERS   REASON         AGE\n"
            "demo    TERMINATED   2         USER_REQUEST   4d\n"
            "other   <none>       1         <none>         1m\n");
}

TEST(TablePrinterTest, RowsForWatchPrintTheHeaderOnceAndKeepWidths) {
  const KindInfo kind = test_kind();
  TablePrinter p(kind, /*wide=*/false, kNow);
  EXPECT_EQ(p.table({cluster("demo", "STARTING", 2, 1'000)}),
            "NAME   STATE      WORKERS   AGE\n"
            "demo   STARTING   2         1s\n");
  EXPECT_EQ(p.row(cluster("demo", "RUNNING", 2, 9'000)), "demo   RUNNING    2         9s\n");
  EXPECT_EQ(p.row(cluster("demo", "RUNNING", 2, 12'000), /*skip_unchanged=*/true), "");
  EXPECT_EQ(p.row(cluster("demo", "RUNNING", 2, 12'000)), "demo   RUNNING    2         12s\n");
  TablePrinter fresh(kind, false, kNow);
  EXPECT_EQ(fresh.row(cluster("x", "WAITING", 1, 0)),
            "NAME   STATE     WORKERS   AGE\n"
            "x      WAITING   1         0s\n");
}

TEST(TablePrinterTest, AColumnThatThrowsPrintsErrorNotACrash) {
  KindInfo kind = test_kind();
  kind.columns.push_back(
      {"BAD", [](const Resource& r) { return r.spec.at("missing").get<std::string>(); }, false});
  TablePrinter p(kind, false, kNow);
  EXPECT_NE(p.table({cluster("demo", "RUNNING", 2, 0)}).find("<error>"), std::string::npos);
}

TEST(ResourceRefTest, LowerCaseKindSlashName) {
  EXPECT_EQ(resource_ref("Cluster", "demo"), "cluster/demo");
  EXPECT_EQ(split_kind_ref("cluster/demo"),
            std::make_pair(std::string("cluster"), std::string("demo")));
  EXPECT_EQ(split_kind_ref("clusters"), std::make_pair(std::string("clusters"), std::string()));
}

TEST(KindNamedTest, UnknownKindListsTheKnownOnes) {
  ASSERT_TRUE(kind_named("cl").is_ok());
  EXPECT_EQ((*kind_named("CLUSTERS"))->kind, "Cluster");
  auto bad = kind_named("pods");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("unknown resource kind 'pods'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("clusters (cluster, cl)"), std::string::npos);
  EXPECT_NE(bad.status().message().find("batches"), std::string::npos);
}

json wire_cluster() {
  return json::parse(R"({
    "apiVersion": "eddy.dev/v1", "kind": "Cluster",
    "metadata": {"name": "demo", "uid": "u-1", "id": 3, "resourceVersion": "42",
                 "creationTimestamp": "2027-01-15T08:00:00.000Z", "labels": {"team": "data"}},
    "spec": {"workers": 2, "memoryPerWorker": "1GiB", "idleTimeout": "10m", "autoTerminate": true},
    "status": {"state": "RUNNING", "readyWorkers": 2,
               "stateChangeReason": {"code": "USER_REQUEST", "message": "started"},
               "workers": [{"name": "w-0", "pid": 101, "state": "ready", "rssBytes": 1610612736,
                            "cpuSeconds": 1.25, "lastHeartbeatMs": 1799999997000, "task": "batch/pi"},
                           {"name": "w-1", "pid": 102, "state": "ready", "rssBytes": 1024,
                            "cpuSeconds": 0, "lastHeartbeatMs": 1799999999000, "task": null}],
               "accounting": {"workerSeconds": 120.5, "cpuSeconds": 3.25,
                              "peakMemoryBytes": 1610612736, "tasks": 4}}
  })");
}

TEST(ToYamlTest, ManifestKeysFirstThenAlphabeticalAndNumericStringsQuoted) {
  const std::string y = to_yaml(wire_cluster());
  EXPECT_EQ(y.rfind("apiVersion: eddy.dev/v1\nkind: Cluster\nmetadata:\n  name: demo\n", 0), 0u)
      << y;
  EXPECT_LT(y.find("metadata:"), y.find("spec:"));
  EXPECT_LT(y.find("spec:"), y.find("status:"));
  EXPECT_NE(y.find("resourceVersion: \"42\""), std::string::npos) << y;
  EXPECT_NE(y.find("  id: 3\n"), std::string::npos) << y;
  EXPECT_NE(y.find("autoTerminate: true"), std::string::npos) << y;
  EXPECT_NE(y.find("task: null"), std::string::npos) << y;
}

TEST(ToYamlTest, EmptyContainersMultiLineStringsAndRoundTrip) {
  json j = {{"apiVersion", "eddy.dev/v1"},
            {"kind", "Statement"},
            {"metadata", {{"name", "s-1"}, {"labels", json::object()}}},
            {"spec",
             {{"code", "SELECT 1\nFROM t\n"},
              {"args", json::array()},
              {"flag", "yes"},
              {"ratio", 0.25},
              {"empty", ""},
              {"colon", "a: b"},
              {"big", 12345678901LL}}},
            {"status", json::object()}};
  const std::string y = to_yaml(j);
  EXPECT_NE(y.find("labels: {}"), std::string::npos) << y;
  EXPECT_NE(y.find("args: []"), std::string::npos) << y;
  EXPECT_NE(y.find("code: |"), std::string::npos) << y;
  EXPECT_NE(y.find("flag: \"yes\""), std::string::npos) << y;
  EXPECT_NE(y.find("empty: \"\""), std::string::npos) << y;
  auto back = yaml_to_json(YAML::Load(y));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, j) << y;
  auto again = yaml_to_json(YAML::Load(to_yaml(wire_cluster())));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, wire_cluster());
}

TEST(YamlToJsonTest, CoreSchemaScalars) {
  EXPECT_EQ(yaml_plain_scalar("42"), json(42));
  EXPECT_EQ(yaml_plain_scalar("-7"), json(-7));
  EXPECT_EQ(yaml_plain_scalar("0x1f"), json(31));
  EXPECT_EQ(yaml_plain_scalar("1.5"), json(1.5));
  EXPECT_EQ(yaml_plain_scalar("1e3"), json(1000.0));
  EXPECT_EQ(yaml_plain_scalar("true"), json(true));
  EXPECT_EQ(yaml_plain_scalar("False"), json(false));
  EXPECT_EQ(yaml_plain_scalar("~"), json(nullptr));
  EXPECT_EQ(yaml_plain_scalar("yes"), json("yes"));  // YAML 1.2: a string
  EXPECT_EQ(yaml_plain_scalar("2GiB"), json("2GiB"));
  EXPECT_EQ(yaml_plain_scalar("10m"), json("10m"));
  EXPECT_EQ(yaml_plain_scalar("1.2.3"), json("1.2.3"));
  EXPECT_EQ(yaml_plain_scalar("-"), json("-"));
}

TEST(YamlToJsonTest, QuotedAndTaggedScalarsStayStrings) {
  auto j = yaml_to_json(YAML::Load("a: '42'\nb: 42\nc: !!str true\nd: [1, x, null]\ne:\n"));
  ASSERT_TRUE(j.is_ok());
  EXPECT_EQ(*j, json::parse(R"({"a":"42","b":42,"c":"true","d":[1,"x",null],"e":null})"));
}

TEST(YamlToJsonTest, DuplicateKeysAreErrorsNamingThePath) {
  auto j = yaml_to_json(YAML::Load("spec:\n  workers: 2\n  workers: 3\n"));
  ASSERT_FALSE(j.is_ok());
  EXPECT_EQ(j.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(j.status().message().find("spec.workers: duplicate key (line 3)"), std::string::npos)
      << j.status().message();
}

TEST(DescribeTest, ClusterWithWorkersAndAccounting) {
  auto r = resource_from_wire(wire_cluster());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const std::string d = describe(*kind_named("cluster"), *r, kNow);
  EXPECT_EQ(d.rfind("Name:         demo\nKind:         Cluster\nLabels:       team=data\n", 0), 0u)
      << d;
  EXPECT_NE(d.find("Created:      2027-01-15T08:00:00Z ("), std::string::npos) << d;
  EXPECT_NE(d.find("Spec:\n"), std::string::npos) << d;
  EXPECT_NE(d.find("  workers:         2\n"), std::string::npos) << d;
  EXPECT_NE(d.find("  stateChangeReason:\n    code:    USER_REQUEST\n    message: started\n"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("Workers:\n  NAME   PID   STATE   HEARTBEAT   RSS       CPU    TASK\n"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("  w-0    101   ready   3s ago      1.5 GiB   1.2s   batch/pi\n"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("  w-1    102   ready   1s ago      1.0 KiB   0.0s   -\n"), std::string::npos)
      << d;
  EXPECT_NE(d.find("Accounting:\n  Worker-seconds: 120.5\n  CPU-seconds:    3.2"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("  Peak memory:    1.5 GiB\n  Tasks:          4\n"), std::string::npos) << d;
}

TEST(DescribeTest, NestedListsAndMultiLineValues) {
  Resource r;
  r.kind = "Statement";
  r.name = "s-1";
  r.spec = {{"code", "SELECT 1\nFROM t"}, {"args", {"a", "b"}}};
  r.status = {{"state", "available"},
              {"completed", kNow - 2'000},
              {"output", {{"status", "ok"}, {"data", {{"text/plain", "1"}}}}},
              {"attempts", {{{"worker", "w-0"}, {"exitCode", 1}}}}};
  const std::string d = describe(nullptr, r, kNow);
  EXPECT_NE(d.find("Labels:       <none>\n"), std::string::npos) << d;
  EXPECT_NE(d.find("  code: |\n    SELECT 1\n    FROM t\n"), std::string::npos) << d;
  EXPECT_NE(d.find("  args: a, b\n"), std::string::npos) << d;
  EXPECT_NE(d.find("(2s ago)"), std::string::npos) << d;
  EXPECT_NE(
      d.find("  output:\n    data:\n      text/plain: 1\n    status: ok\n  state:     available\n"),
      std::string::npos)
      << d;
  EXPECT_NE(d.find("  attempts:\n    - exitCode: 1\n      worker:   w-0\n"), std::string::npos)
      << d;
  EXPECT_EQ(d.find("Workers:"), std::string::npos);
}

}  // namespace
}  // namespace eddy::cli
