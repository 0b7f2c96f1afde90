// BatchJobSpec: a BatchJob manifest (YAML) — parameters and their --set overrides (the shared
// machinery of manifest_fields.h), validated into the stages the batch engine runs.
//
// Manifest shape: examples/transform.yaml; the step vocabulary is documented in docs/batch.md.
// `spec.steps` is a list of one-key steps. A dataset pipeline is
//   read → split → key_by → group_by_key → [sort_by_key] → to_json → write
// (the article's transform); a `sql` step queries earlier outputs. Several stages may follow
// each other; they run in order. Errors name the field ("spec.steps[2].key_by.field: ...").
// Thread-safety: plain data and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "batch/keyed_group_job.h"
#include "common/status.h"

namespace eddy::jobs {

// read ... write: the keyed-group transform (batch/keyed_group_job.h).
struct BatchTransformStage {
  batch::KeyedGroupJobOptions options;  // threads/memory/spill filled from spec.runtime
  std::string bad_lines_field;          // "spec.steps[2].key_by.badLines", for messages
};

struct BatchSqlTable {
  std::string name, uri, format;  // format: auto, json, csv or text
};

// sql: a query over tables (earlier outputs or any files), printed or written to a directory.
struct BatchSqlStage {
  std::vector<BatchSqlTable> tables;
  std::string query;
  std::string output;  // "" = print the result on stdout
  std::string format;  // table|json|csv|text; "" = text into output, table on stdout
  bool overwrite = false;
  std::string path;  // "spec.steps[7].sql", for messages
};

using BatchStage = std::variant<BatchTransformStage, BatchSqlStage>;

struct BatchJobSpec {
  std::string name;
  std::vector<BatchStage> stages;
  int threads = 0;      // 0 = every core
  uint64_t memory = 0;  // bytes; 0 = half of physical memory
  std::string spill_dir;
};

Result<BatchJobSpec> parse_batch_job(const std::string& yaml_text, const std::string& origin,
                                     const std::map<std::string, std::string>& sets);
Result<BatchJobSpec> load_batch_job(const std::string& path,
                                    const std::map<std::string, std::string>& sets);

}  // namespace eddy::jobs
