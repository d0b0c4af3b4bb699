// Lessons in the terminal: `tcpplay lessons` and the "#" header `tcpplay run` prints.
#pragma once
#include <ostream>
#include <string>

#include "scenario/scenario.h"

namespace tcpplay::cli {

/// The lesson's title, explanation (wrapped at 100 columns) and watch items as "#" lines, so
/// that tools reading the packet lines skip them as they skip the annotations; "" when the
/// scenario has no title, description or watch items.
std::string lesson_header(const Scenario& scenario);

/// Prints one line per lesson in `dir` (files NN-ID.json, in file order): file, id and title.
/// Returns the exit code: 0, or 2 when the folder cannot be read or a lesson does not load
/// (named on `err`).
int list_lessons(const std::string& dir, std::ostream& out, std::ostream& err);

/// The examples/ folder of the source tree this binary was built from.
std::string default_lessons_dir();

}  // namespace tcpplay::cli
