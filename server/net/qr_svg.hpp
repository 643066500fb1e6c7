// Join-link QR codes as SVG, drawn with the qrcodegen library (Debian libqrcodegencpp).
#pragma once

#include <string>
#include <string_view>

namespace boardwalk::net {

std::string qr_svg(std::string_view text);

}  // namespace boardwalk::net
