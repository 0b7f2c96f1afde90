// BatchJob as a resource of `eddy serve`: the same manifest `eddy run` takes (docs/batch.md),
// applied to the server (`eddy apply -f job.yaml`) and run on a cluster — the declarative form of
// the Airflow article's "submit the transform to the cluster". spec is the manifest's spec plus
// `cluster` (default: the server's default cluster). Its controller (controller.cc) submits
// one Batch child with the manifest inline and mirrors its state:
//   status.phase  Pending → Running → Succeeded | Failed
//   status.batch  the child Batch's name; status.exitCode, status.accounting from it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace eddy::kinds {

// The manifest text `eddy run` reads for a BatchJob named `name` with this spec (`cluster`
// left out: it says where to run, not what).
std::string batch_job_manifest(const std::string& name, const nlohmann::json& spec);

}  // namespace eddy::kinds
