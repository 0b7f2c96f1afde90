#include "objstore/s3_xml.h"

#include <gtest/gtest.h>

namespace eddy::objstore {
namespace {

TEST(S3XmlTest, UnescapesNamedAndNumericEntities) {
  EXPECT_EQ(xml_unescape("a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;"), "a&b <c> \"d\" 'e'");
  EXPECT_EQ(xml_unescape("&#65;&#x42;&#xe9;&#x1F600;"), "AB\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(xml_unescape("AT&T &bogus; &#xZZ; &"), "AT&T &bogus; &#xZZ; &");
}

TEST(S3XmlTest, FindsElementsWithAttributesAndEmptyTags) {
  const std::string doc = "<A><Key>x</Key><KeyCount>2</KeyCount><Key a=\"1\">y</Key><Key/></A>";
  auto keys = xml_elements(doc, "Key");
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], "x");
  EXPECT_EQ(keys[1], "y");
  EXPECT_EQ(keys[2], "");
  EXPECT_EQ(xml_text(doc, "KeyCount"), "2");
  EXPECT_EQ(xml_text(doc, "Missing"), "");
}

TEST(S3XmlTest, ParsesATruncatedListPageWithEscapedKeys) {
  const std::string doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>in/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>in/a&amp;b &lt;1&gt;.txt</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>
    <StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>in/b.txt</Key><LastModified>2009-10-12T17:50:31.000Z</LastModified>
    <Size>0</Size></Contents>
</ListBucketResult>)";
  auto page = parse_list_objects_v2(doc);
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "in/a&b <1>.txt");
  EXPECT_EQ(page->objects[0].size, 434234u);
  EXPECT_EQ(page->objects[0].modified, 1255369830LL * 1000000);
  EXPECT_EQ(page->objects[1].key, "in/b.txt");
  EXPECT_EQ(page->objects[1].size, 0u);
}

TEST(S3XmlTest, DecodesUrlEncodedKeysOnlyWhenTheResponseSaysSo) {
  const std::string encoded =
      "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
      "<Contents><Key>dir/a+b%2Bc%25d%0A</Key><Size>1</Size></Contents></ListBucketResult>";
  auto page = parse_list_objects_v2(encoded);
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->objects.at(0).key, "dir/a b+c%d\n");
  const std::string plain =
      "<ListBucketResult><IsTruncated>false</IsTruncated>"
      "<Contents><Key>dir/a+b%2B</Key><Size>1</Size></Contents></ListBucketResult>";
  page = parse_list_objects_v2(plain);
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->objects.at(0).key, "dir/a+b%2B");
  EXPECT_FALSE(page->truncated);
}

TEST(S3XmlTest, RejectsMalformedPages) {
  EXPECT_FALSE(parse_list_objects_v2("<Error><Code>x</Code></Error>").is_ok());
  EXPECT_FALSE(parse_list_objects_v2("<ListBucketResult><Contents><Key>a</Key><Size>x</Size>"
                                     "</Contents></ListBucketResult>")
                   .is_ok());
  EXPECT_FALSE(
      parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>")
          .is_ok());
}

TEST(S3XmlTest, ParsesErrorDocuments) {
  auto e = parse_s3_error(
      "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not "
      "exist.</Message><Key>a&amp;b</Key></Error>");
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_EQ(parse_s3_error("").code, "");
  EXPECT_EQ(parse_s3_error("<html>502</html>").code, "");
}

}  // namespace
}  // namespace eddy::objstore
