// Eddy's Python package (python/: the `pyspark` compatibility package and the session REPL),
// compiled into the binary by cmake/embed_python.cmake, and its extraction on a worker.
//
// Why embedded: a worker is one binary that may run on a machine where nothing else of Eddy is
// installed, and an interpreter must never load a package of another Eddy version.
//
// Thread-safety: python_bundle_files/id are constant data; extract_python_bundle may race with
// itself across processes (it writes into a temporary directory and renames it into place).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "common/status.h"

namespace eddy::cluster {

struct BundledFile {
  const char* path;  // relative to the package root: "pyspark/rdd.py", "eddy_repl.py"
  const unsigned char* data;
  size_t size;
};

std::span<const BundledFile> python_bundle_files();
// A digest of the bundle's paths and contents (16 hex digits).
const char* python_bundle_id();

// Writes the bundle to ROOT/python-<id>/ unless it is there already; returns that directory
// (what PYTHONPATH names). Errors name the path that could not be written.
Result<std::string> extract_python_bundle(const std::string& root);

}  // namespace eddy::cluster
