// Helpers shared by the Playground API's doctest files: reading a file, and the message of the
// PlaygroundError a call throws.
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "api/playground.h"

namespace tcpplay::test {

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The message of the PlaygroundError `f` throws, or "" when it throws none.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const PlaygroundError& e) {
    return e.what();
  }
  return "";
}

}  // namespace tcpplay::test
