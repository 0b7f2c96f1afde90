#include "objstore/s3_xml.h"

#include <charconv>
#include <cstring>

#include "common/percent_encoding.h"
#include "common/time_format.h"
#include "common/utf8.h"

namespace eddy::objstore {

std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back('&');
      continue;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    bool done = true;
    if (ent == "amp") {
      out.push_back('&');
    } else if (ent == "lt") {
      out.push_back('<');
    } else if (ent == "gt") {
      out.push_back('>');
    } else if (ent == "quot") {
      out.push_back('"');
    } else if (ent == "apos") {
      out.push_back('\'');
    } else if (ent.size() >= 2 && ent[0] == '#') {
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      const std::string_view digits = ent.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      auto [p, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec == std::errc() && p == digits.data() + digits.size() && !digits.empty() &&
          cp <= 0x10FFFF) {
        append_utf8(cp, &out);
      } else {
        done = false;
      }
    } else {
      done = false;
    }
    if (done) {
      i = semi;
    } else {
      out.push_back('&');
    }
  }
  return out;
}

std::vector<std::string_view> xml_elements(std::string_view doc, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  while ((pos = doc.find(open, pos)) != std::string_view::npos) {
    const size_t after = pos + open.size();
    if (after >= doc.size()) break;
    const char c = doc[after];
    if (c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\n' && c != '\r') {
      pos = after;  // a longer tag name that starts with `tag`
      continue;
    }
    const size_t gt = doc.find('>', after);
    if (gt == std::string_view::npos) break;
    if (doc[gt - 1] == '/') {  // <Tag/>
      out.emplace_back();
      pos = gt + 1;
      continue;
    }
    const size_t end = doc.find(close, gt + 1);
    if (end == std::string_view::npos) break;
    out.push_back(doc.substr(gt + 1, end - gt - 1));
    pos = end + close.size();
  }
  return out;
}

std::string xml_text(std::string_view doc, std::string_view tag) {
  auto els = xml_elements(doc, tag);
  return els.empty() ? std::string() : xml_unescape(els.front());
}

Result<ListObjectsPage> parse_list_objects_v2(std::string_view xml) {
  if (xml_elements(xml, "ListBucketResult").empty()) {
    return io_error("ListObjectsV2: response is not a ListBucketResult document: " +
                    std::string(xml.substr(0, 200)));
  }
  // Only top-level fields: take them from the text before the first <Contents>.
  const size_t first = xml.find("<Contents");
  const std::string_view head = xml.substr(0, first);
  ListObjectsPage page;
  const bool url_encoded = xml_text(head, "EncodingType") == "url";
  page.truncated = xml_text(head, "IsTruncated") == "true";
  page.next_continuation_token = xml_text(xml, "NextContinuationToken");
  for (std::string_view c : xml_elements(xml, "Contents")) {
    ListedObject o;
    o.key = xml_text(c, "Key");
    if (url_encoded) o.key = percent_decode(o.key, /*plus_as_space=*/true);
    const std::string size = xml_text(c, "Size");
    auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), o.size);
    if (ec != std::errc() || p != size.data() + size.size()) {
      return io_error("ListObjectsV2: bad <Size> '" + size + "' for key " + o.key);
    }
    Micros t = 0;
    if (parse_rfc3339(xml_text(c, "LastModified"), &t)) o.modified = t;
    page.objects.push_back(std::move(o));
  }
  if (page.truncated && page.next_continuation_token.empty()) {
    return io_error("ListObjectsV2: truncated listing without a NextContinuationToken");
  }
  return page;
}

S3ErrorBody parse_s3_error(std::string_view xml) {
  auto err = xml_elements(xml, "Error");
  if (err.empty()) return {};
  return {xml_text(err.front(), "Code"), xml_text(err.front(), "Message")};
}

}  // namespace eddy::objstore
