// What Livy clients see of a statement: Livy's StatementOutput, shaped when the statement is
// read from the raw result its controller stored (status.result: exitCode, stdout, stderrTail;
// or lost: why; or viewDefined: name). Shaping at read time keeps Livy's formats in the Livy
// adapter. Pure function.
#pragma once

#include <nlohmann/json.hpp>

#include "resources/resource.h"

namespace eddy::server {

// status ok with data (sql: application/json {schema, data} as Livy's SQL interpreter gives;
// eddy: text/plain summary + application/json {exitCode, stdout, records}) or status error with
// ename/evalue/traceback; null while the statement has no result. A status.output stored by an
// older server is returned as it is.
nlohmann::json livy_statement_output(const resources::Resource& stmt);

}  // namespace eddy::server
