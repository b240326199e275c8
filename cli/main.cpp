// ktune: the command line. Dispatches through the command tree (cli/commands.cpp) and turns
// errors into one line on stderr and an exit code: 2 for usage errors, 1 for runtime failures.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "core/error.hpp"

namespace {

// One line, whatever the message holds: line breaks and other control characters are shown
// escaped, so an error that echoes the input never spans lines.
std::string one_line(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      static const char* const kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return ktune::cli::dispatch(ktune::cli::root_command(), "ktune", args);
  } catch (const ktune::UsageError& e) {
    std::cerr << "ktune: error: " << one_line(e.what()) << '\n';
    return 2;
  } catch (const ktune::Error& e) {
    std::cerr << "ktune: error: " << one_line(e.what()) << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ktune: internal error: " << one_line(e.what()) << '\n';
    return 1;
  }
}
