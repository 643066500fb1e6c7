// A minimal blocking HTTP GET for tests.
#pragma once

#include <map>
#include <string>

namespace boardwalk::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

HttpResult http_request(unsigned short port, const std::string& target, const std::string& method = "GET");

}  // namespace boardwalk::testing
