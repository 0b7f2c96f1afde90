// eddy serve [--bind 127.0.0.1:8998] [--data-dir ./eddy-data] [--store URI] [--token-file F]
//            [--public-host H] [--allow-path DIR]... [--allow-bucket B]... [--keep-workers]
// The control plane: the resource store, the controllers and the REST API (native, Livy, EMR) on
// one port (docs/api.md). SIGINT/SIGTERM stop it gracefully: stop accepting, stop the
// controllers, then stop the workers (unless --keep-workers: a restarted server re-attaches
// them). A second signal during that exits at once.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/token_file.h"
#include "cluster/child_process.h"
#include "cluster/sandbox.h"
#include "cluster/worker_backend.h"
#include "common/log.h"
#include "controlplane/control_plane.h"
#include "server/api_server.h"
#include "store/resource_store.h"

namespace eddy::cli {
namespace {

struct ServeArgs {
  std::string bind = "127.0.0.1:8998";
  std::string data_dir = "./eddy-data";
  std::string store;
  std::string token_file;
  std::string public_host;
  std::vector<std::string> allow_paths;
  std::vector<std::string> allow_buckets;
  bool keep_workers = false;
  bool verbose = false;
};

struct BindAddress {
  std::string host;
  int port = 0;
};

// "HOST:PORT", "[V6]:PORT", ":PORT" (loopback) or "PORT".
Result<BindAddress> parse_bind(const std::string& text) {
  BindAddress b;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return invalid_argument("--bind: expected [ADDRESS]:PORT, got '" + text + "'");
    b.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else if (size_t colon = text.rfind(':'); colon != std::string::npos) {
    b.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  } else {
    port = text;
  }
  if (b.host.empty()) b.host = "127.0.0.1";
  try {
    size_t used = 0;
    long p = std::stol(port, &used);
    if (used != port.size() || p < 0 || p > 65535) throw std::out_of_range("port");
    b.port = static_cast<int>(p);
  } catch (const std::exception&) {
    return invalid_argument("--bind: expected HOST:PORT with a port from 0 to 65535, got '" + text +
                            "'");
  }
  return b;
}

bool is_wildcard(const std::string& host) { return host == "0.0.0.0" || host == "::"; }

// DATA_DIR/token: read it if a previous start wrote it, else 32 random bytes as hex, created
// 0600 with O_EXCL so that it is never readable by others, not even for a moment.
Result<std::string> data_dir_token(const std::string& data_dir, bool* generated) {
  const std::string path = data_dir + "/token";
  *generated = false;
  if (std::filesystem::exists(path)) return read_token_file(path);
  unsigned char raw[32];
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom.read(reinterpret_cast<char*>(raw), sizeof raw))
    return io_error("cannot read /dev/urandom to generate a token");
  static const char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char c : raw) {
    token += kHex[c >> 4];
    token += kHex[c & 15];
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(path + ": cannot create: " + std::strerror(errno));
  std::string line = token + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = (::fsync(fd) == 0) && ok;
  ::close(fd);
  if (!ok) return io_error(path + ": cannot write the token");
  *generated = true;
  return token;
}

// What jobs may touch (cluster/sandbox.h, docs/security.md): the --allow-path roots and
// --allow-bucket buckets when any is given; off loopback without them, DATA_DIR/files and no
// bucket; on loopback without them, no confinement (the user's own machine and files).
Result<std::optional<cluster::Confinement>> confinement(const ServeArgs& a,
                                                        const std::string& data_dir,
                                                        bool loopback) {
  if (a.allow_paths.empty() && a.allow_buckets.empty() && loopback)
    return std::optional<cluster::Confinement>();
  cluster::Confinement c;
  std::vector<std::string> paths = a.allow_paths;
  if (paths.empty() && a.allow_buckets.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir + "/files", ec);
    if (ec) return io_error(data_dir + "/files: cannot create: " + ec.message());
    paths.push_back(data_dir + "/files");
    std::fprintf(stderr,
                 "eddy serve: jobs may use files under %s/files and no S3 bucket; widen with "
                 "--allow-path/--allow-bucket\n",
                 data_dir.c_str());
  }
  for (const auto& p : paths) {
    std::error_code ec;
    auto canonical = std::filesystem::canonical(p, ec);
    if (ec) return invalid_argument("--allow-path " + p + ": " + ec.message());
    const auto data = std::filesystem::weakly_canonical(data_dir);
    if (std::mismatch(canonical.begin(), canonical.end(), data.begin(), data.end()).first ==
        canonical.end())
      return invalid_argument("--allow-path " + p + ": contains the data directory " + data_dir +
                              " (its token and store must stay out of jobs' reach); use another "
                              "--data-dir or a narrower path");
    c.paths.push_back(canonical.string());
  }
  for (const auto& b : a.allow_buckets) {
    if (!cluster::is_bucket_name(b))
      return invalid_argument("--allow-bucket '" + b +
                              "': not an S3 bucket name (3 to 63 lowercase letters, digits, "
                              "'-' and '.')");
    c.buckets.push_back(b);
  }
  if (cluster::landlock_abi() < 1)
    return failed_precondition(
        "--allow-path/--allow-bucket (and serving beyond loopback) confine jobs with Landlock, "
        "which this kernel does not offer (Linux 5.13+ with landlock in the LSM list)");
  return std::optional<cluster::Confinement>(std::move(c));
}

// One server per data directory: a second one on the same SQLite store would run its own
// controllers and start a second set of workers over the same work dirs. An flock() on
// DATA_DIR/serve.lock, held until exit (the kernel drops it when the process dies, even of
// kill -9, and O_CLOEXEC keeps it out of workers); the file names the holder's pid.
Result<int> lock_data_dir(const std::string& data_dir) {
  const std::string path = data_dir + "/serve.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(path + ": cannot open: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return failed_precondition("--data-dir " + data_dir + " is in use by another eddy serve (pid " +
                               pid + "); stop it, or give this one another --data-dir");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0)
    EDDY_WARN("eddy serve: " << path << ": cannot record the pid: " << std::strerror(errno));
  return fd;
}

// Every open connection holds a descriptor and a thread: lift the soft descriptor limit to the
// hard one so thousands of clients are served rather than refused at 1,024.
void raise_open_file_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &r);
  }
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

Status run_serve(const ServeArgs& a) {
  if (a.verbose) set_log_level(LogLevel::kDebug);
  EDDY_ASSIGN_OR_RETURN(BindAddress bind, parse_bind(a.bind));
  std::error_code ec;
  std::filesystem::create_directories(a.data_dir, ec);
  if (ec) return io_error("--data-dir " + a.data_dir + ": cannot create: " + ec.message());
  const std::string data_dir = std::filesystem::absolute(a.data_dir).lexically_normal().string();
  // The store, the token and workers' scratch space: the owner's alone (docs/security.md).
  if (::chmod(data_dir.c_str(), 0700) != 0)
    return io_error("--data-dir " + data_dir + ": cannot make it private (chmod 0700): " +
                    std::strerror(errno));
  EDDY_ASSIGN_OR_RETURN(const int lock_fd, lock_data_dir(data_dir));
  (void)lock_fd;  // held until the process exits
  raise_open_file_limit();

  // Signals are taken by sigwait() on this thread: block them before any thread starts, so that
  // every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the server

  std::string token;
  const bool loopback = server::is_loopback_host(bind.host);
  if (!a.token_file.empty()) {
    EDDY_ASSIGN_OR_RETURN(token, read_token_file(a.token_file));
    // The token is all that stands between the network and every job's power: refuse one that
    // can be guessed (eddy serve's own are 64 hex digits).
    constexpr size_t kMinTokenLength = 16;
    if (token.size() < kMinTokenLength)
      return invalid_argument("--token-file " + a.token_file + ": the token has " +
                              std::to_string(token.size()) + " characters; eddy serve needs at " +
                              "least " + std::to_string(kMinTokenLength) +
                              " (e.g. `head -c 32 /dev/urandom | xxd -p -c 64`)");
  } else if (!loopback) {
    bool generated = false;
    EDDY_ASSIGN_OR_RETURN(token, data_dir_token(data_dir, &generated));
    std::fprintf(stderr,
                 "eddy serve: %s the API token in %s/token (clients send "
                 "'Authorization: Bearer TOKEN')\n",
                 generated ? "generated" : "using", data_dir.c_str());
  }

  server::ApiServerOptions api_options;
  api_options.host = bind.host;
  api_options.port = bind.port;
  api_options.token = token;
  server::ApiServer api(api_options);
  EDDY_RETURN_IF_ERROR(api.bind());

  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<store::ResourceStore> store,
                        store::open_store(a.store, data_dir));
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<cluster::WorkerBackend> backend,
                        cluster::make_backend("local"));
  controlplane::ControlPlaneOptions cp_options;
  const std::string worker_host = is_wildcard(bind.host) ? "127.0.0.1" : bind.host;
  cp_options.server_url = "http://" + url_host(worker_host) + ":" + std::to_string(api.port());
  if (!a.public_host.empty()) {
    cp_options.public_host = a.public_host;
  } else if (is_wildcard(bind.host)) {
    char name[256] = {0};
    cp_options.public_host = gethostname(name, sizeof name - 1) == 0 ? name : "localhost";
  } else {
    cp_options.public_host = bind.host;
  }
  EDDY_ASSIGN_OR_RETURN(cp_options.eddy_binary, cluster::self_executable());
  cp_options.data_dir = data_dir;
  cp_options.worker_token = token;
  EDDY_ASSIGN_OR_RETURN(cp_options.confine, confinement(a, data_dir, loopback));
  controlplane::ControlPlane cp(std::move(store), std::move(backend), cp_options);
  EDDY_RETURN_IF_ERROR(cp.start());
  EDDY_RETURN_IF_ERROR(api.start(&cp));

  const std::string store_name = a.store.empty() ? "sqlite:" + data_dir + "/eddy.db" : a.store;
  std::fprintf(stderr, "eddy serve: listening on http://%s:%d (store: %s, data: %s)\n",
               url_host(bind.host).c_str(), api.port(), store_name.c_str(), data_dir.c_str());

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "eddy serve: %s: stopping (again to exit at once)\n",
               sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::thread([stop_signals] {
    int again = 0;
    sigwait(&stop_signals, &again);
    std::fprintf(stderr, "eddy serve: second signal: exiting now\n");
    std::_Exit(130);
  }).detach();

  api.close();  // no new requests; watch streams end
  cp.stop();    // the controllers stop and workers' long-polls return
  api.stop();   // in-flight requests finish
  if (a.keep_workers) {
    std::fprintf(stderr, "eddy serve: stopped; workers left running (--keep-workers)\n");
  } else {
    cp.shutdown_workers();
    std::fprintf(stderr, "eddy serve: stopped\n");
  }
  return Status::ok();
}

}  // namespace

void add_serve_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run the control plane: resources, workers and the REST API (native, Livy, EMR)");
  cmd->add_option("--bind", args->bind,
                  "HOST:PORT to listen on (default 127.0.0.1:8998; port 0 = any free port). "
                  "A non-loopback HOST requires a bearer token");
  cmd->add_option(
      "--data-dir", args->data_dir,
      "the store (eddy.db), the token and workers' scratch space (default ./eddy-data)");
  cmd->add_option("--store", args->store,
                  "resource store: sqlite (default, DATA_DIR/eddy.db), sqlite:PATH or "
                  "postgresql://...");
  cmd->add_option("--token-file", args->token_file,
                  "file holding the API bearer token (default off loopback: DATA_DIR/token, "
                  "generated at first start)");
  cmd->add_option("--public-host", args->public_host,
                  "host name clients use to reach this server (EMR's MasterPublicDnsName)");
  cmd->add_option("--allow-path", args->allow_paths,
                  "a directory jobs may read and write (repeatable); jobs are then confined to "
                  "these and the --allow-bucket buckets (default: unconfined on loopback, "
                  "DATA_DIR/files beyond it)");
  cmd->add_option("--allow-bucket", args->allow_buckets,
                  "an s3:// bucket jobs may read and write (repeatable)");
  cmd->add_flag("--keep-workers", args->keep_workers,
                "leave workers running on shutdown (a restarted server re-attaches them)");
  cmd->add_flag("-v,--verbose", args->verbose, "log every request (debug level)");
  cmd->callback([args, &ctx] {
    Status s = run_serve(*args);
    if (!s.is_ok()) ctx.fail(s);
  });
}

}  // namespace eddy::cli
