// read_token_file (token_file.h).
#include "cli/token_file.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace eddy::cli {

Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("--token-file " + path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!token.empty() && space(token.back())) token.pop_back();
  size_t start = 0;
  while (start < token.size() && space(token[start])) ++start;
  token.erase(0, start);
  if (token.empty()) return invalid_argument("--token-file " + path + ": empty");
  if (token.find_first_of(" \t\r\n") != std::string::npos)
    return invalid_argument("--token-file " + path + ": the token must be one word");
  return token;
}

}  // namespace eddy::cli
