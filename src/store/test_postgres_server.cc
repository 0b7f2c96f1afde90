#include "store/test_postgres_server.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/random.h"

namespace eddy::store {
namespace {

namespace fs = std::filesystem;

std::string find_bin_dir() {
  if (const char* env = std::getenv("EDDY_POSTGRES_BIN"); env && *env) return env;
  std::error_code ec;
  fs::path best;
  int best_version = -1;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int v = std::atoi(e.path().filename().c_str());
    if (v > best_version && fs::exists(e.path() / "bin" / "initdb")) {
      best_version = v;
      best = e.path() / "bin";
    }
  }
  return best.string();
}

std::string tail_of(const std::string& path, size_t max_bytes = 2000) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_bytes) s = "..." + s.substr(s.size() - max_bytes);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// Runs argv to completion with stdout and stderr appended to `log`. The error carries the
// command, its exit status and the end of the log.
Status run_command(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::string cmd;
  for (const std::string& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
  pid_t pid = ::fork();
  if (pid < 0) return io_error("cannot fork to run " + cmd + ": " + std::strerror(errno));
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int null = ::open("/dev/null", O_RDONLY);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (null >= 0) ::dup2(null, 0);
    // The server outlives this call: it must not inherit the test's files and sockets (an
    // HTTP test's listening socket would stay open in postgres).
    ::close_range(3, ~0U, 0);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return Status::ok();
  std::string how = WIFEXITED(st) ? "exit status " + std::to_string(WEXITSTATUS(st))
                                  : "signal " + std::to_string(WTERMSIG(st));
  return io_error("`" + cmd + "` failed (" + how + "):\n" + tail_of(log));
}

}  // namespace

std::string postgres_uri_with_database(const std::string& uri, const std::string& dbname) {
  size_t scheme = uri.find("://");
  size_t auth_begin = scheme == std::string::npos ? 0 : scheme + 3;
  size_t path = uri.find_first_of("/?", auth_begin);
  if (path == std::string::npos) return uri + "/" + dbname;
  size_t query = uri.find('?', path);
  std::string rest = query == std::string::npos ? "" : uri.substr(query);
  return uri.substr(0, path) + "/" + dbname + rest;
}

Status TestPostgresServer::run_sql(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    return unavailable("test PostgreSQL at " + uri + ": cannot connect: " + msg);
  }
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(c, sql.c_str());
  Status s;
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
    s = io_error("test PostgreSQL at " + uri + ": " + sql + ": " + PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(c);
  return s;
}

Result<std::unique_ptr<TestPostgresServer>> TestPostgresServer::start() {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<TestPostgresServer> srv(new TestPostgresServer());
  if (const char* env = std::getenv("EDDY_TEST_POSTGRES_URI"); env && *env) {
    srv->uri_ = env;
    EDDY_RETURN_IF_ERROR(srv->run_sql(srv->uri_, "SELECT 1"));
    return srv;
  }

  // /tmp, not $TMPDIR: the socket path must stay under the kernel's 107-byte limit.
  char tmpl[] = "/tmp/eddy-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) return io_error(std::string("mkdtemp /tmp: ") + std::strerror(errno));
  srv->dir_ = tmpl;
  srv->bin_dir_ = find_bin_dir();
  auto bin = [&](const char* tool) {
    return srv->bin_dir_.empty() ? std::string(tool) : srv->bin_dir_ + "/" + tool;
  };
  if (::geteuid() == 0) {
    struct passwd* pw = ::getpwnam("postgres");
    if (!pw)
      return failed_precondition(
          "test PostgreSQL: running as root, and there is no 'postgres' user to run initdb "
          "and pg_ctl as (PostgreSQL refuses root); install the postgresql package");
    if (::chown(srv->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      return io_error("chown " + srv->dir_ + ": " + std::strerror(errno));
    srv->as_postgres_user_ = true;
  }
  auto cmd = [&](std::vector<std::string> argv) {
    if (srv->as_postgres_user_) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
    return argv;
  };
  const std::string data = srv->dir_ + "/data";
  const std::string log = srv->dir_ + "/postgres.log";
  const std::string setup_log = srv->dir_ + "/setup.log";

  // initdb's own fsyncs (--no-sync) buy nothing for a throwaway cluster; the running server
  // keeps fsync on, so commit latency is realistic.
  EDDY_RETURN_IF_ERROR(run_command(cmd({bin("initdb"), "-D", data, "-U", "postgres", "-A",
                                        "trust", "-E", "UTF8", "--locale=C", "--no-sync"}),
                                   setup_log)
                           .with_context("test PostgreSQL: initdb"));
  // Only a unix socket in our private directory: the port merely names the socket file.
  int port = 20000 + static_cast<int>(random_seed() % 40000);
  {
    std::ofstream conf(data + "/postgresql.conf", std::ios::app);
    conf << "\n# eddy test server\nlisten_addresses = ''\nunix_socket_directories = '"
         << srv->dir_ << "'\nport = " << port << "\n";
    if (!conf) return io_error("test PostgreSQL: cannot write " + data + "/postgresql.conf");
  }
  Status started = run_command(
      cmd({bin("pg_ctl"), "start", "-D", data, "-w", "-t", "60", "-s", "-l", log}), setup_log);
  if (!started.is_ok())
    return io_error("test PostgreSQL: " + started.message() + "\nserver log " + log + ":\n" +
                    tail_of(log));
  std::string admin = "postgresql:///postgres?host=" + srv->dir_ +
                      "&port=" + std::to_string(port) + "&user=postgres";
  EDDY_RETURN_IF_ERROR(srv->run_sql(admin, "CREATE DATABASE eddy_test"));
  srv->uri_ = postgres_uri_with_database(admin, "eddy_test");
  srv->start_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return srv;
}

Result<TestPostgresServer*> TestPostgresServer::shared() {
  static std::mutex mu;
  static std::unique_ptr<TestPostgresServer> server;  // destroyed (stopped) at exit
  static std::optional<Status> failure;
  std::lock_guard<std::mutex> l(mu);
  if (server) return server.get();
  if (failure) return *failure;
  auto s = start();
  if (!s.is_ok()) {
    failure = s.status();
    return *failure;
  }
  server = std::move(s).value();
  return server.get();
}

Result<std::string> TestPostgresServer::create_database() {
  std::string name = "eddy_t" + std::to_string(::getpid()) + "_" + std::to_string(next_db_++);
  EDDY_RETURN_IF_ERROR(run_sql(uri_, "CREATE DATABASE " + name));
  {
    std::lock_guard<std::mutex> l(mu_);
    created_.push_back(name);
  }
  return postgres_uri_with_database(uri_, name);
}

TestPostgresServer::~TestPostgresServer() {
  if (external()) {
    std::lock_guard<std::mutex> l(mu_);
    for (const std::string& db : created_)
      (void)run_sql(uri_, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    return;
  }
  const std::string data = dir_ + "/data";
  std::vector<std::string> argv = {(bin_dir_.empty() ? "" : bin_dir_ + "/") + "pg_ctl", "stop",
                                   "-D", data, "-m", "immediate", "-w", "-s"};
  if (as_postgres_user_) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  if (fs::exists(data + "/postmaster.pid")) (void)run_command(argv, dir_ + "/setup.log");
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace eddy::store
