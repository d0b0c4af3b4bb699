#include "cli_lessons.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <vector>

#include "cli_files.h"

#ifndef TCPPLAY_EXAMPLES_DIR
#define TCPPLAY_EXAMPLES_DIR "examples"
#endif

namespace tcpplay::cli {

namespace {

constexpr std::size_t kWidth = 100;

/// `text` as "# "-prefixed lines of at most kWidth columns (words longer than that stay whole);
/// `indent` continues wrapped lines.
void append_wrapped(std::string& out, const std::string& first, const std::string& text,
                    const std::string& indent) {
  std::string line = "# " + first;
  bool empty = true;  // no word on this line yet after the prefix
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\n') {
      if (text[i] == '\n') {
        out += line + "\n";
        line = "# " + indent;
        empty = true;
      }
      ++i;
      continue;
    }
    std::size_t j = text.find_first_of(" \n", i);
    if (j == std::string::npos) j = text.size();
    const std::string word = text.substr(i, j - i);
    if (!empty && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      line = "# " + indent;
      empty = true;
    }
    if (!empty) line += ' ';
    line += word;
    empty = false;
    i = j;
  }
  out += line + "\n";
}

}  // namespace

std::string lesson_header(const Scenario& s) {
  if (s.title.empty() && s.description.empty() && s.watch.empty()) return "";
  std::string out;
  if (!s.title.empty()) out += "# " + s.title + "\n#\n";
  if (!s.description.empty()) {
    append_wrapped(out, "", s.description, "");
    out += "#\n";
  }
  if (!s.watch.empty()) {
    out += "# Watch for:\n";
    for (std::size_t i = 0; i < s.watch.size(); ++i) {
      const std::string number = std::to_string(i + 1) + ". ";
      append_wrapped(out, "  " + number, s.watch[i].text, std::string(2 + number.size(), ' '));
    }
    out += "#\n";
  }
  return out;
}

int list_lessons(const std::string& dir, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    err << "tcpplay: cannot read " << dir << ": "
        << (fs::exists(dir, ec) ? "not a directory" : "no such directory") << "\n";
    return 2;
  }
  static const std::regex kLessonFile(R"(^(\d+)-(.+)\.json$)");
  struct Row {
    std::string file, id, title;
  };
  std::vector<Row> rows;
  int code = 0;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(file, m, kLessonFile)) continue;
    const ReadResult text = read_input(entry.path().string());
    if (!text.ok) {
      err << "tcpplay: " << text.error << "\n";
      code = 2;
      continue;
    }
    LoadResult r = Scenario::load(text.data);
    if (!r.ok()) {
      err << "tcpplay: " << file << " does not load:\n" << r.error_text();
      code = 2;
      continue;
    }
    rows.push_back({file, m[2].str(), r.scenario->title.empty() ? m[2].str() : r.scenario->title});
  }
  if (ec) {
    err << "tcpplay: cannot read " << dir << ": " << ec.message() << "\n";
    return 2;
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.file < b.file; });
  std::size_t file_w = 4, id_w = 2;
  for (const Row& r : rows) {
    file_w = std::max(file_w, r.file.size());
    id_w = std::max(id_w, r.id.size());
  }
  auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w - s.size(), ' '); };
  out << pad("FILE", file_w) << "  " << pad("ID", id_w) << "  TITLE\n";
  for (const Row& r : rows)
    out << pad(r.file, file_w) << "  " << pad(r.id, id_w) << "  " << r.title << "\n";
  out << rows.size() << " lessons in " << dir
      << " (run one: tcpplay run FILE; on the page: #lesson=ID)\n";
  return code;
}

std::string default_lessons_dir() { return TCPPLAY_EXAMPLES_DIR; }

}  // namespace tcpplay::cli
