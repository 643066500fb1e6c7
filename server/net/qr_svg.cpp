#include "qr_svg.hpp"

#include <qrcodegen/qrcodegen.hpp>

namespace boardwalk::net {

std::string qr_svg(std::string_view text) {
  const auto qr = qrcodegen::QrCode::encodeText(std::string(text).c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
  const int border = 4;
  const int size = qr.getSize() + border * 2;
  std::string path;
  for (int y = 0; y < qr.getSize(); ++y) {
    for (int x = 0; x < qr.getSize(); ++x) {
      if (qr.getModule(x, y)) {
        path += "M" + std::to_string(x + border) + "," + std::to_string(y + border) + "h1v1h-1z";
      }
    }
  }
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
         "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/><path d=\"" + path +
         "\" fill=\"#000000\"/></svg>\n";
}

}  // namespace boardwalk::net
