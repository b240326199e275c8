// The bad-input table (bad_inputs.tsv, issue 14): every case runs the ktune binary on a fresh
// copy of a scratch directory of fixtures and must exit with its code and one line on stderr
// holding its fragment; where the table says `kept`, every file of the directory reads the same
// afterwards (a database by a dump of its contents and identity, anything else by its bytes),
// and no new file appears. See the table's header for its columns and notation.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli_fixture.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = KTUNE_SOURCE_DIR;

struct Case {
  int line = 0;
  std::string name;
  int exit_code = 0;
  std::string fragment;
  bool kept = true;
  std::vector<std::string> args;
};

// \n, \t, \\ and \xHH; then {dir} (the case's directory) and {repeat N TEXT}.
std::string expand(const std::string& text, const fs::path& dir) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char c = text[++i];
      if (c == 'n')
        out += '\n';
      else if (c == 't')
        out += '\t';
      else if (c == 'x' && i + 2 < text.size()) {
        out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else
        out += c;
    } else if (text.compare(i, 5, "{dir}") == 0) {
      out += dir.string();
      i += 4;
    } else if (text.compare(i, 8, "{repeat ") == 0) {
      const auto end = text.find('}', i);
      std::istringstream spec(text.substr(i + 8, end - i - 8));
      std::size_t n = 0;
      std::string unit;
      spec >> n;
      std::getline(spec >> std::ws, unit);
      for (std::size_t k = 0; k < n; ++k)
        out += unit;
      i = end;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
    fields.push_back(line.substr(start, tab - start));
  fields.push_back(line.substr(start));
  return fields;
}

std::vector<Case> read_table(const fs::path& file) {
  std::ifstream in(file);
  std::vector<Case> cases;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const auto f = split_tabs(line);
    if (f.size() < 5 || (f[3] != "kept" && f[3] != "may-change"))
      throw std::runtime_error(fmt::format("bad_inputs.tsv:{}: malformed case", number));
    Case c{number, f[0], std::stoi(f[1]), f[2], f[3] == "kept", {}};
    c.args.assign(f.begin() + 4, f.end());
    cases.push_back(std::move(c));
  }
  return cases;
}

// A database's contents and identity, read with the C API; nullopt when SQLite cannot read it.
std::optional<std::string> dump(const fs::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return std::nullopt;
  }
  std::string text;
  auto query = [&](const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return false;
    int status;
    while ((status = sqlite3_step(s)) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const auto* v = sqlite3_column_text(s, i);
        text += v ? reinterpret_cast<const char*>(v) : "NULL";
        text += '|';
      }
      text += '\n';
    }
    sqlite3_finalize(s);
    return status == SQLITE_DONE;
  };
  bool ok = query("PRAGMA journal_mode") && query("PRAGMA user_version") &&
            query("PRAGMA application_id") &&
            query("SELECT type, name, sql FROM sqlite_master ORDER BY name");
  std::vector<std::string> tables;
  if (ok) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1,
                       &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW)
      tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
  }
  for (const auto& t : tables)
    ok = ok && query(fmt::format("SELECT * FROM \"{}\"", t));
  sqlite3_close(db);
  if (!ok) return std::nullopt;
  return text;
}

std::string bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// What `kept` compares: every regular file but SQLite's -wal and -shm companions.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    std::error_code ec;
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    const auto name = fs::relative(it->path(), dir).string();
    // SQLite's companions of a database, and PoCL's cache of compiled kernels under $HOME.
    if (name.ends_with("-wal") || name.ends_with("-shm") || name.starts_with(".cache/")) continue;
    const auto contents = name.ends_with(".db") ? dump(it->path()) : std::nullopt;
    files[name] = contents ? "dump:" + *contents : "bytes:" + bytes(it->path());
  }
  return files;
}

class BadInputTable : public CliFixture {
 protected:
  // The fixtures every case starts from, made once with the binary itself.
  void make_fixtures(const fs::path& dir) {
    fs::create_directories(dir);
    const auto corpus = kSource / "fuzz" / "corpus" / "dataset";
    fs::copy_file(corpus / "kernel_tuner_gemm.json", dir / "kt.json");
    fs::copy_file(corpus / "t4_convolution.json", dir / "t4.json");
    auto run = [&](const std::vector<std::string>& args) {
      const auto r = ktune(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    };
    run({"import", (dir / "kt.json").string(), "--db", (dir / "r.db").string()});
    run({"tune", "--dataset", (dir / "kt.json").string(), "--budget-evals", "4", "--db",
         (dir / "r.db").string()});
    // Large enough to damage a page beyond the schema's.
    run({"import", (kSource / "datasets" / "convolution_A4000.json.gz").string(), "--db",
         (dir / "damaged.db").string()});
    {
      // Checkpointed into the main file before it is damaged.
      sqlite3* db = nullptr;
      sqlite3_open((dir / "damaged.db").c_str(), &db);
      sqlite3_exec(db, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
      sqlite3_close(db);
      std::fstream f(dir / "damaged.db", std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(40'000);
      const std::string garbage(1024, '\x5a');
      f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    for (const auto& [name, sql] : std::map<std::string, std::string>{
             {"other.db", "CREATE TABLE foo (x)"}, {"future.db", "PRAGMA user_version = 99"}}) {
      sqlite3* db = nullptr;
      sqlite3_open((dir / name).c_str(), &db);
      sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
      sqlite3_close(db);
    }
    // Recorded searches with one bad field each (a Kernel Tuner file of one entry).
    auto kernel_tuner = [&](const std::string& name, const std::string& fields,
                            const std::string& problem_size = "[64, 64]") {
      std::ofstream(dir / name) << R"({"device_name": "GPU", "kernel_name": "k", "problem_size": )"
                                << problem_size
                                << R"(, "tune_params_keys": ["a"], "cache": {"16": {"a": 16, )"
                                << fields << "}}}";
    };
    kernel_tuner("neg.json", R"("time": 2.5, "times": [-3, -3, -3])");
    kernel_tuner("size.json", R"("time": 2.5)", "[99999999999999999999, -5]");
    kernel_tuner("zero.json", R"("time": 2.5)", "[0, 5]");
    kernel_tuner("huge.json", R"("time": 2.5, "times": [1e308])");
    kernel_tuner("inf.json", R"("time": 1e999)");
    {
      const std::string text = bytes(dir / "neg.json");
      gzFile out = gzopen((dir / "cut.json.gz").c_str(), "wb");
      gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
      gzclose(out);
      fs::resize_file(dir / "cut.json.gz", 40);
    }
    std::ofstream(dir / "type.json")
        << R"({"device_name": 5, "tune_params_keys": [], "cache": {}})";
    std::ofstream(dir / "deep.json") << std::string(100000, '[') << std::string(100000, ']');
    std::ofstream(dir / "latin1.json", std::ios::binary)
        << "{\"device_name\": \"GPU\xe9\", \"kernel_name\": \"k\", \"problem_size\": [64], "
           "\"tune_params_keys\": [\"a\"], \"cache\": {}}";
    std::ofstream(dir / "empty.db").close();
    std::ofstream(dir / "notes.txt") << "not a database\n";
    std::ofstream(dir / "existing.csv") << "keep me\n";
    fs::create_directory_symlink("loop", dir / "loop");
    fs::create_symlink("loop2", dir / "loop1");
    fs::create_symlink("loop1", dir / "loop2");
    fs::create_directory(dir / "sub");
  }
};

TEST_F(BadInputTable, EveryCaseIsRefusedOnOneLineAndKeepsStoredData) {
  const auto cases = read_table(kSource / "tests" / "integration" / "bad_inputs.tsv");
  EXPECT_GE(cases.size(), 100u);
  const auto fixtures = dir_ / "fixtures";
  ASSERT_NO_FATAL_FAILURE(make_fixtures(fixtures));
  for (const auto& c : cases) {
    SCOPED_TRACE(fmt::format("bad_inputs.tsv:{} {}", c.line, c.name));
    const auto dir = dir_ / fmt::format("case-{}", c.line);
    fs::copy(fixtures, dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    const auto before = snapshot(dir);
    std::vector<std::string> args;
    for (const auto& a : c.args)
      args.push_back(expand(a, dir));
    const auto r = ktune(args, {{"HOME", dir.string()}});
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    const auto err = lines(r.err);
    EXPECT_EQ(err.size(), 1u) << r.err;
    const auto fragment = expand(c.fragment, dir);
    EXPECT_NE(r.err.find(fragment), std::string::npos) << "wanted: " << fragment << "\n" << r.err;
    if (c.kept) {
      const auto after = snapshot(dir);
      for (const auto& [name, contents] : after) {
        const auto was = before.find(name);
        if (was == before.end())
          ADD_FAILURE() << name << " was created";
        else if (was->second != contents)
          ADD_FAILURE() << name << " changed";
      }
      for (const auto& [name, contents] : before)
        if (!after.contains(name)) ADD_FAILURE() << name << " was removed";
    }
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace ktune::test
