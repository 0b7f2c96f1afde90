// `eddy fs`: list, copy, print and remove objects on local paths and s3:// (s3a://) URIs, in
// the habits of `aws s3`:
//   eddy fs ls [-r] URI        objects under URI: "DATE TIME SIZE NAME", "PRE dir/" for
//                              sub-prefixes unless -r (then every object, full name)
//   eddy fs cp [-r] SRC DST    one object, or with -r every object under SRC to DST/…;
//                              DST ending in '/' (or an existing local directory) receives
//                              SRC's base name. Local↔S3, S3↔S3 and local↔local.
//   eddy fs cat URI            the object's bytes to stdout
//   eddy fs rm [-r] URI        one object, or with -r every object under URI
// Copies stream through 8 MiB buffers and commit only when the whole object has been read,
// so a failed copy leaves no partial destination. Errors name the object; exit codes follow
// cli/exit_codes.h (4 when nothing matches, 5 when S3 cannot be reached); `ls` of an existing
// empty directory or bucket lists nothing and succeeds.
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "objstore/object_store.h"

namespace eddy::cli {
namespace {

using objstore::ObjectInfo;
using objstore::ObjectStore;

bool is_local(const std::string& uri) { return !objstore::is_object_store_uri(uri); }

std::string local_path(const std::string& uri) {
  return uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
}

bool is_local_dir(const std::string& uri) {
  struct stat st {};
  return is_local(uri) && ::stat(local_path(uri).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string with_slash(std::string s) {
  if (s.empty() || s.back() != '/') s.push_back('/');
  return s;
}

std::string base_name(const std::string& uri) {
  const size_t slash = uri.find_last_of('/');
  return slash == std::string::npos ? uri : uri.substr(slash + 1);
}

std::string format_time(Micros t) {
  const std::time_t secs = static_cast<std::time_t>(t / 1000000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// s3://bucket or s3://bucket/: the bucket itself, no key.
bool names_bucket(const std::string& uri) {
  if (!objstore::is_object_store_uri(uri)) return false;
  const size_t bucket_end = uri.find('/', uri.find("://") + 3);
  return bucket_end == std::string::npos || bucket_end + 1 == uri.size();
}

Result<std::vector<ObjectInfo>> list_under(const std::string& uri) {
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, objstore::store_for(uri));
  return store->list(uri);
}

Status ls(const std::string& uri, bool recursive) {
  // Local directories and S3 prefixes are listed from their contents; "s3://b/dir" (no
  // slash) shows "PRE dir/" as aws s3 ls does.
  const std::string prefix = is_local_dir(uri) ? with_slash(uri) : uri;
  EDDY_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, list_under(prefix));
  // Nothing listed is "not found" unless what was named exists and is empty: a local
  // directory, or a bucket (its listing succeeded: a missing bucket is S3's 404). S3 has no
  // empty prefixes (as `aws s3 ls`), so s3://b/nothing/ stays not found.
  if (objects.empty() && !is_local_dir(uri) && !names_bucket(uri))
    return not_found(uri + ": no such file, directory or prefix");
  std::string base = prefix;
  if (objstore::is_object_store_uri(prefix)) {
    const size_t bucket_end = prefix.find('/', prefix.find("://") + 3);
    const size_t last = prefix.find_last_of('/');
    base = bucket_end == std::string::npos ? with_slash(prefix) : prefix.substr(0, last + 1);
  } else if (!is_local_dir(uri)) {
    base = uri.substr(0, uri.find_last_of('/') + 1);  // a single file
  }
  std::set<std::string> dirs;
  std::string out;
  for (const ObjectInfo& o : objects) {
    std::string rel = o.uri.compare(0, base.size(), base) == 0 ? o.uri.substr(base.size()) : o.uri;
    if (!recursive) {
      const size_t slash = rel.find('/');
      if (slash != std::string::npos) {
        if (dirs.insert(rel.substr(0, slash + 1)).second) {
          out += "                           PRE " + rel.substr(0, slash + 1) + "\n";
        }
        continue;
      }
    } else if (objstore::is_object_store_uri(o.uri)) {
      rel = o.uri.substr(o.uri.find('/', o.uri.find("://") + 3) + 1);  // the full key
    }
    char line[64];
    std::snprintf(line, sizeof(line), "%s %10llu ", format_time(o.modified).c_str(),
                  static_cast<unsigned long long>(o.size));
    out += line + rel + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return Status::ok();
}

// Copies one object; the destination appears only once all of it was read and written.
Status copy_one(const std::string& src, const std::string& dst) {
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> in_store, objstore::store_for(src));
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> out_store, objstore::store_for(dst));
  EDDY_ASSIGN_OR_RETURN(auto reader, in_store->open(src));
  EDDY_ASSIGN_OR_RETURN(auto writer, out_store->create(dst));
  std::string buf(8 << 20, '\0');
  for (;;) {
    EDDY_ASSIGN_OR_RETURN(size_t n, reader->read(buf.data(), buf.size()));
    if (n == 0) break;
    Status st = writer->write(std::string_view(buf.data(), n));
    if (!st.is_ok()) {
      writer->abort();
      return st;
    }
  }
  return writer->commit();
}

const char* verb(const std::string& src, const std::string& dst) {
  if (is_local(src) && !is_local(dst)) return "upload";
  if (!is_local(src) && is_local(dst)) return "download";
  return "copy";
}

Status cp(const std::string& src, const std::string& dst, bool recursive) {
  if (src.empty() || dst.empty()) return invalid_argument("cp: SRC and DST must not be empty");
  if (!recursive) {
    std::string target = dst;
    if (dst.back() == '/' || is_local_dir(dst)) target = with_slash(dst) + base_name(src);
    if (is_local_dir(src)) return invalid_argument(src + ": is a directory (use cp -r)");
    EDDY_RETURN_IF_ERROR(copy_one(src, target));
    std::printf("%s: %s to %s\n", verb(src, target), src.c_str(), target.c_str());
    return Status::ok();
  }
  const std::string prefix = with_slash(src);
  EDDY_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, list_under(prefix));
  if (objects.empty()) return not_found(src + ": no such directory or prefix");
  for (const ObjectInfo& o : objects) {
    const std::string target = with_slash(dst) + o.uri.substr(prefix.size());
    EDDY_RETURN_IF_ERROR(copy_one(o.uri, target));
    std::printf("%s: %s to %s\n", verb(o.uri, target), o.uri.c_str(), target.c_str());
  }
  return Status::ok();
}

Status cat(const std::string& uri) {
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, objstore::store_for(uri));
  EDDY_ASSIGN_OR_RETURN(auto reader, store->open(uri));
  std::string buf(1 << 20, '\0');
  for (;;) {
    EDDY_ASSIGN_OR_RETURN(size_t n, reader->read(buf.data(), buf.size()));
    if (n == 0) break;
    if (std::fwrite(buf.data(), 1, n, stdout) != n) return io_error("stdout: write failed");
  }
  if (std::fflush(stdout) != 0) return io_error("stdout: write failed");
  return Status::ok();
}

Status rm(const std::string& uri, bool recursive) {
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, objstore::store_for(uri));
  if (!recursive) {
    EDDY_RETURN_IF_ERROR(store->head(uri).status());  // S3 would "delete" a missing key
    EDDY_RETURN_IF_ERROR(store->remove(uri));
    std::printf("delete: %s\n", uri.c_str());
    return Status::ok();
  }
  const std::string prefix = with_slash(uri);
  EDDY_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store->list(prefix));
  if (objects.empty()) return not_found(uri + ": no such directory or prefix");
  for (const ObjectInfo& o : objects) {
    EDDY_RETURN_IF_ERROR(store->remove(o.uri));
    std::printf("delete: %s\n", o.uri.c_str());
  }
  if (is_local(uri)) {  // the emptied directories too, as rm -r does
    std::error_code ec;
    std::filesystem::remove_all(local_path(uri), ec);
    if (ec) return io_error(uri + ": cannot remove directory: " + ec.message());
  }
  return Status::ok();
}

}  // namespace

void add_fs_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* fs =
      app.add_subcommand("fs", "List, copy, print and remove local files and s3:// objects");
  fs->require_subcommand(1);

  struct Args {
    std::string a, b;
    bool recursive = false;
  };
  auto run = [&ctx](const Status& st) {
    std::fflush(stdout);
    if (!st.is_ok()) ctx.fail(st);
  };

  auto ls_args = std::make_shared<Args>();
  CLI::App* l = fs->add_subcommand("ls", "List objects under a path or s3:// prefix");
  l->add_flag("-r,--recursive", ls_args->recursive, "Every object, not one level");
  l->add_option("uri", ls_args->a, "Path or s3://bucket/prefix")->required();
  l->callback([ls_args, run] { run(ls(ls_args->a, ls_args->recursive)); });

  auto cp_args = std::make_shared<Args>();
  CLI::App* c = fs->add_subcommand("cp", "Copy an object (or with -r a directory/prefix)");
  c->add_flag("-r,--recursive", cp_args->recursive, "Copy every object under SRC");
  c->add_option("src", cp_args->a, "Source path or s3:// URI")->required();
  c->add_option("dst", cp_args->b, "Destination path or s3:// URI")->required();
  c->callback([cp_args, run] { run(cp(cp_args->a, cp_args->b, cp_args->recursive)); });

  auto cat_args = std::make_shared<Args>();
  CLI::App* t = fs->add_subcommand("cat", "Print an object to stdout");
  t->add_option("uri", cat_args->a, "Path or s3:// URI")->required();
  t->callback([cat_args, run] { run(cat(cat_args->a)); });

  auto rm_args = std::make_shared<Args>();
  CLI::App* r = fs->add_subcommand("rm", "Remove an object (or with -r a directory/prefix)");
  r->add_flag("-r,--recursive", rm_args->recursive, "Remove every object under URI");
  r->add_option("uri", rm_args->a, "Path or s3:// URI")->required();
  r->callback([rm_args, run] { run(rm(rm_args->a, rm_args->recursive)); });
}

}  // namespace eddy::cli
