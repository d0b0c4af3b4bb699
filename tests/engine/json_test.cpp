// The engine's JSON reader and printer (engine/json): what scenarios and live edits go through.
// nlohmann_json parses (json_parse.cpp); these check what the engine adds: document order,
// numbers as written, duplicate keys, the depth limit, and errors with line, column and words.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "json/json.h"
#include "json/json_writer.h"

using tcpplay::Json;
using tcpplay::JsonWriter;

namespace {
std::string error_of(std::string_view text) {
  Json::ParseError e;
  auto v = Json::parse(text, &e);
  if (v) return "parsed";
  return std::to_string(e.line) + ":" + std::to_string(e.column) + " " + e.message;
}
}  // namespace

TEST_CASE("json: parses every kind of value and prints it back in document order") {
  const std::string text =
      R"({"z":1,"a":[true,false,null,-0,1.5e3,"s\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],"m":{},"e":[]})";
  auto v = Json::parse(text);
  REQUIRE(v);
  CHECK(v->key(0) == "z");  // not sorted
  CHECK(v->key(1) == "a");
  const Json& a = *v->find("a");
  CHECK(a.size() == 6);
  CHECK(a[0].as_bool());
  CHECK(a[2].is_null());
  CHECK(a[4].is_float());
  CHECK(a[4].as_double() == 1500.0);
  CHECK(a[4].text() == "1.5e3");  // numbers keep their text
  CHECK(a[5].text() == "s\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(v->dump() == R"({"z":1,"a":[true,false,null,-0,1.5e3,"s\"\\/\b\f\n\r\t)"
                     "\xc3\xa9\xf0\x9f\x98\x80"
                     R"("],"m":{},"e":[]})");
  // The independent parser agrees on the value.
  CHECK(nlohmann::json::parse(v->dump()) == nlohmann::json::parse(text));
  CHECK(v->dump(2) ==
        "{\n  \"z\": 1,\n  \"a\": [\n    true,\n    false,\n    null,\n    -0,\n    1.5e3,\n"
        "    \"s\\\"\\\\/\\b\\f\\n\\r\\t\xc3\xa9\xf0\x9f\x98\x80\"\n  ],\n  \"m\": {},\n  \"e\": "
        "[]\n}");
}

TEST_CASE("json: integers are read exactly, within 64 bits") {
  CHECK(Json::parse("18446744073709551615")->unsigned_value() == UINT64_MAX);
  CHECK_FALSE(Json::parse("18446744073709551616")->unsigned_value());
  CHECK(Json::parse("-9223372036854775808")->int64_value() == INT64_MIN);
  CHECK_FALSE(Json::parse("9223372036854775808")->int64_value());
  CHECK_FALSE(Json::parse("-1")->unsigned_value());
  CHECK_FALSE(Json::parse("1.0")->unsigned_value());
  CHECK_FALSE(Json::parse("1e3")->int64_value());
}

TEST_CASE("json: syntax errors name the line, the column and what was expected") {
  CHECK(error_of("") == "1:1 the text is empty; expected a JSON value");
  CHECK(error_of("{\"a\": 1\n \"b\": 2}") ==
        "2:2 expected ',' or '}' in an object, found a string (a comma missing?)");
  CHECK(error_of("[1,]") ==
        "1:4 expected a value after ',', found ']' (a trailing comma is not allowed)");
  CHECK(error_of("{\"a\":1,}") ==
        "1:8 expected a member name after ',', found '}' (a trailing comma is not allowed)");
  CHECK(error_of("{\"a\" 1}") == "1:6 expected ':' after a member name, found a number");
  CHECK(error_of("{\"a\":1,\"a\":2}") == "1:8 duplicate key \"a\" in an object");
  CHECK(error_of("[01]") == "1:2 invalid number: leading zeros are not allowed");
  CHECK(error_of("[1.]") == "1:4 invalid number: expected a digit after '.'");
  CHECK(error_of("[-]") == "1:3 invalid number: expected a digit after '-'");
  CHECK(error_of("tru") == "1:1 invalid literal 'tru'");
  CHECK(error_of("\"abc") == "1:1 unterminated string (it starts here)");
  CHECK(error_of("\"a\tb\"") ==
        "1:3 control character (byte 0x09) in a string: write it as an escape like \\n or \\u0009");
  CHECK(error_of("\"\\x\"") == "1:2 invalid escape '\\x' in a string");
  CHECK(error_of("\"\\ud800\"") ==
        "1:2 invalid \\u escape in a string: surrogate U+D800..U+DBFF must be followed by "
        "U+DC00..U+DFFF");
  CHECK(error_of("\"\\udc00\"") ==
        "1:2 invalid \\u escape in a string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF");
  CHECK(error_of("[\"\\u12\"]") ==
        "1:3 invalid \\u escape in a string: '\\u' must be followed by 4 hex digits");
  CHECK(error_of("\"\xc3\x28\"") == "1:2 invalid UTF-8 in a string");
  CHECK(error_of("\"\xed\xa0\x80\"") == "1:2 invalid UTF-8 in a string");  // an encoded surrogate
  CHECK(error_of("[\"ok\", \"\x80\"]") ==
        "1:9 invalid UTF-8 in a string");  // a stray continuation byte
  CHECK(error_of("{} x") == "1:4 expected the end of the text after the JSON value, found 'x'");
  CHECK(
      error_of("[\x01]") ==
      "1:2 expected a value (object, array, string, number, true, false or null), found byte 0x01");
  CHECK(error_of(std::string(300, '[')) == "1:257 nested deeper than 256 levels");
  CHECK(error_of(std::string(256, '[') + std::string(256, ']')) == "parsed");
  CHECK(error_of("{\"a\":[{\"b\":1,\n \"b\":2}]}") == "2:2 duplicate key \"b\" in an object");
  CHECK(error_of("{\"a\":{\"b\":1},\"b\":{\"b\":1}}") ==
        "parsed");  // the same key in different objects
  CHECK(error_of("[-01]") == "1:2 invalid number: leading zeros are not allowed");
  CHECK(error_of("[1 2]") ==
        "1:4 expected ',' or ']' in an array, found a number (a comma missing?)");
  CHECK(error_of("[1,") == "1:4 expected a value, found the end of the text");
  CHECK(error_of("{\"a\",1}") == "1:5 expected ':' after a member name, found ','");
  CHECK(error_of("{x:1}") == "1:2 expected a member name in double quotes, found 'x'");
  CHECK(error_of("[+1]") == "1:2 invalid number: a number cannot start with '+'");
}

TEST_CASE("json: NaN, Infinity and numbers beyond a double are errors; huge integers are floats") {
  CHECK(error_of("{\"loss\": NaN}") == "1:10 NaN and Infinity are not JSON numbers (RFC 8259 §6)");
  CHECK(error_of("[Infinity]") == "1:2 NaN and Infinity are not JSON numbers (RFC 8259 §6)");
  CHECK(error_of("[-Infinity]") == "1:2 NaN and Infinity are not JSON numbers (RFC 8259 §6)");
  CHECK(error_of("[1,\n 1e400]") == "2:2 number out of range (beyond a double): 1e400");
  CHECK(error_of("-1e400") == "1:1 number out of range (beyond a double): -1e400");
  // Beyond 64 bits an integer is read as a double, keeps its text, and is no integer.
  const auto big = Json::parse("123456789012345678901234567890");
  REQUIRE(big);
  CHECK(big->text() == "123456789012345678901234567890");
  CHECK_FALSE(big->unsigned_value());
  CHECK_FALSE(big->is_float());
  CHECK(big->as_double() == 1.2345678901234568e29);
}

TEST_CASE("json: a UTF-8 byte order mark before the text is skipped (RFC 8259 §8.1 allows it)") {
  CHECK(error_of("\xef\xbb\xbf[1]") == "parsed");
  CHECK(error_of("\xef\xbb[1]").find("1:1 ") == 0);
}

TEST_CASE("json: every number keeps its text and reads as the nearest double") {
  auto v = Json::parse("[-0, 0, 7, -7, 0.1, 1E+2, 2.5e-3, 9007199254740993]");
  REQUIRE(v);
  CHECK(v->dump() == "[-0,0,7,-7,0.1,1E+2,2.5e-3,9007199254740993]");
  CHECK((*v)[0].int64_value() == 0);
  CHECK_FALSE((*v)[0].unsigned_value());  // "-0" is written negative
  CHECK((*v)[1].unsigned_value() == 0);
  CHECK((*v)[3].int64_value() == -7);
  CHECK((*v)[4].as_double() == 0.1);
  CHECK((*v)[5].as_double() == 100.0);
  CHECK((*v)[5].is_float());
  CHECK((*v)[6].as_double() == 0.0025);
  CHECK((*v)[7].unsigned_value() == 9007199254740993ULL);  // exact, beyond a double's 2^53
  CHECK(Json::number(-12).dump() == "-12");
  CHECK(Json::number(-12).int64_value() == -12);
  CHECK(Json::number(12).unsigned_value() == 12);
}

TEST_CASE("json: editing keeps members in place") {
  Json o = Json::object();
  o.set("b", Json(true));
  o.set("a", Json("x"));
  o.set("b", Json::number(-5));
  Json list = Json::array();
  list.push_back(Json());
  o.set("list", list);
  CHECK(o.dump() == R"({"b":-5,"a":"x","list":[null]})");
}

TEST_CASE("json writer: doubles are the shortest text that reads back the same") {
  std::string out;
  JsonWriter w(out);
  w.begin_array().value(0.1).value(1.0).value(1e21).value(0.30000000000000004).value(-2.5);
  w.value(std::nan("")).end_array();
  CHECK(out == "[0.1,1.0,1e+21,0.30000000000000004,-2.5,null]");
  // Far outside the exact range the text may be longer than the shortest, but reads back exactly.
  std::string big;
  JsonWriter(big).value(1e300);
  CHECK(std::strtod(big.c_str(), nullptr) == 1e300);
}

TEST_CASE("json writer: its round-trip check reads printf's decimals as the nearest double") {
  // Exact where it matters (digits within 2^53, exponent within ±22), checked against strtod.
  for (const char* t : {"0", "-0", "0.1", "0.01", "0.005", "1e-3", "2.5E2", "123456789012345",
                        "0.000001", "1e22", "9007199254740991", "0.3", "0.7", "1e+2", "-17.25"})
    CHECK(tcpplay::json_writer_detail::parse_decimal(t) == std::strtod(t, nullptr));
  // Beyond that, within a few units in the last place, and infinity past the range.
  const double big = tcpplay::json_writer_detail::parse_decimal("1.2345678901234567890123e300");
  CHECK(std::abs(big - 1.2345678901234568e300) <= 1e285);
  CHECK(tcpplay::json_writer_detail::parse_decimal("1e400") == HUGE_VAL);
  CHECK(tcpplay::json_writer_detail::parse_decimal("1e-400") == 0.0);
  CHECK(tcpplay::json_writer_detail::parse_decimal("00012.5000") == 12.5);
}
