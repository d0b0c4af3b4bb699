// Small helpers shared by the benchmark programs: a wall clock, peak memory, flag parsing and
// a one-line JSON writer. Each benchmark is its own process so that its peak RSS is its own.
#pragma once
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace bench {

/// Seconds since the stopwatch was made (steady clock: the wall time a user waits).
class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// Peak resident set size of this process in KiB (Linux reports ru_maxrss in KiB).
inline long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/// "--name value" flags; anything unknown is an error so that a typo never runs the wrong case.
class Flags {
 public:
  Flags(int argc, char** argv) : argc_(argc), argv_(argv) {}
  double number(const char* name, double fallback) {
    seen_.push_back(name);
    for (int i = 1; i + 1 < argc_; ++i)
      if (std::strcmp(argv_[i], name) == 0) return std::strtod(argv_[i + 1], nullptr);
    return fallback;
  }
  /// Exits with a message if a flag was given that no number() call asked for.
  void reject_unknown() const {
    for (int i = 1; i < argc_; i += 2) {
      bool known = false;
      for (const char* s : seen_) known |= std::strcmp(argv_[i], s) == 0;
      if (!known || i + 1 >= argc_) {
        std::fprintf(stderr, "unknown or incomplete flag: %s\n", argv_[i]);
        std::exit(2);
      }
    }
  }

 private:
  int argc_;
  char** argv_;
  std::vector<const char*> seen_;
};

/// Writes {"k": v, ...} on one line: the driver (bench/run_bench.py) reads it.
class JsonLine {
 public:
  JsonLine& num(const char* key, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return raw(key, buf);
  }
  JsonLine& str(const char* key, const std::string& v) { return raw(key, "\"" + v + "\""); }
  JsonLine& nums(const char* key, const std::vector<double>& vs) {
    std::string s = "[";
    for (std::size_t i = 0; i < vs.size(); ++i) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s%.9g", i ? ", " : "", vs[i]);
      s += buf;
    }
    return raw(key, s + "]");
  }
  void print() const { std::printf("{%s}\n", body_.c_str()); }

 private:
  JsonLine& raw(const char* key, const std::string& v) {
    body_ += (body_.empty() ? "\"" : ", \"") + std::string(key) + "\": " + v;
    return *this;
  }
  std::string body_;
};

/// Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when all flows get the same.
inline double jain_index(const std::vector<double>& x) {
  double sum = 0, sq = 0;
  for (double v : x) {
    sum += v;
    sq += v * v;
  }
  return sq > 0 ? sum * sum / (static_cast<double>(x.size()) * sq) : 0;
}

}  // namespace bench
