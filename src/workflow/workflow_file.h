// Reading workflows from files: a manifest (YAML or JSON, one or several documents, each a
// Workflow) or an Airflow DAG file (.py), which Debian's python3 executes with Eddy's `airflow`
// compatibility package (python/eddy_dag_loader.py show FILE) to print the same manifests.
//
// Thread-safety: functions without shared state; load_workflow_file starts a python3 process
// for .py files and waits for it (at most kDagImportTimeout).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "workflow/workflow_spec.h"

namespace eddy::workflow {

// Airflow's dagbag_import_timeout: a DAG file whose top-level code runs longer is refused.
inline constexpr Micros kDagImportTimeout = 30'000'000;

struct LoaderOptions {
  std::string python = "/usr/bin/python3";
  std::string python_dir;  // holds eddy_dag_loader.py and airflow/
};

struct LoadedWorkflow {
  nlohmann::json manifest;
  std::shared_ptr<const WorkflowSpec> spec;
};

// Every workflow the file defines. Errors name the file (and its line, for DAG files).
Result<std::vector<LoadedWorkflow>> load_workflow_file(const std::string& path,
                                                       const LoaderOptions& options);

// Whether `path` names a DAG file (ends in .py) rather than a manifest.
bool is_dag_file(const std::string& path);

}  // namespace eddy::workflow
