// Reading a scenario and writing the exports, with errors that say why.
#pragma once
#include <cstddef>
#include <string>

namespace tcpplay::cli {

/// The file's bytes ("-" is standard input), or an error such as "cannot read x.json: no such
/// file", "... is a directory", "... permission denied".
struct ReadResult {
  bool ok = false;
  std::string data;   ///< the bytes when ok
  std::string error;  ///< the message otherwise
};
ReadResult read_input(const std::string& path);

/// Writes the bytes; on failure returns "cannot write PATH: why", else "".
std::string write_output(const std::string& path, const char* data, std::size_t size);

}  // namespace tcpplay::cli
