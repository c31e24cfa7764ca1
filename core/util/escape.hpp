// Making capture bytes safe to print. Anything from a capture (cookie, SNI,
// certificate names) is attacker-chosen: no control character, ANSI escape
// or invalid UTF-8 may reach a terminal, and HTML/Markdown must stay inert.
#pragma once

#include <string>
#include <string_view>

namespace rdpcap::util {

// Terminal/plain text: valid printable UTF-8 is kept (so DOMAIN\user reads
// as itself); C0/C1 controls, DEL and invalid UTF-8 bytes become \xNN, and
// bidi/zero-width format characters \u{NNNN}.
std::string escape_text(std::string_view in);

// Valid UTF-8 with invalid bytes replaced by U+FFFD (for JSON).
std::string sanitize_utf8(std::string_view in);

// HTML text and attribute values: escape_text, then & < > " ' as entities.
std::string escape_html(std::string_view in);

// Markdown inline text: escape_text, HTML entities for < > &, and a
// backslash before every Markdown punctuation character.
std::string escape_markdown(std::string_view in);

}  // namespace rdpcap::util
