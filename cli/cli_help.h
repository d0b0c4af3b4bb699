// The texts `tcpplay --help`, `tcpplay COMMAND --help` and `tcpplay --version` print.
#pragma once
#include <string>

namespace tcpplay::cli {

/// The version, from CMake's project(VERSION ...) (one place to change it).
const char* version();
/// The overview: every command in one line each, and where to read more.
const char* general_help();
/// The full help of "run", "validate" or "lessons"; nullptr for another name.
const char* command_help(const std::string& command);

}  // namespace tcpplay::cli
