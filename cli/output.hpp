#pragma once
// Printing for people and programs from one model (as nvbench's printers): a command builds its
// rows as JSON through the types' serialisers (core/json.hpp, db/json.hpp), and the same rows
// become a JSON document, CSV (keys as the header, full precision) or an aligned table (the
// columns a person wants, with their headers). A column names a value by its path in the row
// ("time.median_ms"), so the table shows exactly what the JSON says.
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace ktune::cli {

enum class Format { table, csv, json };
NLOHMANN_JSON_SERIALIZE_ENUM(Format, {{Format::table, "table"},
                                      {Format::csv, "csv"},
                                      {Format::json, "json"}})

struct Column {
  std::string key;     // path of the value in a row ("time.median_ms"); the CSV header
  std::string header;  // the table's header; empty: CSV only
  int decimals = -1;   // table: digits after the point for numbers (-1: as in the CSV)
  // Table only: the text to show instead of the value (e.g. a confidence interval "lo-hi").
  std::function<std::string(const Json& row)> text{};
  bool csv = true;  // false: a table-only column (its text is made of other columns' values)
};
using Columns = std::vector<Column>;

// The value at a dotted path of an object; null when absent.
const Json& value_at(const Json& row, std::string_view path);
// A value as one CSV cell: text as is, numbers in the shortest exact form, null empty,
// arrays and objects as compact JSON.
std::string csv_text(const Json& value);
// A value as a table cell: numbers with `decimals` digits after the point (-1: as csv_text),
// booleans yes/no, null empty.
std::string table_text(const Json& value, int decimals = -1);

// RFC 4180: quoted when it holds a comma, a quote, CR or LF.
std::string csv_field(std::string_view text);
std::string csv_line(const std::vector<std::string>& fields);

// The CSV header of `columns`, and one row's line.
std::string csv_header(const Columns& columns);
std::string csv_row(const Columns& columns, const Json& row);

void print_json(std::ostream& out, const Json& document);
void print_csv(std::ostream& out, const Columns& columns, const Json& rows);
void print_table(std::ostream& out, const Columns& columns, const Json& rows);
// rows: an array of objects. JSON prints `rows` itself.
void print_rows(std::ostream& out, Format format, const Columns& columns, const Json& rows);

// A CSV column for every leaf of `row` (objects flattened with dots; arrays, and the objects
// named in `whole`, as one cell), in the row's order: the CSV of a full record.
Columns leaf_columns(const Json& row, const std::vector<std::string>& whole = {});

// "0.05" for 0.05 (not 0.050000000000000003): the shortest text that reads back the same.
std::string shortest(double value);
// "1.2345-1.3456": a confidence interval from the row's `prefix`ci_low_ms / ci_high_ms.
std::function<std::string(const Json&)> interval_text(std::string prefix, int decimals = 4);

}  // namespace ktune::cli
