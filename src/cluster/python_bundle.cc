#include "cluster/python_bundle.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace eddy::cluster {

namespace fs = std::filesystem;

Result<std::string> extract_python_bundle(const std::string& root) {
  const fs::path dir = fs::path(root) / (std::string("python-") + python_bundle_id());
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return dir.string();
  // Written aside and renamed: a directory that exists is complete.
  const fs::path tmp = fs::path(root) / (".python-" + std::to_string(getpid()) + ".tmp");
  fs::remove_all(tmp, ec);
  for (const BundledFile& f : python_bundle_files()) {
    const fs::path p = tmp / f.path;
    fs::create_directories(p.parent_path(), ec);
    if (ec) return io_error(p.parent_path().string() + ": " + ec.message());
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(f.data), static_cast<std::streamsize>(f.size));
    out.close();
    if (!out) return io_error(p.string() + ": cannot write the Python package");
  }
  fs::rename(tmp, dir, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    if (fs::is_directory(dir, ec)) return dir.string();  // another process won the race
    return io_error(dir.string() + ": cannot install the Python package");
  }
  return dir.string();
}

}  // namespace eddy::cluster
