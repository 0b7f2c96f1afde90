// S3 XML: the few response documents the S3 client reads (ListObjectsV2 results, errors,
// multipart upload ids), parsed by a minimal element finder rather than a full XML library.
//
// S3 responses are flat, namespace-default documents whose text never holds markup, so
// finding <Tag>…</Tag> and decoding the five named entities and numeric character references
// is correct for them. Keys are decoded once more when the response says
// <EncodingType>url</EncodingType> (we ask for it: XML 1.0 cannot carry every byte a key may).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace eddy::objstore {

// Decodes &amp; &lt; &gt; &quot; &apos; &#NN; &#xHH; (others are kept as written).
std::string xml_unescape(std::string_view s);
// Raw contents of every <tag>…</tag> (or <tag/>, giving "") in `doc`, in order; elements
// named `tag` must not nest inside each other.
std::vector<std::string_view> xml_elements(std::string_view doc, std::string_view tag);
// Unescaped text of the first <tag> in `doc`; "" if there is none.
std::string xml_text(std::string_view doc, std::string_view tag);
struct ListedObject {
  std::string key;
  uint64_t size = 0;
  Micros modified = 0;
};

struct ListObjectsPage {
  std::vector<ListedObject> objects;
  bool truncated = false;
  std::string next_continuation_token;
};

// A ListBucketResult document (ListObjectsV2).
Result<ListObjectsPage> parse_list_objects_v2(std::string_view xml);

struct S3ErrorBody {
  std::string code;     // "NoSuchKey"; "" if the body is not an S3 error document
  std::string message;  // "The specified key does not exist."
};
S3ErrorBody parse_s3_error(std::string_view xml);

}  // namespace eddy::objstore
