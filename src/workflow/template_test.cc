#include "workflow/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time_format.h"

namespace eddy::workflow {
namespace {

using ::testing::HasSubstr;

Micros at(const char* rfc3339) {
  Micros t = 0;
  EXPECT_TRUE(parse_rfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

// A daily run of dag_query for 2019-12-02, as Airflow would template it.
class DailyRunContext : public ::testing::Test {
 protected:
  DailyRunContext() {
    ctx_.dag_id = "dag_query";
    ctx_.task_id = "transform";
    ctx_.run_id = "scheduled__2019-12-02T00:00:00+00:00";
    ctx_.logical_date = at("2019-12-02T00:00:00Z");
    ctx_.data_interval_start = at("2019-12-02T00:00:00Z");
    ctx_.data_interval_end = at("2019-12-03T00:00:00Z");
    ctx_.prev_logical_date = at("2019-12-01T00:00:00Z");
    ctx_.next_logical_date = at("2019-12-03T00:00:00Z");
    ctx_.params = {{"bucket", "xiaoyj"},
                   {"n", 3},
                   {"ratio", 0.5},
                   {"on", true},
                   {"nothing", nullptr},
                   {"list", {1, "a"}},
                   {"nested", {{"inner", {{"leaf", "deep"}}}}}};
  }

  std::string render(std::string_view text) {
    auto r = render_template(text, ctx_);
    EXPECT_TRUE(r.is_ok()) << text << ": " << r.status().to_string();
    return r.is_ok() ? *r : "<error>";
  }
  std::string error_of(std::string_view text) {
    auto r = render_template(text, ctx_);
    EXPECT_FALSE(r.is_ok()) << text << " rendered " << (r.is_ok() ? *r : "");
    if (r.is_ok()) return "";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return r.status().message();
  }

  RunContext ctx_;
};

TEST_F(DailyRunContext, TextWithoutTemplatesIsUnchanged) {
  for (const char* text : {"", "python3 transform.py", "a { b } c {", "json: {\"k\": 1}", "}}",
                           "{ {ds} }", "trailing {"})
    EXPECT_EQ(render(text), text);
}

TEST_F(DailyRunContext, DateNames) {
  EXPECT_EQ(render("{{ ds }}"), "2019-12-02");
  EXPECT_EQ(render("{{ ds_nodash }}"), "20191202");
  EXPECT_EQ(render("{{ ts }}"), "2019-12-02T00:00:00+00:00");
  EXPECT_EQ(render("{{ ts_nodash }}"), "20191202T000000");
  EXPECT_EQ(render("{{ ts_nodash_with_tz }}"), "20191202T000000+0000");
  EXPECT_EQ(render("{{ logical_date }}"), "2019-12-02T00:00:00+00:00");
  EXPECT_EQ(render("{{ execution_date }}"), "2019-12-02T00:00:00+00:00");
  EXPECT_EQ(render("{{ data_interval_start }}"), "2019-12-02T00:00:00+00:00");
  EXPECT_EQ(render("{{ data_interval_end }}"), "2019-12-03T00:00:00+00:00");
  EXPECT_EQ(render("{{ yesterday_ds }} {{ yesterday_ds_nodash }}"), "2019-12-01 20191201");
  EXPECT_EQ(render("{{ tomorrow_ds }} {{ tomorrow_ds_nodash }}"), "2019-12-03 20191203");
}

TEST_F(DailyRunContext, DatesAreUtcWithMicrosecondsWhenPresent) {
  ctx_.logical_date = at("2019-12-31T23:30:15.250Z");
  EXPECT_EQ(render("{{ ts }}"), "2019-12-31T23:30:15.250000+00:00");
  EXPECT_EQ(render("{{ ts_nodash }}"), "20191231T233015");
  EXPECT_EQ(render("{{ ds }}|{{ tomorrow_ds }}"), "2019-12-31|2020-01-01");
  ctx_.logical_date = -1;  // just before the epoch
  EXPECT_EQ(render("{{ ts }}"), "1969-12-31T23:59:59.999999+00:00");
}

TEST_F(DailyRunContext, PrevAndNextDs) {
  EXPECT_EQ(render("{{ prev_ds }} {{ next_ds }}"), "2019-12-01 2019-12-03");
  EXPECT_EQ(render("{{ prev_ds_nodash }} {{ next_ds_nodash }}"), "20191201 20191203");
  ctx_.prev_logical_date.reset();
  ctx_.next_logical_date.reset();
  EXPECT_EQ(render("{{ prev_ds }} {{ next_ds }}"), "None None");
}

TEST_F(DailyRunContext, IdentityNames) {
  EXPECT_EQ(render("{{ run_id }}"), "scheduled__2019-12-02T00:00:00+00:00");
  EXPECT_EQ(render("{{ dag.dag_id }}/{{ task.task_id }}"), "dag_query/transform");
  EXPECT_EQ(render("{{ dag_run.run_id }}"), "scheduled__2019-12-02T00:00:00+00:00");
}

TEST_F(DailyRunContext, Params) {
  EXPECT_EQ(render("s3://{{ params.bucket }}/in"), "s3://xiaoyj/in");
  EXPECT_EQ(render("{{ params['bucket'] }}"), "xiaoyj");
  EXPECT_EQ(render("{{ params.n }} {{ params.ratio }} {{ params.on }} {{ params.nothing }}"),
            "3 0.5 true null");
  EXPECT_EQ(render("{{ params.list }} {{ params.list[1] }}"), "[1,\"a\"] a");
  EXPECT_EQ(render("{{ params.nested.inner.leaf }}"), "deep");
  EXPECT_EQ(render("{{ params.nested.inner }}"), "{\"leaf\":\"deep\"}");
  EXPECT_EQ(render("{{ params }}").substr(0, 10), "{\"bucket\":");
}

TEST_F(DailyRunContext, Macros) {
  EXPECT_EQ(render("{{ macros.ds_add(ds, 7) }}"), "2019-12-09");
  EXPECT_EQ(render("{{ macros.ds_add(ds, -2) }}"), "2019-11-30");
  EXPECT_EQ(render("{{ macros.ds_add('2020-02-28', 1) }}"), "2020-02-29");
  EXPECT_EQ(render("{{macros.ds_add(next_ds,0)}}"), "2019-12-03");
  EXPECT_EQ(render("{{ macros.ds_format(ds, \"%Y-%m-%d\", \"%Y%m%d\") }}"), "20191202");
  EXPECT_EQ(render("{{ macros.ds_format('2019/12/02', '%Y/%m/%d', '%d.%m.%Y') }}"), "02.12.2019");
}

TEST_F(DailyRunContext, StringAndNumberLiterals) {
  EXPECT_EQ(render("{{ '{{' }} ds {{ '}}' }}"), "{{ ds }}");
  EXPECT_EQ(render("{{ \"it's\" }}"), "it's");
  EXPECT_EQ(render("{{ 'a\\'b' }}"), "a'b");
  EXPECT_EQ(render("{{ 42 }}"), "42");
}

TEST_F(DailyRunContext, AdjacentAndMultipleExpressions) {
  EXPECT_EQ(render("{{ds}}{{ds_nodash}}"), "2019-12-0220191202");
  EXPECT_EQ(
      render(
          "python3 transform.py --date {{ ds }} --out s3://{{ params.bucket }}/{{ ds_nodash }}/"),
      "python3 transform.py --date 2019-12-02 --out s3://xiaoyj/20191202/");
  EXPECT_EQ(render("{{\n  ds\t}}"), "2019-12-02");
  EXPECT_EQ(render("a {# a comment with {{ nonsense }} #}b"), "a b");
  EXPECT_EQ(render("x   {{- ds -}}   y"), "x2019-12-02y");
}

TEST_F(DailyRunContext, Errors) {
  EXPECT_EQ(error_of("echo {{ foo }}"), "templates: unknown name 'foo' in '{{ foo }}'");
  EXPECT_EQ(error_of("{{ params.missing }}"),
            "templates: unknown name 'params.missing' in '{{ params.missing }}'");
  EXPECT_THAT(error_of("{{ params.bucket.x }}"), HasSubstr("unknown name 'params.bucket.x'"));
  EXPECT_THAT(error_of("{{ dag.owner }}"), HasSubstr("unknown name 'dag.owner'"));
  EXPECT_EQ(error_of("echo {% if ds %}x{% endif %}"),
            "templates: '{% ... %}' blocks are not supported (at offset 5)");
  EXPECT_THAT(error_of("{{ ds | upper }}"),
              HasSubstr("templates: filter 'upper' is not supported in '{{ ds | upper }}'"));
  EXPECT_EQ(error_of("run {{ ds "), "templates: '{{' at offset 4 is not closed by '}}'");
  EXPECT_THAT(error_of("{{ '}} }}"), HasSubstr("at offset 0 is not closed"));
  EXPECT_THAT(error_of("{{ }}"), HasSubstr("empty expression in '{{ }}'"));
  EXPECT_THAT(error_of("{{ ds + 1 }}"), HasSubstr("unexpected '+'"));
  EXPECT_THAT(error_of("{{ macros.ds_add(ds) }}"), HasSubstr("macros.ds_add takes (ds, days)"));
  EXPECT_THAT(error_of("{{ macros.ds_add('soon', 1) }}"),
              HasSubstr("'soon' is not a YYYY-MM-DD date"));
  EXPECT_THAT(error_of("{{ macros.ds_format(ds, '%d/%m', '%Y') }}"),
              HasSubstr("macros.ds_format: '2019-12-02' does not match '%d/%m'"));
  EXPECT_THAT(error_of("{{ macros.nope(ds) }}"), HasSubstr("unknown function 'macros.nope'"));
  EXPECT_THAT(error_of("{{ macros.ds_add(foo, 1) }}"), HasSubstr("unknown name 'foo'"));
  EXPECT_THAT(error_of("{# never closed"), HasSubstr("'{#' comment is not closed"));
}

}  // namespace
}  // namespace eddy::workflow
