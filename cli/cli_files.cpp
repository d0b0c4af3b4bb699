#include "cli_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>

namespace tcpplay::cli {

namespace {

/// errno as a short lower-case reason ("no such file", "permission denied").
std::string reason(int err) {
  switch (err) {
    case ENOENT: return "no such file";
    case EACCES: return "permission denied";
    case EISDIR: return "is a directory";
    case ENOTDIR: return "a part of the path is not a directory";
    default: {
      std::string s = std::strerror(err);
      if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
      return s;
    }
  }
}

}  // namespace

ReadResult read_input(const std::string& path) {
  ReadResult r;
  if (path == "-") {
    r.data.assign(std::istreambuf_iterator<char>(std::cin), {});
    r.ok = !std::cin.bad();
    if (!r.ok) r.error = "cannot read standard input";
    return r;
  }
  std::error_code ec;
  // fopen succeeds on a directory on Linux (reading fails later): say so first.
  if (std::filesystem::is_directory(path, ec)) {
    r.error = "cannot read " + path + ": is a directory (give a scenario file)";
    return r;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    r.error = "cannot read " + path + ": " + reason(errno);
    return r;
  }
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) r.data.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    r.error = "cannot read " + path + ": " + reason(err);
    return r;
  }
  r.ok = true;
  return r;
}

std::string write_output(const std::string& path, const char* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return "cannot write " + path + ": " + reason(errno);
  const bool ok = std::fwrite(data, 1, size, f) == size;
  const int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return "cannot write " + path + ": " + reason(ok ? errno : err);
  return "";
}

}  // namespace tcpplay::cli
