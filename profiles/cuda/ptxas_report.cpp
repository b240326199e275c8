#include "profiles/cuda/ptxas_report.hpp"

#include <charconv>
#include <string>
#include <vector>

namespace ktune::profiles::cuda {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// The text between the first pair of single quotes after `marker`, e.g. 'matmul'.
std::optional<std::string_view> quoted_after(std::string_view line, std::string_view marker) {
  const auto at = line.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  const auto open = line.find('\'', at + marker.size());
  if (open == std::string_view::npos) return std::nullopt;
  const auto close = line.find('\'', open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  return line.substr(open + 1, close - open - 1);
}

// The integer right before " <unit>" in `line` (e.g. "40" in "Used 40 registers"), if present.
std::optional<int> number_before(std::string_view line, std::string_view unit) {
  const auto at = line.find(unit);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::size_t end = at;
  while (end > 0 && line[end - 1] == ' ')
    --end;
  std::size_t begin = end;
  while (begin > 0 && line[begin - 1] >= '0' && line[begin - 1] <= '9')
    --begin;
  int value = 0;
  if (begin == end ||
      std::from_chars(line.data() + begin, line.data() + end, value).ec != std::errc())
    return std::nullopt;
  return value;
}

// Every "N bytes cmem[B]" on the line, summed.
int constant_bytes(std::string_view line) {
  int total = 0;
  for (auto at = line.find("cmem["); at != std::string_view::npos;
       at = line.find("cmem[", at + 1)) {
    std::string_view before = line.substr(0, at);
    while (!before.empty() && before.back() == ' ')
      before.remove_suffix(1);
    if (!before.ends_with("bytes")) continue;
    before.remove_suffix(5);
    while (!before.empty() && before.back() == ' ')
      before.remove_suffix(1);
    std::size_t begin = before.size();
    while (begin > 0 && before[begin - 1] >= '0' && before[begin - 1] <= '9')
      --begin;
    int value = 0;
    if (begin < before.size() &&
        std::from_chars(before.data() + begin, before.data() + before.size(), value).ec ==
            std::errc())
      total += value;
  }
  return total;
}

}  // namespace

std::optional<PtxasReport> parse_ptxas_report(std::string_view log, std::string_view entry) {
  // ptxas writes, per function: "Function properties for NAME", then a stack/spill line; for
  // entries also "Compiling entry function 'NAME'" before and a "Used ..." line after.
  std::string_view current;    // the function the next property lines belong to
  std::string_view compiling;  // the entry being compiled ("Used" lines belong to it)
  PtxasReport report;
  bool found = false;
  for (auto line : lines_of(log)) {
    if (auto name = quoted_after(line, "Compiling entry function")) {
      compiling = *name;
      continue;
    }
    if (const auto at = line.find("Function properties for "); at != std::string_view::npos) {
      current = line.substr(at + 24);
      while (!current.empty() && (current.back() == '\r' || current.back() == ' '))
        current.remove_suffix(1);
      continue;
    }
    if (line.find("stack frame") != std::string_view::npos && current == entry) {
      report.stack_bytes = number_before(line, "bytes stack frame").value_or(0);
      report.spill_store_bytes = number_before(line, "bytes spill stores").value_or(0);
      report.spill_load_bytes = number_before(line, "bytes spill loads").value_or(0);
      continue;
    }
    if (line.find("Used ") != std::string_view::npos &&
        line.find("registers") != std::string_view::npos && compiling == entry) {
      report.registers = number_before(line, "registers").value_or(0);
      report.barriers = number_before(line, "barriers").value_or(0);
      report.shared_bytes = number_before(line, "bytes smem").value_or(0);
      report.const_bytes = constant_bytes(line);
      found = true;
    }
  }
  if (!found) return std::nullopt;
  return report;
}

Resources to_resources(const PtxasReport& report) {
  Resources r;
  r.registers = report.registers;
  r.shared_bytes = report.shared_bytes;
  r.stack_bytes = report.stack_bytes;
  r.spill_store_bytes = report.spill_store_bytes;
  r.spill_load_bytes = report.spill_load_bytes;
  r.const_bytes = report.const_bytes;
  return r;
}

}  // namespace ktune::profiles::cuda
