// libFuzzer target: protocol::decode_request on arbitrary bytes. It must never crash, throw,
// hang or trip a sanitizer, and its answer must obey the protocol: either a request whose id is
// a string of at most 64 characters or an integer, or a failure with an error code and message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/requests.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace boardwalk::protocol;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto decoded = decode_request(text);
  if (const auto* request = std::get_if<Request>(&decoded)) {
    const auto& id = request->id;
    const bool id_ok = id.is_number_integer() || (id.is_string() && id.get_ref<const std::string&>().size() <= 64 * 4);
    if (!id_ok) std::abort();
  } else {
    const auto& failure = std::get<DecodeFailure>(decoded);
    if (failure.error.code.empty() || failure.error.message.empty()) std::abort();
  }
  return 0;
}
