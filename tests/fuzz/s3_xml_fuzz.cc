// libFuzzer target: S3 response bodies as the S3 client reads them (objstore/s3_xml.h):
// ListObjectsV2 pages, error documents, and the element finder and entity decoder under them.
// The first byte picks the mode:
// - arbitrary bytes as a response: no crash, no read outside the document (every element is a
//   view into it), decoding never grows the text, and an accepted truncated page names its
//   continuation token;
// - a ListBucketResult written the way S3 writes it (keys URL-encoded, text XML-escaped) from
//   fuzzed keys, sizes and a token: parsing it gives back exactly those keys, sizes and token.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/percent_encoding.h"
#include "objstore/s3_xml.h"

namespace {

using namespace eddy::objstore;

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

void check_inside(std::string_view doc, const std::vector<std::string_view>& els) {
  for (std::string_view e : els) {
    if (e.empty()) continue;
    if (e.data() < doc.data() || e.data() + e.size() > doc.data() + doc.size()) __builtin_trap();
  }
}

void arbitrary(std::string_view doc) {
  for (std::string_view tag : {"Contents", "Key", "Error", "ListBucketResult", "Size"})
    check_inside(doc, xml_elements(doc, tag));
  if (xml_unescape(doc).size() > doc.size()) __builtin_trap();
  auto page = parse_list_objects_v2(doc);
  if (page.is_ok() && page.value().truncated && page.value().next_continuation_token.empty())
    __builtin_trap();
  S3ErrorBody err = parse_s3_error(doc);
  if (err.code.size() > doc.size() || err.message.size() > doc.size()) __builtin_trap();
}

void written(FuzzedDataProvider& in) {
  struct Obj {
    std::string key;
    uint64_t size;
  };
  std::vector<Obj> objs(in.ConsumeIntegralInRange(0, 5));
  for (Obj& o : objs) {
    o.key = in.ConsumeRandomLengthString(64);
    o.size = in.ConsumeIntegral<uint64_t>();
  }
  const bool truncated = in.ConsumeBool();
  std::string token = in.ConsumeRandomLengthString(64);
  if (truncated && token.empty()) token = "t";
  const std::string entity_style = in.ConsumeBool() ? "&#38;" : "&amp;";

  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name><Prefix></Prefix>"
      "<KeyCount>" + std::to_string(objs.size()) + "</KeyCount><MaxKeys>1000</MaxKeys>"
      "<EncodingType>url</EncodingType><IsTruncated>" + (truncated ? "true" : "false") +
      "</IsTruncated>";
  for (const Obj& o : objs) {
    std::string key = xml_escape(eddy::percent_encode(o.key, /*keep_slash=*/true));
    doc += "<Contents><Key>" + key + "</Key><LastModified>2026-01-01T00:00:00.000Z"
           "</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>" +
           std::to_string(o.size) + "</Size><StorageClass>STANDARD</StorageClass></Contents>";
  }
  if (!token.empty()) {
    std::string esc = xml_escape(token);
    // Either spelling of '&' must decode the same (both are five characters long).
    for (size_t at = 0; (at = esc.find("&amp;", at)) != std::string::npos; at += 5)
      esc.replace(at, 5, entity_style);
    doc += "<NextContinuationToken>" + esc + "</NextContinuationToken>";
  }
  doc += "</ListBucketResult>";

  auto page = parse_list_objects_v2(doc);
  if (!page.is_ok()) __builtin_trap();
  if (page.value().objects.size() != objs.size() || page.value().truncated != truncated)
    __builtin_trap();
  for (size_t i = 0; i < objs.size(); ++i) {
    if (page.value().objects[i].key != objs[i].key) __builtin_trap();
    if (page.value().objects[i].size != objs[i].size) __builtin_trap();
    if (page.value().objects[i].modified != 1'767'225'600'000'000) __builtin_trap();
  }
  if (page.value().next_continuation_token != token) __builtin_trap();
  arbitrary(doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) {
    FuzzedDataProvider in(data + 1, size - 1);
    written(in);
  } else {
    arbitrary(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  }
  return 0;
}
