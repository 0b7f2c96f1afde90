// The worker protocol's one JSON mapping, both ways: what a worker writes the server reads back
// unchanged, and each bad field is named.
#include "cluster/worker_protocol.h"

#include <gtest/gtest.h>

namespace eddy::cluster::protocol {
namespace {

TEST(WorkerProtocol, RequestsRoundTrip) {
  RegisterRequest reg{"emr", "emr-w0", 42, 2, 1 << 30};
  auto r = register_request_from_json(to_json(reg));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->worker, "emr-w0");
  EXPECT_EQ(r->memory_bytes, 1 << 30);

  HeartbeatRequest hb{"emr", 42, 4096, 1.5, TaskRef{"Batch", "batch-0", 3}, {"sess-1"}};
  auto h = heartbeat_request_from_json(to_json(hb));
  ASSERT_TRUE(h.is_ok()) << h.status().message();
  ASSERT_TRUE(h->task.has_value());
  EXPECT_EQ(*h->task, (TaskRef{"Batch", "batch-0", 3}));
  EXPECT_EQ(h->cpu_seconds, 1.5);
  EXPECT_EQ(h->interpreters, std::vector<std::string>{"sess-1"});
  // An old worker sends no interpreters; a bad list is refused naming the field.
  nlohmann::json old = to_json(hb);
  old.erase("interpreters");
  EXPECT_TRUE(heartbeat_request_from_json(old)->interpreters.empty());
  old["interpreters"] = {1};
  EXPECT_EQ(heartbeat_request_from_json(old).status().message(),
            "interpreters: expected an array of session names");
  HeartbeatAnswer ans{HeartbeatAction::kContinue, {"sess-1"}};
  EXPECT_EQ(heartbeat_answer_from_json(to_json(ans)).close_interpreters,
            std::vector<std::string>{"sess-1"});
  EXPECT_FALSE(to_json(HeartbeatAnswer{}).contains("closeInterpreters"));

  DoneReport done{TaskRef{"Statement", "s-s0", 1}, 2, "out\n", true, {"a", "b"}, 0.5, 99, 1.25};
  auto d = done_report_from_json(to_json(done));
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->exit_code, 2);
  EXPECT_TRUE(d->stdout_truncated);
  EXPECT_EQ(d->stderr_tail, (std::vector<std::string>{"a", "b"}));

  auto lease = lease_request_from_json({{"cluster", "emr"}, {"waitMs", 999999}});
  ASSERT_TRUE(lease.is_ok());
  EXPECT_EQ(lease->wait_ms, 30000);  // clamped
}

TEST(WorkerProtocol, BadRequestFieldsAreNamed) {
  EXPECT_EQ(register_request_from_json(nlohmann::json::array()).status().message(),
            "body: expected a JSON object");
  EXPECT_EQ(register_request_from_json({{"cluster", "c"}}).status().message(),
            "worker: required string");
  EXPECT_EQ(heartbeat_request_from_json({{"rssBytes", "x"}}).status().message(),
            "rssBytes: expected an integer");
  EXPECT_NE(heartbeat_request_from_json({{"task", {{"kind", 1}}}}).status().message().find("task"),
            std::string::npos);
  EXPECT_EQ(log_request_from_json({{"kind", "Batch"}, {"name", "b"}, {"lines", {1, 2}}})
                .status()
                .message(),
            "lines: expected an array of strings");
  EXPECT_EQ(done_report_from_json({{"kind", "Batch"}, {"name", "b"}, {"cpuSeconds", "1"}})
                .status()
                .message(),
            "cpuSeconds: expected a number");
}

TEST(WorkerProtocol, AnswersAreReadLeniently) {
  EXPECT_EQ(heartbeat_answer_from_json({{"action", "stop"}}).action, HeartbeatAction::kStop);
  EXPECT_EQ(heartbeat_answer_from_json({{"action", 7}}).action, HeartbeatAction::kContinue);
  EXPECT_EQ(register_answer_from_json("nonsense").heartbeat_interval_ms, 1000);

  LeaseAnswer a;
  Task t;
  t.ref = TaskRef{"Batch", "b", 1};
  t.invocation.argv = {"run", "manifest.yaml"};
  t.invocation.files["manifest.yaml"] = "kind: BatchJob";
  a.task = t;
  auto back = lease_answer_from_json(to_json(a));
  ASSERT_TRUE(back.is_ok());
  ASSERT_TRUE(back->task.has_value());
  EXPECT_TRUE(back->task->unreadable.is_ok());
  EXPECT_EQ(back->task->invocation.argv, t.invocation.argv);
  EXPECT_EQ(back->task->invocation.files, t.invocation.files);

  // A task whose invocation cannot be read is still reported, so it can be refused.
  auto bad = lease_answer_from_json({{"task", {{"kind", "Batch"}, {"name", "b"}, {"argv", 5}}}});
  ASSERT_TRUE(bad.is_ok());
  ASSERT_TRUE(bad->task.has_value());
  EXPECT_EQ(bad->task->unreadable.message(), "task.argv: expected a non-empty array of strings");
  EXPECT_TRUE(lease_answer_from_json({{"task", nullptr}})->task == std::nullopt);
}

}  // namespace
}  // namespace eddy::cluster::protocol
