// One shape per fact: every command that prints a core or stored type as JSON prints the keys of
// that type's one serialiser (core/json.hpp, db/json.hpp), and every key any command prints is
// documented, with its unit, in docs/OUTPUT.md.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "cli_fixture.hpp"
#include "core/json.hpp"
#include "db/json.hpp"

namespace ktune::test {
namespace {

std::set<std::string> keys_of(const Json& object) {
  std::set<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it)
    keys.insert(it.key());
  return keys;
}

// A type, the keys its serialiser writes, and how to recognise an object of it.
struct Shape {
  std::string type;
  std::set<std::string> keys;
  std::function<bool(const Json&)> is;
  bool exact = true;  // the object has exactly these keys (else: at least these)
};

std::vector<Shape> shapes() {
  DeviceInfo device;
  device.backend = "cuda";
  device.name = "x";
  auto has = [](std::vector<std::string> names) {
    return [names](const Json& j) {
      for (const auto& n : names)
        if (!j.contains(n)) return false;
      return true;
    };
  };
  return {
      {"Summary", keys_of(Json(Summary{})), has({"runs", "ci_low_ms"})},
      {"Resources", keys_of(Json(Resources{})), has({"spill_store_bytes"})},
      {"Metric", keys_of(Json(Metric{})), has({"name", "value", "unit", "source"})},
      {"DeviceInfo", keys_of(Json(device)), has({"compute_units"})},
      {"Evaluation", keys_of(Json(Evaluation{})), has({"outcome", "samples_ms"}), false},
      {"StoredSession", keys_of(Json(db::StoredSession{})), has({"uid", "strategy"}), false},
      {"StoredMeasurement", keys_of(Json(db::StoredMeasurement{})), has({"measurement_id"}), false},
  };
}

// Every object in `doc`, with where it is.
void objects(const Json& doc, const std::string& where,
             std::vector<std::pair<std::string, const Json*>>& out) {
  if (doc.is_object()) {
    out.emplace_back(where, &doc);
    for (auto it = doc.begin(); it != doc.end(); ++it)
      objects(*it, where + "." + it.key(), out);
  } else if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i)
      objects(doc[i], where + "[" + std::to_string(i) + "]", out);
  }
}

// Keys that are names chosen by the data, not by ktune: parameters, settings, tables.
bool data_named(const std::string& parent) {
  for (const char* p : {"params", "settings", "failures", "rows", "problem_dims"})
    if (parent.ends_with(std::string(".") + p)) return true;
  return false;
}

class OutputShapes : public CliFixture {
 protected:
  Json run_json(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    const auto r = ktune(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    try {
      return Json::parse(r.out);
    } catch (const Json::exception& e) {
      ADD_FAILURE() << "not JSON from ktune " << args.front() << ": " << e.what();
      return nullptr;
    }
  }

  // The JSON document `ktune report` embeds in its page.
  Json report_json(std::vector<std::string> args) {
    const std::string page = path("report.html");
    args.insert(args.begin(), "report");
    args.insert(args.end(), {"--out", page});
    const auto r = ktune(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(page);
    std::stringstream text;
    text << in.rdbuf();
    const std::string html = text.str();
    const std::string open = "<script id=\"ktune-data\" type=\"application/json\">";
    const auto begin = html.find(open);
    if (begin == std::string::npos) return nullptr;
    const auto end = html.find("</script>", begin);
    return Json::parse(html.substr(begin + open.size(), end - begin - open.size()));
  }

  std::string recorded_search() const {
    const Json entry = {{"time", 1.5},
                        {"times", {1.4, 1.5, 1.6}},
                        {"compile_time", 10.0},
                        {"benchmark_time", 5.0},
                        {"verification_time", 1.0},
                        {"framework_time", 1.0},
                        {"A", 1},
                        {"timestamp", "2024-01-01 00:00:00"}};
    Json cache = Json::object();
    for (int a : {1, 2, 3, 4}) {
      Json e = entry;
      e["A"] = a;
      e["time"] = 1.0 + a;
      cache[std::to_string(a)] = e;
    }
    const Json doc{{"device_name", "Tiny GPU"},
                   {"kernel_name", "tiny"},
                   {"problem_size", {64, 64}},
                   {"tune_params_keys", {"A"}},
                   {"tune_params", {{"A", {1, 2, 3, 4}}}},
                   {"objective", "time"},
                   {"cache", cache}};
    const std::string file = path("tiny.json");
    std::ofstream(file) << doc.dump();
    return file;
  }
};

TEST_F(OutputShapes, EveryTypeHasTheSameKeysInEveryCommand) {
  const std::string db = path("r.db");
  std::map<std::string, Json> outputs;
  outputs["devices"] = run_json({"devices"});
  outputs["tune"] = run_json({"tune", "matmul", "--shape", "16x16x16", "--backend", "opencl",
                              "--budget-evals", "3", "--finalists", "2", "--finalist-rounds", "1",
                              "--min-runs", "2", "--max-runs", "2", "--db", db});
  outputs["tune replay"] =
      run_json({"tune", "--dataset", recorded_search(), "--budget-evals", "3", "--db", db});
  outputs["profile"] = run_json({"profile", "matmul", "--shape", "16x16x16", "--backend", "opencl",
                                 "--min-runs", "2", "--max-runs", "2", "--db", db});
  outputs["baseline"] =
      run_json({"baseline", "matmul", "--shape", "16x16x16", "--min-runs", "2", "--max-runs", "3"});
  outputs["import"] = run_json({"import", recorded_search(), "--kernel", "tiny2", "--db", db});
  outputs["query best"] =
      run_json({"query", "best", "--kernel", "matmul", "--shape", "16x16x16", "--db", db});
  outputs["query top"] =
      run_json({"query", "top", "--kernel", "matmul", "--shape", "16x16x16", "--db", db});
  outputs["query history"] =
      run_json({"query", "history", "--kernel", "matmul", "--config", "BK=8", "--db", db});
  outputs["query sessions"] = run_json({"query", "sessions", "--db", db});
  outputs["query devices"] = run_json({"query", "devices", "--db", db});
  outputs["db export"] = run_json({"db", "export", "--db", db});
  outputs["db info"] = run_json({"db", "info", "--db", db});
  outputs["db merge"] = run_json({"db", "merge", db, "--into", path("merged.db")});

  std::map<std::string, int> seen;
  for (const auto& [command, doc] : outputs) {
    std::vector<std::pair<std::string, const Json*>> all;
    objects(doc, command, all);
    for (const auto& [where, object] : all)
      for (const auto& shape : shapes()) {
        if (!shape.is(*object)) continue;
        ++seen[shape.type];
        const auto keys = keys_of(*object);
        if (shape.exact) {
          EXPECT_EQ(keys, shape.keys) << shape.type << " at " << where;
        } else {
          for (const auto& k : shape.keys)
            EXPECT_TRUE(keys.contains(k)) << shape.type << " at " << where << " lacks " << k;
        }
      }
  }
  for (const auto& shape : shapes())
    EXPECT_GT(seen[shape.type], 1) << shape.type << " appears in more than one output";
}

TEST_F(OutputShapes, EveryKeyIsDocumentedWithItsUnit) {
  std::ifstream in(KTUNE_SOURCE_DIR "/docs/OUTPUT.md");
  ASSERT_TRUE(in) << "docs/OUTPUT.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string db = path("r.db");
  std::vector<Json> outputs{
      run_json({"devices"}),
      run_json({"tune", "--dataset", recorded_search(), "--budget-evals", "3", "--db", db}),
      run_json({"tune", "matmul", "--shape", "16x16x16", "--backend", "opencl", "--budget-evals",
                "2", "--min-runs", "2", "--max-runs", "2", "--db", db}),
      run_json({"crossover", "matmul", "--sizes", "16,32", "--backend", "opencl", "--min-runs", "2",
                "--max-runs", "2", "--db", db}),
      run_json({"profile", "matmul", "--shape", "16x16x16", "--backend", "opencl", "--min-runs",
                "2", "--max-runs", "2", "--db", db}),
      run_json({"query", "best", "--kernel", "matmul", "--shape", "16x16x16", "--db", db}),
      run_json({"query", "sessions", "--db", db}),
      run_json({"db", "export", "--db", db})};
  // The PoCL tune (session 2): finalists, a CPU baseline, copies, and the crossover sweep.
  outputs.push_back(report_json({"--session", "2", "--db", db}));
  ASSERT_FALSE(outputs.back().is_null());
  ASSERT_TRUE(outputs.back()["sessions"][0]["crossover"].is_object());
  std::set<std::string> undocumented;
  for (const auto& out : outputs) {
    std::vector<std::pair<std::string, const Json*>> all;
    objects(out, "", all);
    for (const auto& [where, object] : all) {
      if (data_named(where)) continue;
      for (auto it = object->begin(); it != object->end(); ++it)
        if (doc.find("`" + it.key() + "`") == std::string::npos) undocumented.insert(it.key());
    }
  }
  EXPECT_TRUE(undocumented.empty())
      << "keys missing from docs/OUTPUT.md: " << Json(undocumented).dump();
}

}  // namespace
}  // namespace ktune::test
