#include "batch/text_input.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>

namespace eddy::batch {
namespace {

constexpr size_t kReadChunk = 8 << 20;

bool has_glob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// Spark skips "hidden" files in input directories: any path component below `root` that
// starts with '_' or '.' (_SUCCESS, _temporary/, .crc files).
bool hidden_below(const std::string& uri, size_t root_len) {
  size_t i = root_len;
  while (i < uri.size()) {
    while (i < uri.size() && uri[i] == '/') ++i;
    if (i < uri.size() && (uri[i] == '_' || uri[i] == '.')) return true;
    size_t slash = uri.find('/', i);
    if (slash == std::string::npos) break;
    i = slash + 1;
  }
  return false;
}

// `relative`: a listed path below an input directory. The signs of an Eddy or Spark output: part
// files, Hadoop's _temporary/. (sql/table_loader.cc applies the same rule to tables; the two
// folders share no code below objstore/, and the rule is two lines.)
bool looks_spark_written(std::string_view relative) {
  const size_t slash = relative.rfind('/');
  const std::string_view base =
      slash == std::string_view::npos ? relative : relative.substr(slash + 1);
  return base.rfind("part-", 0) == 0 || relative.rfind("_temporary/", 0) == 0;
}

}  // namespace

Result<std::vector<InputFile>> expand_inputs(const std::vector<std::string>& patterns) {
  std::vector<InputFile> out;
  for (const std::string& pattern : patterns) {
    if (pattern.empty()) return invalid_argument("input: empty path");
    EDDY_ASSIGN_OR_RETURN(std::shared_ptr<objstore::ObjectStore> store, objstore::store_for(pattern));
    std::vector<InputFile> found;
    if (has_glob(pattern)) {
      size_t first = pattern.find_first_of("*?[");
      size_t slash = pattern.rfind('/', first);
      std::string dir = slash == std::string::npos ? "." : pattern.substr(0, slash + 1);
      std::string list_uri = dir;
      if (!objstore::is_object_store_uri(dir) && dir.size() > 1 && dir.back() == '/')
        list_uri.pop_back();
      auto listed = store->list(list_uri);
      if (!listed.is_ok() && listed.status().code() != StatusCode::kNotFound)
        return listed.status().with_context("input '" + pattern + "'");
      if (listed.is_ok()) {
        for (const auto& info : *listed) {
          std::string name = info.uri;
          // Local listings of "." come back as "./x"; match the pattern as the user wrote it.
          if (slash == std::string::npos && name.rfind("./", 0) == 0) name = name.substr(2);
          if (fnmatch(pattern.c_str(), name.c_str(), FNM_PATHNAME) != 0) continue;
          found.push_back({info.uri, info.size});
        }
      }
    } else {
      bool is_s3 = objstore::is_object_store_uri(pattern);
      if (is_s3) {
        auto h = store->head(pattern);
        if (h.is_ok()) {
          found.push_back({h->uri, h->size});
        } else if (h.status().code() != StatusCode::kNotFound) {
          return h.status().with_context("input '" + pattern + "'");
        }
      }
      if (found.empty()) {
        std::string dir = pattern;
        if (is_s3 && dir.back() != '/') dir += '/';
        auto listed = store->list(dir);
        if (!listed.is_ok() && listed.status().code() != StatusCode::kNotFound)
          return listed.status().with_context("input '" + pattern + "'");
        bool success = false, spark_written = false;
        if (listed.is_ok()) {
          for (const auto& info : *listed) {
            if (info.uri != pattern) {
              std::string_view rel(info.uri);
              rel.remove_prefix(std::min(dir.size(), rel.size()));
              while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
              success = success || rel == "_SUCCESS";
              spark_written = spark_written || looks_spark_written(rel);
              if (hidden_below(info.uri, std::min(dir.size(), info.uri.size()))) continue;
            }
            found.push_back({info.uri, info.size});
          }
        }
        if (spark_written && !success && !found.empty()) {
          std::string glob = pattern;
          while (glob.size() > 1 && glob.back() == '/') glob.pop_back();
          return failed_precondition(
              "input '" + pattern +
              "': a partial output: it holds part files but no _SUCCESS, so the job that wrote "
              "it failed, was killed or is still running; rerun that job, or name the files ('" +
              glob + "/part-*') to read what is there");
        }
      }
    }
    if (found.empty())
      return not_found("input '" + pattern + "' does not exist (no file or object matches)");
    std::sort(found.begin(), found.end(),
              [](const InputFile& a, const InputFile& b) { return a.uri < b.uri; });
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

TextInput::TextInput(std::vector<InputFile> files) : files_(std::move(files)) {}

TextInput::~TextInput() { close_current(); }

uint64_t TextInput::remaining_size_hint() const {
  uint64_t s = 0;
  for (size_t i = next_file_; i < files_.size(); ++i) s += files_[i].size;
  return s;
}

void TextInput::close_current() {
  reader_.reset();
  if (z_init_) inflateEnd(&z_);
  z_init_ = false;
  current_ = SIZE_MAX;
}

Status TextInput::open_next() {
  const InputFile& f = files_[next_file_];
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<objstore::ObjectStore> store, objstore::store_for(f.uri));
  auto r = store->open(f.uri);
  if (!r.is_ok()) return r.status().with_context("input '" + f.uri + "'");
  reader_ = std::move(r).value();
  current_ = next_file_++;
  eof_ = false;
  line_ = 1;
  carry_.clear();
  gzip_ = false;
  // Sniff the gzip magic: read the first bytes into the compressed buffer either way.
  zin_.resize(1 << 20);
  zin_pos_ = zin_len_ = 0;
  zin_eof_ = false;
  while (zin_len_ < 2) {
    auto n = reader_->read(zin_.data() + zin_len_, zin_.size() - zin_len_);
    if (!n.is_ok()) return n.status().with_context("input '" + f.uri + "'");
    if (*n == 0) {
      zin_eof_ = true;
      break;
    }
    zin_len_ += *n;
  }
  if (zin_len_ >= 2 && static_cast<unsigned char>(zin_[0]) == 0x1f &&
      static_cast<unsigned char>(zin_[1]) == 0x8b) {
    gzip_ = true;
    z_ = z_stream{};
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK)
      return internal_error("zlib inflateInit2 failed for '" + f.uri + "'");
    z_init_ = true;
  }
  return Status::ok();
}

Result<size_t> TextInput::read_current(char* dst, size_t n) {
  const std::string& uri = files_[current_].uri;
  if (!gzip_) {
    if (zin_pos_ < zin_len_) {  // bytes read while sniffing
      size_t k = std::min(n, zin_len_ - zin_pos_);
      std::memcpy(dst, zin_.data() + zin_pos_, k);
      zin_pos_ += k;
      return k;
    }
    if (zin_eof_) return size_t{0};
    auto r = reader_->read(dst, n);
    if (!r.is_ok()) return r.status().with_context("input '" + uri + "'");
    return *r;
  }
  size_t produced = 0;
  while (produced == 0) {
    if (zin_pos_ == zin_len_) {
      if (zin_eof_) {
        if (z_.total_in != 0 || z_.total_out != 0)  // inside a member that did not end
          return data_loss("input '" + uri + "': truncated gzip stream");
        return size_t{0};
      }
      auto r = reader_->read(zin_.data(), zin_.size());
      if (!r.is_ok()) return r.status().with_context("input '" + uri + "'");
      zin_pos_ = 0;
      zin_len_ = *r;
      if (*r == 0) {
        zin_eof_ = true;
        continue;
      }
    }
    z_.next_in = reinterpret_cast<Bytef*>(zin_.data() + zin_pos_);
    z_.avail_in = static_cast<uInt>(zin_len_ - zin_pos_);
    z_.next_out = reinterpret_cast<Bytef*>(dst);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    int rc = inflate(&z_, Z_NO_FLUSH);
    zin_pos_ = zin_len_ - z_.avail_in;
    produced = reinterpret_cast<char*>(z_.next_out) - dst;
    if (rc == Z_STREAM_END) {
      inflateReset(&z_);  // concatenated members (gzip -c a b, pigz): keep going
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return data_loss("input '" + uri + "': corrupt gzip data (" +
                       (z_.msg ? z_.msg : "zlib error " + std::to_string(rc)) + ")");
    }
  }
  return produced;
}

Result<bool> TextInput::fill(ByteBuffer* buf, size_t limit, std::vector<InputSpan>* spans) {
  bool appended = false;
  while (buf->size() < limit || !appended) {
    if (current_ == SIZE_MAX) {
      if (next_file_ >= files_.size()) break;
      EDDY_RETURN_IF_ERROR(open_next());
    }
    size_t begin = buf->size();
    buf->append(carry_);
    bool have_newline = carry_.find('\n') != std::string::npos;
    carry_.clear();
    while (!eof_ && (buf->size() < limit || !have_newline)) {
      size_t want = kReadChunk;
      if (buf->size() < limit) want = std::max<size_t>(std::min(want, limit - buf->size()), 4096);
      size_t at = buf->size();
      // Stay inside a buffer the caller reserved to size (no 1.5x regrowth of a big buffer).
      size_t room = buf->capacity() - at;
      if (room >= (64 << 10)) want = std::min(want, room);
      buf->reserve(at + want);
      buf->resize(at + want);
      auto k = read_current(buf->data() + at, want);
      if (!k.is_ok()) {
        buf->resize(at);
        return k.status();
      }
      buf->resize(at + *k);
      if (*k == 0)
        eof_ = true;
      else if (!have_newline && std::memchr(buf->data() + at, '\n', *k))
        have_newline = true;
    }
    if (eof_) {
      if (buf->size() > begin && buf->data()[buf->size() - 1] != '\n') buf->append("\n");
    } else {
      const char* base = buf->data() + begin;
      size_t len = buf->size() - begin;
      const char* last = static_cast<const char*>(memrchr(base, '\n', len));
      size_t keep = last - base + 1;
      carry_.assign(base + keep, len - keep);
      buf->resize(begin + keep);
    }
    size_t file = current_;
    if (buf->size() > begin) {
      spans->push_back({file, begin, line_});
      appended = true;
      if (!eof_) line_ += std::count(buf->data() + begin, buf->data() + buf->size(), '\n');
    }
    if (eof_) close_current();
  }
  return appended;
}

}  // namespace eddy::batch
