#include "workflow/workflow_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time_format.h"

namespace eddy::workflow {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr Micros kSecond = 1'000'000;

std::string rfc(Micros t) { return format_rfc3339(t); }

// docs/workflows.md's example manifest, as the JSON a YAML reader makes of it.
json docs_example() {
  return json::parse(R"({
    "apiVersion": "eddy.dev/v1", "kind": "Workflow",
    "metadata": {"name": "dag_query",
                 "annotations": {"eddy.dev/source-file": "/abs/dag_query.py"}},
    "spec": {
      "schedule": "1d", "timezone": "UTC", "startDate": "2019-12-01T00:00:00Z", "endDate": null,
      "catchup": true, "maxActiveRuns": 16, "maxActiveTasks": 16, "params": {"bucket": "xiaoyj"},
      "defaults": {"retries": 0, "retryDelay": "300s", "retryExponentialBackoff": false,
                   "maxRetryDelay": "1d", "executionTimeout": null},
      "tasks": [
        {"name": "sleep_completed",
         "sensor": {"workflow": "dag_transform_calpi", "task": "sleep", "executionDelta": "0s",
                    "allowedStates": ["success"], "failedStates": [], "timeout": "7d",
                    "pokeInterval": "60s", "mode": "reschedule", "softFail": false}},
        {"name": "transform", "dependsOn": ["sleep_completed"], "triggerRule": "all_success",
         "retries": 2, "retryDelay": "10s", "executionTimeout": "1h", "params": {"table": "t"},
         "shell": {"command": "python3 transform.py --date {{ ds }}",
                   "env": {"LIVY_URL": "http://127.0.0.1:8998"}, "cwd": null,
                   "skipExitCode": 99}}
      ]}})");
}

// A small valid manifest for the error cases to break: a, then b after a.
json two_tasks() {
  return {{"apiVersion", "eddy.dev/v1"},
          {"kind", "Workflow"},
          {"metadata", {{"name", "w"}}},
          {"spec",
           {{"schedule", "1d"},
            {"tasks", json::array({{{"name", "a"}, {"shell", "echo a"}},
                                   {{"name", "b"}, {"dependsOn", {"a"}}, {"empty", json::object()}}})}}}};
}

std::string error_of(const json& manifest) {
  auto r = parse_workflow(manifest, "/tmp");
  if (r.is_ok()) return "(parsed without error)";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().to_string();
  return r.status().message();
}

WorkflowSpec parse_ok(const json& manifest) {
  auto r = parse_workflow(manifest, "/base");
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : WorkflowSpec{};
}

TEST(ParseWorkflow, AcceptsTheDocsExample) {
  WorkflowSpec w = parse_ok(docs_example());
  EXPECT_EQ(w.name, "dag_query");
  EXPECT_EQ(w.source_file, "/abs/dag_query.py");
  EXPECT_EQ(w.base_dir, "/base");
  EXPECT_EQ(w.schedule.kind(), Schedule::Kind::kInterval);
  EXPECT_EQ(w.schedule.interval(), 86400 * kSecond);
  EXPECT_EQ(w.timezone, "UTC");
  ASSERT_TRUE(w.start_date);
  EXPECT_EQ(rfc(*w.start_date), "2019-12-01T00:00:00Z");
  EXPECT_FALSE(w.end_date);
  EXPECT_TRUE(w.catchup);
  EXPECT_EQ(w.max_active_runs, 16);
  EXPECT_EQ(w.max_active_tasks, 16);
  EXPECT_EQ(w.params, json({{"bucket", "xiaoyj"}}));
  ASSERT_EQ(w.tasks.size(), 2u);

  const TaskSpec& sensor = w.tasks[0];
  EXPECT_EQ(sensor.name, "sleep_completed");
  EXPECT_STREQ(action_kind(sensor.action), "sensor");
  EXPECT_EQ(sensor.retry.retries, 0);
  EXPECT_FALSE(sensor.execution_timeout);
  const auto& s = std::get<SensorAction>(sensor.action);
  const auto& ext = std::get<ExternalTaskWait>(s.what);
  EXPECT_EQ(ext.workflow, "dag_transform_calpi");
  EXPECT_EQ(ext.task, "sleep");
  EXPECT_EQ(ext.execution_delta, 0);
  EXPECT_THAT(ext.allowed_states, ElementsAre("success"));
  EXPECT_TRUE(ext.failed_states.empty());
  EXPECT_EQ(s.timeout, 7 * 86400 * kSecond);
  EXPECT_EQ(s.poke_interval, 60 * kSecond);
  EXPECT_FALSE(s.soft_fail);

  const TaskSpec& t = w.tasks[1];
  EXPECT_EQ(t.name, "transform");
  EXPECT_THAT(t.depends_on, ElementsAre("sleep_completed"));
  EXPECT_EQ(t.trigger_rule, TriggerRule::kAllSuccess);
  EXPECT_EQ(t.retry.retries, 2);
  EXPECT_EQ(t.retry.delay, 10 * kSecond);
  EXPECT_EQ(t.retry.max_delay, 86400 * kSecond);
  EXPECT_EQ(t.execution_timeout, 3600 * kSecond);
  EXPECT_EQ(t.params, json({{"table", "t"}}));
  const auto& sh = std::get<ShellAction>(t.action);
  EXPECT_EQ(sh.command, "python3 transform.py --date {{ ds }}");
  EXPECT_EQ(sh.env.at("LIVY_URL"), "http://127.0.0.1:8998");
  EXPECT_EQ(sh.cwd, "");
  EXPECT_EQ(sh.skip_exit_code, 99);
  EXPECT_THAT(w.upstream[1], ElementsAre(0));
  EXPECT_THAT(w.downstream[0], ElementsAre(1));
}

TEST(ParseWorkflow, UnknownFieldsAreNamedWherever) {
  json m = two_tasks();
  m["extra"] = 1;
  EXPECT_THAT(error_of(m), StartsWith("extra: unknown field"));
  m = two_tasks();
  m["spec"]["shedule"] = "1d";
  EXPECT_THAT(error_of(m), StartsWith("spec.shedule: unknown field"));
  m = two_tasks();
  m["spec"]["tasks"][1]["retires"] = 3;
  EXPECT_THAT(error_of(m), StartsWith("spec.tasks[1].retires: unknown field"));
  m = two_tasks();
  m["spec"]["tasks"][0]["shell"] = {{"command", "true"}, {"comand", "x"}};
  EXPECT_THAT(error_of(m), StartsWith("spec.tasks[0].shell.comand: unknown field"));
  m = two_tasks();
  m["spec"]["defaults"] = {{"retrys", 1}};
  EXPECT_THAT(error_of(m), StartsWith("spec.defaults.retrys: unknown field"));
}

TEST(ParseWorkflow, TaskNeedsExactlyOneAction) {
  json m = two_tasks();
  m["spec"]["tasks"][0]["empty"] = json::object();
  EXPECT_THAT(error_of(m), StartsWith("spec.tasks[0]: a task has one action; got both empty and shell"));
  m = two_tasks();
  m["spec"]["tasks"][0].erase("shell");
  EXPECT_THAT(error_of(m), StartsWith("spec.tasks[0]: no action"));
}

TEST(ParseWorkflow, DependencyErrorsNameTheTask) {
  json m = two_tasks();
  m["spec"]["tasks"][1]["dependsOn"] = {"a", "zz"};
  EXPECT_EQ(error_of(m), "spec.tasks[1].dependsOn: unknown task 'zz'");
  m = two_tasks();
  m["spec"]["tasks"][0]["dependsOn"] = {"a"};
  EXPECT_THAT(error_of(m), StartsWith("spec.tasks[0].dependsOn: a task cannot depend on itself"));
  m = two_tasks();
  m["spec"]["tasks"][1]["name"] = "a";
  EXPECT_THAT(error_of(m), StartsWith("spec.tasks[1].name: 'a' is used twice"));
}

TEST(ParseWorkflow, CycleErrorNamesTheCycleOnly) {
  json m = two_tasks();
  m["spec"]["tasks"] = json::array({
      {{"name", "entry"}, {"dependsOn", {"a"}}, {"empty", json::object()}},
      {{"name", "a"}, {"dependsOn", {"c"}}, {"empty", json::object()}},
      {{"name", "b"}, {"dependsOn", {"a"}}, {"empty", json::object()}},
      {{"name", "c"}, {"dependsOn", {"b"}}, {"empty", json::object()}},
  });
  const std::string e = error_of(m);
  EXPECT_THAT(e, StartsWith("spec.tasks: dependency cycle: "));
  for (const char* n : {"a ", "b ", "c "}) EXPECT_THAT(e, HasSubstr(n));
  EXPECT_THAT(e, Not(HasSubstr("entry")));
}

TEST(ParseWorkflow, NamesAreAirflowIdsOfAtMost250Characters) {
  json m = two_tasks();
  m["spec"]["tasks"][0]["name"] = "a b";
  EXPECT_THAT(error_of(m), StartsWith("spec.tasks[0].name: letters, digits"));
  m["spec"]["tasks"][0]["name"] = "a/b";
  EXPECT_THAT(error_of(m), StartsWith("spec.tasks[0].name:"));
  m = two_tasks();
  m["metadata"]["name"] = "dag query";
  EXPECT_THAT(error_of(m), StartsWith("metadata.name:"));
  m["metadata"]["name"] = std::string(300, 'x');
  const std::string e = error_of(m);
  EXPECT_THAT(e, StartsWith("metadata.name:"));
  EXPECT_THAT(e, HasSubstr("1 to 250"));
  EXPECT_LT(e.size(), 400u);
  m["metadata"]["name"] = std::string(250, 'x');
  EXPECT_EQ(parse_ok(m).name.size(), 250u);
}

TEST(ParseWorkflow, SpecValueErrorsNameTheField) {
  struct Bad {
    const char* field;
    json value;
    const char* want;
  };
  const Bad cases[] = {
      {"schedule", "0 25 * * *", "spec.schedule"},
      {"schedule", "sometimes", "spec.schedule"},
      {"timezone", "Mars/Olympus", "spec.timezone: unknown time zone 'Mars/Olympus'"},
      {"startDate", "yesterday", "spec.startDate"},
      {"maxActiveTasks", 0, "spec.maxActiveTasks: must be between 1"},
      {"catchup", "yes", "spec.catchup: expected true or false"},
  };
  for (const Bad& b : cases) {
    json m = two_tasks();
    m["spec"][b.field] = b.value;
    EXPECT_THAT(error_of(m), StartsWith(b.want)) << b.field << " = " << b.value;
  }
  json m = two_tasks();
  m["spec"]["startDate"] = "2019-12-02";
  m["spec"]["endDate"] = "2019-12-01";
  EXPECT_EQ(error_of(m), "spec.endDate: before spec.startDate");
}

TEST(ParseWorkflow, TaskValueErrorsNameTheField) {
  struct Bad {
    json task;
    const char* want;
  };
  const json shell = "true";
  const Bad cases[] = {
      {{{"triggerRule", "sometimes"}, {"shell", shell}}, "spec.tasks[0].triggerRule: unknown rule 'sometimes'"},
      {{{"retries", -1}, {"shell", shell}}, "spec.tasks[0].retries: must be between 0"},
      {{{"retryDelay", -5}, {"shell", shell}}, "spec.tasks[0].retryDelay"},
      {{{"retryDelay", "-5s"}, {"shell", shell}}, "spec.tasks[0].retryDelay"},
      {{{"executionTimeout", "0s"}, {"shell", shell}}, "spec.tasks[0].executionTimeout: must be more than 0"},
      {{{"executionTimeout", -1}, {"shell", shell}}, "spec.tasks[0].executionTimeout"},
      {{{"http", {{"url", "example.com/x"}}}}, "spec.tasks[0].http.url: expected an http:// or https:// URL"},
      {{{"sensor", {{"workflow", "o"}, {"path", "/f"}}}}, "spec.tasks[0].sensor: name exactly one of"},
      {{{"sensor", json::object()}}, "spec.tasks[0].sensor: name exactly one of"},
      {{{"sensor", {{"workflow", "o"}, {"allowedStates", {"success", "done"}}}}},
       "spec.tasks[0].sensor.allowedStates: unknown task state 'done'"},
      {{{"sensor", {{"workflow", "o"}, {"failedStates", {"broken"}}}}},
       "spec.tasks[0].sensor.failedStates: unknown task state 'broken'"},
      {{{"sensor", {{"time", "25:00"}}}}, "spec.tasks[0].sensor.time: expected HH:MM or HH:MM:SS, got '25:00'"},
      {{{"sensor", {{"time", "10:60"}}}}, "spec.tasks[0].sensor.time"},
      {{{"sensor", {{"path", "/f"}, {"pokeInterval", 0}}}}, "spec.tasks[0].sensor.pokeInterval: must be more than 0"},
      {{{"sensor", {{"path", "/f"}, {"timeout", "-1s"}}}}, "spec.tasks[0].sensor.timeout"},
      {{{"sensor", {{"path", "/f"}, {"task", "t"}}}}, "spec.tasks[0].sensor.task: only with workflow"},
      {{{"sensor", {{"path", "/f"}, {"mode", "deferrable"}}}}, "spec.tasks[0].sensor.mode"},
      {{{"shell", {{"command", ""}}}}, "spec.tasks[0].shell.command: required"},
  };
  for (const Bad& b : cases) {
    json m = two_tasks();
    json task = b.task;
    task["name"] = "a";
    m["spec"]["tasks"][0] = task;
    EXPECT_THAT(error_of(m), StartsWith(b.want)) << b.task;
  }
  json m = two_tasks();
  m["spec"]["defaults"] = {{"executionTimeout", 0}};
  EXPECT_THAT(error_of(m), StartsWith("spec.defaults.executionTimeout: must be more than 0"));
}

TEST(ParseWorkflow, EveryTriggerRuleNameParses) {
  for (const char* name : {"all_success", "all_failed", "all_done", "one_success", "one_failed",
                           "none_failed", "none_failed_min_one_success", "none_skipped", "always"}) {
    json m = two_tasks();
    m["spec"]["tasks"][1]["triggerRule"] = name;
    EXPECT_STREQ(trigger_rule_name(parse_ok(m).tasks[1].trigger_rule), name);
  }
  json m = two_tasks();  // Airflow 1.10's name
  m["spec"]["tasks"][1]["triggerRule"] = "none_failed_or_skipped";
  EXPECT_EQ(parse_ok(m).tasks[1].trigger_rule, TriggerRule::kNoneFailedMinOneSuccess);
}

TEST(ParseWorkflow, TasksInheritDefaultsTheyDoNotSet) {
  json m = two_tasks();
  m["spec"]["defaults"] = {{"retries", 3}, {"retryDelay", "1m"}, {"executionTimeout", "2h"},
                           {"retryExponentialBackoff", true}, {"maxRetryDelay", "10m"}};
  m["spec"]["tasks"][1]["retries"] = 0;
  m["spec"]["tasks"][1]["retryDelay"] = "5s";
  m["spec"]["tasks"][1]["executionTimeout"] = "10m";
  WorkflowSpec w = parse_ok(m);
  const TaskSpec& a = w.tasks[w.task_index("a")];
  EXPECT_EQ(a.retry.retries, 3);
  EXPECT_EQ(a.retry.delay, 60 * kSecond);
  EXPECT_TRUE(a.retry.exponential);
  EXPECT_EQ(a.retry.max_delay, 600 * kSecond);
  EXPECT_EQ(a.execution_timeout, 7200 * kSecond);
  const TaskSpec& b = w.tasks[w.task_index("b")];
  EXPECT_EQ(b.retry.retries, 0);
  EXPECT_EQ(b.retry.delay, 5 * kSecond);
  EXPECT_TRUE(b.retry.exponential);  // not set by b: inherited
  EXPECT_EQ(b.execution_timeout, 600 * kSecond);
}

// Broke: null was read as "not set", so execution_timeout=None on a task (which the DAG loader
// writes as null) inherited default_args' timeout and the task was killed after it.
TEST(ParseWorkflow, TaskNullExecutionTimeoutOverridesTheDefault) {
  json m = two_tasks();
  m["spec"]["defaults"] = {{"executionTimeout", "1h"}, {"maxRetryDelay", "2h"}};
  m["spec"]["tasks"][1]["executionTimeout"] = nullptr;
  m["spec"]["tasks"][1]["maxRetryDelay"] = nullptr;
  WorkflowSpec w = parse_ok(m);
  EXPECT_EQ(w.tasks[w.task_index("a")].execution_timeout, 3600 * kSecond);
  EXPECT_EQ(w.tasks[w.task_index("a")].retry.max_delay, 7200 * kSecond);
  EXPECT_FALSE(w.tasks[w.task_index("b")].execution_timeout);
  EXPECT_EQ(w.tasks[w.task_index("b")].retry.max_delay, 86400 * kSecond);  // Airflow's global cap
}

TEST(ParseWorkflow, WithoutDefaultsTasksGetAirflowsDefaults) {
  WorkflowSpec w = parse_ok(two_tasks());
  for (const TaskSpec& t : w.tasks) {
    EXPECT_EQ(t.retry.retries, 0);
    EXPECT_EQ(t.retry.delay, 300 * kSecond);
    EXPECT_FALSE(t.retry.exponential);
    EXPECT_FALSE(t.execution_timeout);
  }
}

TEST(ParseWorkflow, TasksComeInTopologicalOrderWithConsistentIndexes) {
  json m = two_tasks();
  m["spec"]["tasks"] = json::array({
      {{"name", "d"}, {"dependsOn", {"a", "c"}}, {"empty", json::object()}},
      {{"name", "c"}, {"dependsOn", {"b"}}, {"empty", json::object()}},
      {{"name", "b"}, {"dependsOn", "a"}, {"empty", json::object()}},  // one name, no list
      {{"name", "a"}, {"empty", json::object()}},
      {{"name", "lone"}, {"empty", json::object()}},
  });
  WorkflowSpec w = parse_ok(m);
  ASSERT_EQ(w.tasks.size(), 5u);
  ASSERT_EQ(w.upstream.size(), 5u);
  ASSERT_EQ(w.downstream.size(), 5u);
  for (size_t i = 0; i < w.tasks.size(); ++i) {
    ASSERT_EQ(w.upstream[i].size(), w.tasks[i].depends_on.size());
    for (size_t k = 0; k < w.upstream[i].size(); ++k) {
      const int u = w.upstream[i][k];
      EXPECT_EQ(w.tasks[u].name, w.tasks[i].depends_on[k]);
      EXPECT_LT(u, static_cast<int>(i)) << w.tasks[u].name << " must come before " << w.tasks[i].name;
      EXPECT_THAT(w.downstream[u], ::testing::Contains(static_cast<int>(i)));
    }
  }
  size_t edges_down = 0;
  for (const auto& d : w.downstream) edges_down += d.size();
  EXPECT_EQ(edges_down, 4u);
  EXPECT_THAT(w.downstream[w.task_index("a")].size(), 2u);
  EXPECT_TRUE(w.upstream[w.task_index("lone")].empty());
  EXPECT_TRUE(w.downstream[w.task_index("lone")].empty());
  EXPECT_EQ(w.task_index("nothing"), -1);
}

TEST(ParseWorkflow, DateOnlyStartDateIsMidnightInTheTimezone) {
  json m = two_tasks();
  m["spec"]["timezone"] = "Europe/Paris";
  m["spec"]["startDate"] = "2019-12-01";
  EXPECT_EQ(rfc(*parse_ok(m).start_date), "2019-11-30T23:00:00Z");
}

TEST(ParseWorkflowDate, AcceptsDatesCivilTimesAndRfc3339) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::TimeZone ny, paris;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny));
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Paris", &paris));
  auto date = [](const std::string& text, const absl::TimeZone& tz) {
    auto r = parse_workflow_date(text, tz);
    return r.is_ok() ? rfc(*r) : "error: " + r.status().message();
  };
  EXPECT_EQ(date("2019-12-02", utc), "2019-12-02T00:00:00Z");
  EXPECT_EQ(date("2019-12-02", paris), "2019-12-01T23:00:00Z");
  EXPECT_EQ(date("2019-12-02T10:00:00", utc), "2019-12-02T10:00:00Z");
  EXPECT_EQ(date("2019-12-02T10:00:00", ny), "2019-12-02T15:00:00Z");
  EXPECT_EQ(date("2019-07-02T10:00:00", ny), "2019-07-02T14:00:00Z");  // summer time
  EXPECT_EQ(date("2019-12-02T10:00:00Z", ny), "2019-12-02T10:00:00Z");
  EXPECT_EQ(date("2019-12-02T10:00:00+02:00", utc), "2019-12-02T08:00:00Z");
  EXPECT_EQ(date("2019-12-02T10:00:00-05:30", paris), "2019-12-02T15:30:00Z");
}

TEST(ParseWorkflowDate, RejectsOtherFormsQuotingThem) {
  for (const char* bad : {"", "02/12/2019", "2019-13-02", "2019-12-02 10:00", "yesterday"}) {
    auto r = parse_workflow_date(bad, absl::UTCTimeZone());
    ASSERT_FALSE(r.is_ok()) << bad << " gave " << rfc(*r);
    EXPECT_THAT(r.status().message(), HasSubstr(std::string("'") + bad + "'"));
  }
}

}  // namespace
}  // namespace eddy::workflow
