#include "cli/output.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ktune::cli {

const Json& value_at(const Json& row, std::string_view path) {
  static const Json kNull;
  const Json* node = &row;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string key(path.substr(0, dot));
    if (!node->is_object()) return kNull;
    const auto it = node->find(key);
    if (it == node->end()) return kNull;
    node = &*it;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return *node;
}

std::string shortest(double value) {
  return fmt::format("{}", value);
}

std::string csv_text(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_float()) return shortest(value.get<double>());
  if (value.is_number()) return value.dump();
  return value.dump();
}

std::string table_text(const Json& value, int decimals) {
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number() && decimals >= 0)
    return fmt::format("{:.{}f}", value.get<double>(), decimals);
  return csv_text(value);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    line += csv_field(fields[i]);
  }
  return line;
}

void print_json(std::ostream& out, const Json& document) {
  out << document.dump(2) << '\n';
}

std::string csv_header(const Columns& columns) {
  std::vector<std::string> header;
  for (const auto& c : columns)
    if (c.csv) header.push_back(c.key);
  return csv_line(header);
}

std::string csv_row(const Columns& columns, const Json& row) {
  std::vector<std::string> cells;
  for (const auto& c : columns)
    if (c.csv) cells.push_back(csv_text(value_at(row, c.key)));
  return csv_line(cells);
}

void print_csv(std::ostream& out, const Columns& columns, const Json& rows) {
  out << csv_header(columns) << '\n';
  for (const auto& row : rows)
    out << csv_row(columns, row) << '\n';
}

void print_table(std::ostream& out, const Columns& columns, const Json& rows) {
  std::vector<const Column*> shown;
  for (const auto& c : columns)
    if (!c.header.empty()) shown.push_back(&c);
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header;
  for (const auto* c : shown)
    header.push_back(c->header);
  cells.push_back(std::move(header));
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (const auto* c : shown)
      line.push_back(c->text ? c->text(row) : table_text(value_at(row, c->key), c->decimals));
    cells.push_back(std::move(line));
  }
  std::vector<std::size_t> width(shown.size(), 0);
  for (const auto& line : cells)
    for (std::size_t i = 0; i < line.size(); ++i)
      width[i] = std::max(width[i], line[i].size());
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out << text << '\n';
  }
}

void print_rows(std::ostream& out, Format format, const Columns& columns, const Json& rows) {
  switch (format) {
    case Format::json:
      print_json(out, rows);
      return;
    case Format::csv:
      print_csv(out, columns, rows);
      return;
    case Format::table:
      print_table(out, columns, rows);
      return;
  }
}

namespace {

void add_leaves(Columns& columns, const Json& node, const std::string& prefix,
                const std::vector<std::string>& whole) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object() && std::find(whole.begin(), whole.end(), path) == whole.end())
      add_leaves(columns, *it, path, whole);
    else
      columns.push_back({path, ""});
  }
}

}  // namespace

Columns leaf_columns(const Json& row, const std::vector<std::string>& whole) {
  Columns columns;
  add_leaves(columns, row, "", whole);
  return columns;
}

std::function<std::string(const Json&)> interval_text(std::string prefix, int decimals) {
  return [prefix = std::move(prefix), decimals](const Json& row) -> std::string {
    const auto& low = value_at(row, prefix + "ci_low_ms");
    const auto& high = value_at(row, prefix + "ci_high_ms");
    if (!low.is_number() || !high.is_number()) return "";
    return fmt::format("{:.{}f}-{:.{}f}", low.get<double>(), decimals, high.get<double>(),
                       decimals);
  };
}

}  // namespace ktune::cli
