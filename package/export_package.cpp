#include "package/export_package.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "kernels/sources.hpp"
#include "package/family_spec.hpp"

namespace ktune::package {
namespace {

std::string upper(std::string text) {
  for (auto& ch : text)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return text;
}

std::string c_string(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + '"';
}

std::string cmake_quoted(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\' || ch == '$') out += '\\';
    out += ch;
  }
  return out + '"';
}

// A device of the table, with what the generated code needs to re-check its constraints.
struct DeviceRow {
  DeviceInfo info;
  std::vector<std::int64_t> bindings;  // the device-derived bindings, in Model::device_bindings
  std::size_t constraint_set = 0;
  std::size_t default_config = 0;
};

struct ConfigRow {
  std::string canonical;
  std::vector<std::int64_t> values;  // in parameter order
  std::vector<Define> defines;
  std::vector<std::string> cuda_options;
  std::size_t source = 0;  // into FamilySpec::source_files
};

struct EntryRow {
  std::size_t device = 0;
  std::vector<std::int64_t> dims;
  std::size_t config = 0;
  double median_ms = 0;
  std::string problem;
};

struct Model {
  const kernels::Family* family = nullptr;
  const FamilySpec* spec = nullptr;
  std::vector<tuner::Param> params;
  std::vector<std::string> device_bindings;               // names, in DeviceRow::bindings order
  std::vector<std::vector<std::string>> constraint_sets;  // C++ expressions
  std::vector<DeviceRow> devices;
  std::vector<ConfigRow> configs;
  std::vector<EntryRow> entries;
  std::size_t generic_default = 0;  // the default for a device the table does not know
};

bool is_shape_binding(const FamilySpec& spec, std::string_view name) {
  return std::any_of(spec.shape_bindings.begin(), spec.shape_bindings.end(),
                     [&](const auto& b) { return b.first == name; });
}

// The constraints of `space` as C++ over `c` (Config), `s` (Shape) and `d` (DeviceRow).
std::vector<std::string> translate_constraints(const tuner::Space& space, const Model& model) {
  const auto& params = space.params();
  std::vector<std::string> names;  // slot -> C++ expression
  for (std::size_t i = 0; i < params.size(); ++i)
    names.push_back(fmt::format("c.v[{}]", i));
  std::map<std::string, std::size_t, std::less<>> binding_slot;
  for (const auto& [name, value] : space.bindings()) {
    binding_slot[name] = names.size();
    if (auto it = std::find_if(model.spec->shape_bindings.begin(), model.spec->shape_bindings.end(),
                               [&](const auto& b) { return b.first == name; });
        it != model.spec->shape_bindings.end()) {
      names.push_back(it->second);
    } else {
      const auto pos = std::find(model.device_bindings.begin(), model.device_bindings.end(), name);
      names.push_back(fmt::format("d.bindings[{}]", pos - model.device_bindings.begin()));
    }
  }
  const tuner::Resolver resolve = [&](std::string_view name) -> std::optional<tuner::Resolved> {
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i].name == name) return tuner::Resolved{tuner::Resolved::Kind::slot, i, 0};
    if (auto it = binding_slot.find(name); it != binding_slot.end())
      return tuner::Resolved{tuner::Resolved::Kind::slot, it->second, 0};
    std::optional<std::int64_t> label;
    int matches = 0;
    for (const auto& p : params)
      for (std::size_t v = 0; v < p.labels.size(); ++v)
        if (p.labels[v] == name) {
          label = static_cast<std::int64_t>(v);
          ++matches;
        }
    if (matches == 1) return tuner::Resolved{tuner::Resolved::Kind::constant, 0, *label};
    return std::nullopt;
  };
  std::vector<std::string> out;
  for (const auto& constraint : space.constraints()) {
    const auto e = tuner::Expression::parse(constraint.text(), resolve);
    out.push_back(e.to_cpp([&](std::size_t slot) { return names.at(slot); }) + "  /* " +
                  constraint.text() + " */");
  }
  return out;
}

std::size_t add_config(Model& model, const tuner::Space& space, const tuner::Config& config,
                       const Problem& problem) {
  const std::string canonical = space.canonical(config);
  for (std::size_t i = 0; i < model.configs.size(); ++i)
    if (model.configs[i].canonical == canonical) return i;
  ConfigRow row;
  row.canonical = canonical;
  for (const auto& p : model.params)
    row.values.push_back(space.value(config, p.name));
  const auto plan = model.family->plan(space, config, problem);
  row.defines = plan.source.defines;
  row.cuda_options = plan.source.cuda_options;
  row.source = model.spec->source_files.size();
  for (std::size_t i = 0; i < model.spec->source_files.size(); ++i)
    if (kernels::assemble("kernels/" + model.spec->source_files[i]) == plan.source.code)
      row.source = i;
  if (row.source == model.spec->source_files.size())
    throw Error(
        fmt::format("ktune export: {} uses a kernel file the exporter does not know", canonical));
  model.configs.push_back(std::move(row));
  return model.configs.size() - 1;
}

Model build_model(const runtime::TunedTable& table, const kernels::Family& family) {
  if (table.entries.empty())
    throw UsageError(fmt::format(
        "ktune export: nothing tuned for {} in {} (tune it first: ktune tune {} --db ...; or "
        "widen --device/--shapes)",
        table.kernel, table.source, table.kernel));
  Model model;
  model.family = &family;
  model.spec = &family_spec(table.kernel);
  const Problem reference_problem = family.default_problem();
  const tuner::Space generic = family.space(reference_problem, DeviceInfo{});
  model.params = generic.params();
  for (const auto& [name, value] : generic.bindings())
    if (!is_shape_binding(*model.spec, name)) model.device_bindings.push_back(name);
  model.generic_default = add_config(model, generic, generic.default_config(), reference_problem);

  std::map<std::string, std::size_t> device_of;  // fingerprint -> row
  for (const auto& entry : table.entries) {
    const auto fingerprint = entry.device.fingerprint();
    auto [it, added] = device_of.emplace(fingerprint, model.devices.size());
    const tuner::Space space = family.space(entry.problem, entry.device);
    if (added) {
      DeviceRow row;
      row.info = entry.device;
      for (const auto& name : model.device_bindings)
        row.bindings.push_back(space.bindings().at(name));
      auto constraints = translate_constraints(space, model);
      auto set = std::find(model.constraint_sets.begin(), model.constraint_sets.end(), constraints);
      row.constraint_set = static_cast<std::size_t>(set - model.constraint_sets.begin());
      if (set == model.constraint_sets.end()) model.constraint_sets.push_back(constraints);
      row.default_config = add_config(model, space, space.default_config(), entry.problem);
      model.devices.push_back(std::move(row));
    }
    EntryRow row;
    row.device = it->second;
    for (const auto& dim : model.spec->dims)
      row.dims.push_back(entry.problem.find(dim).value_or(0));
    row.config = add_config(model, space, space.parse_config(entry.config), entry.problem);
    row.median_ms = entry.median_ms;
    row.problem = entry.problem.canonical();
    model.entries.push_back(std::move(row));
  }
  return model;
}

std::string shape_fields(const FamilySpec& spec) {
  std::string text;
  for (const auto& d : spec.dims)
    text += fmt::format("{}s.{}", text.empty() ? "" : ", ", d);
  return text;
}

std::string defines_text(const ConfigRow& c) {
  std::string text;
  for (const auto& d : c.defines)
    text += fmt::format("{}-D{}={}", text.empty() ? "" : " ", d.name, d.value);
  return text;
}

std::string header_text(const Model& m, const runtime::TunedTable& table) {
  const auto& spec = *m.spec;
  const std::string kernel = spec.kernel;
  const std::string guard = "KTUNE_TUNED_" + upper(kernel);
  std::string h;
  auto out = [&](const std::string& text) { h += text; };
  out(fmt::format(
      R"(// Generated by `ktune export --kernel {0}` from {1}. Do not edit: export again.
//
// The tuned configurations of {0} per (device, shape), and how to run the right one:
//   ktune_tuned::{0}::choose(device, shape)  -> the configuration and the rule that picked it:
//     exact              tuned for this shape on this device (same backend and name);
//     nearest_shape      the nearest tuned shape on this device whose configuration passes the
//                        kernel's constraints for the requested shape;
//     same_architecture  the same two rules over the table's other devices of this architecture;
//     default_config     the kernel's default configuration.
//   opencl_source(c) / opencl_options(c)    the kernel file and the -D options to build it with;
//   geometry(c, shape)                       blocks and threads per block (a flat 1-D launch);
//   launch(c, shape, ..., stream)            CUDA (link ktune::tuned_{0}_cuda): the variants are
//                                            compiled ahead of time by your nvcc.
// Shape distance: the sum over the sizes of |ln(a / b)|, as in `ktune query best`.
#pragma once
#ifndef {2}_HPP
#define {2}_HPP

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#ifndef KTUNE_TUNED_COMMON
#define KTUNE_TUNED_COMMON
namespace ktune_tuned {{

enum class Rule {{ exact, nearest_shape, same_architecture, default_config }};

inline const char* to_string(Rule rule) {{
  switch (rule) {{
    case Rule::exact: return "exact";
    case Rule::nearest_shape: return "nearest_shape";
    case Rule::same_architecture: return "same_architecture";
    case Rule::default_config: return "default";
  }}
  return "default";
}}

// The device to choose for: backend ("cuda", "opencl") and name as ktune devices prints them,
// and the architecture ("sm_90").
struct Device {{
  const char* backend;
  const char* name;
  const char* architecture;
}};

struct Geometry {{
  std::int64_t blocks = 0;   // grid.x (OpenCL: work-groups)
  std::int64_t threads = 0;  // block.x (OpenCL: the local size)
}};

namespace detail {{
inline bool same(const char* a, const char* b) {{ return a && b && std::strcmp(a, b) == 0; }}
inline std::int64_t divide(std::int64_t a, std::int64_t b, bool& ok) {{
  if (b == 0) {{ ok = false; return 0; }}
  return a / b;
}}
inline std::int64_t modulo(std::int64_t a, std::int64_t b, bool& ok) {{
  if (b == 0) {{ ok = false; return 0; }}
  return a % b;
}}
inline std::int64_t ceil_div(std::int64_t a, std::int64_t b, bool& ok) {{
  if (b == 0) {{ ok = false; return 0; }}
  return (a + b - 1) / b;
}}
}}  // namespace detail
}}  // namespace ktune_tuned
#endif  // KTUNE_TUNED_COMMON

// OpenCL: with <CL/cl.h> included before this header, build_opencl() builds a configuration's
// kernel file with its defines.
#if defined(CL_VERSION_1_0) && !defined(KTUNE_TUNED_OPENCL_COMMON)
#define KTUNE_TUNED_OPENCL_COMMON
#include <fstream>
#include <sstream>
namespace ktune_tuned {{
namespace detail {{
inline cl_program build_opencl(cl_context context, cl_device_id device, const char* file,
                               const std::string& defines, const std::string& kernel_dir,
                               cl_int* status, std::string* log) {{
  const std::string name(file);
  std::ifstream in(kernel_dir + "/" + name.substr(name.find('/') + 1));
  if (!in) {{
    *status = CL_INVALID_VALUE;
    if (log) *log = "cannot read " + kernel_dir + "/" + name.substr(name.find('/') + 1);
    return nullptr;
  }}
  std::stringstream text;
  text << in.rdbuf();
  const std::string source = text.str();
  const char* code = source.c_str();
  cl_program program = clCreateProgramWithSource(context, 1, &code, nullptr, status);
  if (*status != CL_SUCCESS) return nullptr;
  const std::string options = defines + " -I " + kernel_dir;
  *status = clBuildProgram(program, 1, &device, options.c_str(), nullptr, nullptr);
  if (*status != CL_SUCCESS) {{
    if (log) {{
      std::size_t size = 0;
      clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size);
      log->assign(size, '\0');
      clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, &(*log)[0], nullptr);
    }}
    clReleaseProgram(program);
    return nullptr;
  }}
  return program;
}}
}}  // namespace detail
}}  // namespace ktune_tuned
#endif  // KTUNE_TUNED_OPENCL_COMMON

namespace ktune_tuned {{
namespace {0} {{

)",
      kernel, table.source, guard));

  // Parameters.
  out(fmt::format("constexpr int kParams = {};\n", m.params.size()));
  out("constexpr const char* kParamNames[kParams] = {");
  for (std::size_t i = 0; i < m.params.size(); ++i)
    out(fmt::format("{}{}", i ? ", " : "", c_string(m.params[i].name)));
  out("};\n");
  for (std::size_t i = 0; i < m.params.size(); ++i)
    out(fmt::format("constexpr int P_{} = {};\n", m.params[i].name, i));
  for (const auto& p : m.params)
    for (std::size_t v = 0; v < p.labels.size(); ++v)
      out(fmt::format("constexpr std::int64_t {}_{} = {};  // {}={}\n", p.name, p.labels[v], v,
                      p.name, p.labels[v]));

  // Shape.
  out("\n// The problem sizes, as ktune's shape syntax names them.\nstruct Shape {\n");
  for (const auto& d : spec.dims)
    out(fmt::format("  std::int64_t {} = 0;\n", d));
  out(fmt::format("}};\nconstexpr int kDims = {};\n\n", spec.dims.size()));
  out(spec.helpers);

  out(R"(
struct Config {
  std::int64_t v[kParams];
  const char* text;     // canonical: NAME=VALUE,...
  const char* defines;  // -DNAME=VALUE ... for an OpenCL build
  int source;           // into kSources
  int variant;          // its compiled CUDA variant (launch())
};

struct DeviceRow {
  const char* backend;
  const char* name;
  const char* architecture;
)");
  out(fmt::format("  std::int64_t bindings[{}];  // ",
                  std::max<std::size_t>(1, m.device_bindings.size())));
  for (std::size_t i = 0; i < m.device_bindings.size(); ++i)
    out(fmt::format("{}{}", i ? ", " : "", m.device_bindings[i]));
  out(R"(
  int constraint_set;
  int default_config;  // into kConfigs
};

struct Entry {
  int device;  // into kDevices
  std::int64_t dims[kDims];
  int config;  // into kConfigs
  double median_ms;
};

)");
  out("inline constexpr const char* kSources[] = {");
  for (std::size_t i = 0; i < spec.source_files.size(); ++i) {
    const auto& file = spec.source_files[i];
    out(fmt::format("{}{}", i ? ", " : "", c_string("kernels/" + file.substr(file.find('/') + 1))));
  }
  out("};\n\ninline constexpr Config kConfigs[] = {\n");
  for (std::size_t i = 0; i < m.configs.size(); ++i) {
    const auto& c = m.configs[i];
    std::string values;
    for (auto v : c.values)
      values += fmt::format("{}{}", values.empty() ? "" : ", ", v);
    out(fmt::format("    {{{{{}}}, {}, {}, {}, {}}},\n", values, c_string(c.canonical),
                    c_string(defines_text(c)), c.source, i));
  }
  out("};\n\ninline constexpr DeviceRow kDevices[] = {\n");
  for (const auto& d : m.devices) {
    std::string bindings;
    for (auto v : d.bindings)
      bindings += fmt::format("{}{}", bindings.empty() ? "" : ", ", v);
    if (bindings.empty()) bindings = "0";
    out(fmt::format("    {{{}, {}, {}, {{{}}}, {}, {}}},\n", c_string(d.info.backend),
                    c_string(d.info.name), c_string(d.info.architecture), bindings,
                    d.constraint_set, d.default_config));
  }
  out("};\n\n// One row per (device, shape): the fastest correct configuration measured.\n"
      "inline constexpr Entry kEntries[] = {\n");
  for (const auto& e : m.entries) {
    std::string dims;
    for (auto v : e.dims)
      dims += fmt::format("{}{}", dims.empty() ? "" : ", ", v);
    out(fmt::format("    {{{}, {{{}}}, {}, {:.6g}}},  // {}\n", e.device, dims, e.config,
                    e.median_ms, e.problem));
  }
  out(fmt::format("}};\ninline constexpr int kGenericDefault = {};\n\n", m.generic_default));

  // Constraints.
  out("// The kernel's constraints, as ktune checks them, for a configuration on a shape.\n");
  for (std::size_t set = 0; set < m.constraint_sets.size(); ++set) {
    out(fmt::format(
        "inline bool satisfies_{}(const Config& c, const Shape& s, const DeviceRow& d) {{\n"
        "  bool ok = true;\n  (void)s;\n  (void)d;\n",
        set));
    for (const char* f : {"divide", "modulo", "ceil_div"}) {
      const bool used = std::any_of(
          m.constraint_sets[set].begin(), m.constraint_sets[set].end(),
          [&](const std::string& e) { return e.find(std::string(f) + "(") != std::string::npos; });
      if (used)
        out(
            fmt::format("  auto {0} = [&](std::int64_t a, std::int64_t b) {{ return detail::{0}(a, "
                        "b, ok); }};\n",
                        f));
    }
    for (const auto& expression : m.constraint_sets[set])
      out(fmt::format("  if (({}) == 0 || !ok) return false;\n", expression));
    out("  return true;\n}\n");
  }
  out("inline bool satisfies(const Config& c, const Shape& s, const DeviceRow& d) {\n"
      "  switch (d.constraint_set) {\n");
  for (std::size_t set = 0; set < m.constraint_sets.size(); ++set)
    out(fmt::format("    case {0}: return satisfies_{0}(c, s, d);\n", set));
  out("  }\n  return false;\n}\n");

  const auto before_kernel_names = h.size();
  out(fmt::format(R"(
inline Geometry geometry(const Config& c, const Shape& s) {{
  Geometry g;
{}
  return g;
}}

inline const char* opencl_source(const Config& c) {{ return kSources[c.source]; }}
inline std::string opencl_options(const Config& c) {{ return c.defines; }}
#if defined(CL_VERSION_1_0)
// Builds the kernel of `c` for `device` (entry point "@KERNEL@"); nullptr with *status (and the
// build log in *log) on failure. `kernel_dir`: the package's kernels directory (CMake defines
// KTUNE_TUNED_KERNEL_DIR for targets that link ktune::tuned_@KERNEL@). The caller releases it.
inline cl_program build_opencl(cl_context context, cl_device_id device, const Config& c,
                               const std::string& kernel_dir, cl_int* status,
                               std::string* log = nullptr) {{
  return detail::build_opencl(context, device, kSources[c.source], c.defines, kernel_dir, status,
                              log);
}}
#endif

inline double distance(const std::int64_t* tuned, const Shape& s) {{
  const std::int64_t wanted[kDims] = {{{}}};
  double d = 0;
  for (int i = 0; i < kDims; ++i) {{
    if (tuned[i] <= 0 || wanted[i] <= 0) {{
      if (tuned[i] != wanted[i]) return std::numeric_limits<double>::infinity();
      continue;
    }}
    d += std::fabs(std::log(static_cast<double>(tuned[i]) / static_cast<double>(wanted[i])));
  }}
  return d;
}}

struct Choice {{
  const Config* config = nullptr;
  Rule rule = Rule::default_config;
  const Entry* entry = nullptr;  // the tuned result used; null for the default
  double distance = 0;           // between its shape and the requested one
}};

// Picks the configuration for `shape` on `device` (see the top of this file).
inline Choice choose(const Device& device, const Shape& shape) {{
  for (int pass = 0; pass < 2; ++pass) {{
    const Entry* best = nullptr;
    double best_distance = std::numeric_limits<double>::infinity();
    for (const Entry& e : kEntries) {{
      const DeviceRow& row = kDevices[e.device];
      const bool same_device = detail::same(row.backend, device.backend) &&
                               detail::same(row.name, device.name);
      const bool same_arch = detail::same(row.architecture, device.architecture) && !same_device;
      if (pass == 0 ? !same_device : !same_arch) continue;
      const double d = distance(e.dims, shape);
      if (!(d < std::numeric_limits<double>::infinity())) continue;
      if (!satisfies(kConfigs[e.config], shape, row)) continue;
      if (!best || d < best_distance || (d == best_distance && e.median_ms < best->median_ms)) {{
        best = &e;
        best_distance = d;
      }}
    }}
    if (best) {{
      const Rule rule = pass == 1 ? Rule::same_architecture
                                  : (best_distance == 0 ? Rule::exact : Rule::nearest_shape);
      return {{&kConfigs[best->config], rule, best, best_distance}};
    }}
  }}
  for (const DeviceRow& row : kDevices)
    if (detail::same(row.backend, device.backend) && detail::same(row.name, device.name))
      return {{&kConfigs[row.default_config], Rule::default_config, nullptr, 0}};
  return {{&kConfigs[kGenericDefault], Rule::default_config, nullptr, 0}};
}}

}}  // namespace {}
}}  // namespace ktune_tuned

// CUDA: link ktune::tuned_{}_cuda (it defines {}_CUDA and compiles every configuration above).
#if defined({}_CUDA)
#include <cuda_runtime.h>
namespace ktune_tuned {{
namespace {} {{
namespace detail {{
)",
                  spec.geometry, shape_fields(spec), kernel, kernel, guard, guard, kernel));
  for (auto at = h.find("@KERNEL@", before_kernel_names); at != std::string::npos;
       at = h.find("@KERNEL@", at))
    h.replace(at, 8, kernel);
  for (std::size_t i = 0; i < m.configs.size(); ++i)
    out(fmt::format(
        "cudaError_t launch_v{}(const Shape& s, const Geometry& g, {}, cudaStream_t stream);\n", i,
        spec.cuda_parameters));
  out(fmt::format(R"(}}  // namespace detail

// Runs configuration `c` on the caller's device buffers and stream; returns the launch's error.
inline cudaError_t launch(const Config& c, const Shape& s, {}, cudaStream_t stream = nullptr) {{
  const Geometry g = geometry(c, s);
  switch (c.variant) {{
)",
                  spec.cuda_parameters));
  std::string names;  // the parameters' names, in order
  {
    std::string params = spec.cuda_parameters;
    std::size_t start = 0;
    while (start < params.size()) {
      auto end = params.find(',', start);
      if (end == std::string::npos) end = params.size();
      auto item = params.substr(start, end - start);
      auto name = item.substr(item.find_last_of(" *") + 1);
      names += (names.empty() ? "" : ", ") + name;
      start = end + 1;
    }
  }
  for (std::size_t i = 0; i < m.configs.size(); ++i)
    out(fmt::format("    case {0}: return detail::launch_v{0}(s, g, {1}, stream);\n", i, names));
  out(fmt::format(R"(  }}
  return cudaErrorInvalidValue;
}}

}}  // namespace {}
}}  // namespace ktune_tuned
#endif  // {}_CUDA

#endif  // {}_HPP
)",
                  kernel, guard, guard));
  return h;
}

std::string cuda_unit(const Model& m, std::size_t index) {
  const auto& spec = *m.spec;
  const auto& c = m.configs[index];
  const auto& file = spec.source_files[c.source];
  std::string text = fmt::format(
      "// Generated by ktune export: configuration {} of {}: {}\n"
      "#include <cuda_runtime.h>\n\n"
      "#include \"ktune_tuned/{}.hpp\"\n\n"
      "#define {} ktune_tuned_{}_v{}\n",
      index, spec.kernel, c.canonical, spec.kernel, spec.kernel, spec.kernel, index);
  for (const auto& d : c.defines)
    text += fmt::format("#define {} {}\n", d.name, d.value);
  text += fmt::format("#include \"ktune_tuned/kernels/{}\"\n#undef {}\n\n",
                      file.substr(file.find('/') + 1), spec.kernel);
  text += fmt::format(
      "cudaError_t ktune_tuned::{0}::detail::launch_v{1}(const ktune_tuned::{0}::Shape& s,\n"
      "    const ktune_tuned::Geometry& g, {2}, cudaStream_t stream) {{\n"
      "  ktune_tuned_{0}_v{1}<<<static_cast<unsigned>(g.blocks), static_cast<unsigned>(g.threads), "
      "0, stream>>>({3});\n"
      "  return cudaGetLastError();\n"
      "}}\n",
      spec.kernel, index, spec.cuda_parameters, spec.cuda_arguments);
  return text;
}

std::string targets_text(const Model& m) {
  const std::string k = m.spec->kernel;
  std::string text = fmt::format(
      R"(# Generated by ktune export: the targets of the tuned {0}. Included by ktune_tunedConfig.cmake.
if(NOT TARGET ktune::tuned_{0})
  add_library(ktune::tuned_{0} INTERFACE IMPORTED)
  set_target_properties(ktune::tuned_{0} PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${{CMAKE_CURRENT_LIST_DIR}}/include"
    INTERFACE_COMPILE_FEATURES cxx_std_17
    INTERFACE_COMPILE_DEFINITIONS "KTUNE_TUNED_KERNEL_DIR=\"${{CMAKE_CURRENT_LIST_DIR}}/include/ktune_tuned/kernels\"")
  set(ktune_tuned_{0}_KERNEL_DIR "${{CMAKE_CURRENT_LIST_DIR}}/include/ktune_tuned/kernels")

  # CUDA: every tuned configuration compiled ahead of time by this project's nvcc, for its
  # CMAKE_CUDA_ARCHITECTURES. Only when the project has enabled the CUDA language.
  get_property(_ktune_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("CUDA" IN_LIST _ktune_languages AND NOT TARGET ktune::tuned_{0}_cuda)
    add_library(ktune_tuned_{0}_cuda STATIC
)",
      k);
  for (std::size_t i = 0; i < m.configs.size(); ++i)
    text += fmt::format("      \"${{CMAKE_CURRENT_LIST_DIR}}/cuda/{}_v{}.cu\"\n", k, i);
  text += fmt::format(R"(    )
    target_link_libraries(ktune_tuned_{0}_cuda PUBLIC ktune::tuned_{0})
    target_compile_definitions(ktune_tuned_{0}_cuda PUBLIC KTUNE_TUNED_{1}_CUDA=1)
    find_package(CUDAToolkit REQUIRED)
    target_link_libraries(ktune_tuned_{0}_cuda PUBLIC CUDA::cudart)
)",
                      k, upper(k));
  for (std::size_t i = 0; i < m.configs.size(); ++i)
    for (const auto& option : m.configs[i].cuda_options)
      text += fmt::format(
          "    set_source_files_properties(\"${{CMAKE_CURRENT_LIST_DIR}}/cuda/{}_v{}.cu\"\n"
          "      TARGET_DIRECTORY ktune_tuned_{}_cuda PROPERTIES COMPILE_OPTIONS {})\n",
          k, i, k, cmake_quoted(option));
  text += fmt::format(R"(    add_library(ktune::tuned_{0}_cuda ALIAS ktune_tuned_{0}_cuda)
  endif()
  unset(_ktune_languages)
endif()
)",
                      k);
  return text;
}

constexpr const char* kConfigText =
    R"cmake(# Generated by ktune export. Tuned kernels as a CMake package:
#   find_package(ktune_tuned REQUIRED [COMPONENTS matmul conv2d] PATHS <this directory>)
#   target_link_libraries(app PRIVATE ktune::tuned_matmul)        # header, table, OpenCL helpers
#   target_link_libraries(app PRIVATE ktune::tuned_matmul_cuda)   # + the CUDA variants (nvcc)
# Each `ktune export --kernel K --out <this directory>` adds ktune_tuned_K.cmake here.
file(GLOB _ktune_tuned_kernels "${CMAKE_CURRENT_LIST_DIR}/ktune_tuned_*.cmake")
foreach(_ktune_tuned_file IN LISTS _ktune_tuned_kernels)
  include("${_ktune_tuned_file}")
endforeach()
foreach(_ktune_tuned_component IN LISTS ktune_tuned_FIND_COMPONENTS)
  if(NOT TARGET ktune::tuned_${_ktune_tuned_component})
    set(ktune_tuned_FOUND FALSE)
    set(ktune_tuned_NOT_FOUND_MESSAGE
        "no tuned ${_ktune_tuned_component} in ${CMAKE_CURRENT_LIST_DIR} (add it with: ktune export --kernel ${_ktune_tuned_component} --out ${CMAKE_CURRENT_LIST_DIR})")
  endif()
endforeach()
unset(_ktune_tuned_kernels)
unset(_ktune_tuned_file)
unset(_ktune_tuned_component)
)cmake";

std::string version_text() {
  return fmt::format(R"(# Generated by ktune export: the package version is the exporting ktune's.
set(PACKAGE_VERSION "{}")
if(PACKAGE_FIND_VERSION_MAJOR AND NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL "{}")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
)",
                     KTUNE_VERSION,
                     std::string(KTUNE_VERSION).substr(0, std::string(KTUNE_VERSION).find('.')));
}

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Error(fmt::format("ktune export: cannot write '{}'", path.string()));
}

}  // namespace

std::string generated_header(const runtime::TunedTable& table, const kernels::Family& family) {
  return header_text(build_model(table, family), table);
}

ExportSummary export_package(const runtime::TunedTable& table, const kernels::Family& family,
                             const std::filesystem::path& directory) {
  const Model model = build_model(table, family);
  const std::string k = model.spec->kernel;
  ExportSummary summary;
  summary.directory = directory;
  auto write = [&](const std::filesystem::path& relative, std::string_view text) {
    write_file(directory / relative, text);
    summary.files.push_back(relative);
  };
  try {
    std::filesystem::create_directories(directory);
  } catch (const std::filesystem::filesystem_error& e) {
    throw Error(fmt::format("ktune export: cannot create '{}': {}", directory.string(),
                            e.code().message()));
  }
  // Configurations of an earlier export of this kernel are replaced, not mixed in.
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(directory / "cuda", ignored))
    if (entry.path().filename().string().starts_with(k + "_v"))
      std::filesystem::remove(entry.path(), ignored);

  write("ktune_tunedConfig.cmake", kConfigText);
  write("ktune_tunedConfigVersion.cmake", version_text());
  write("ktune_tuned_" + k + ".cmake", targets_text(model));
  write(std::filesystem::path("include/ktune_tuned") / (k + ".hpp"), header_text(model, table));
  write("include/ktune_tuned/kernels/ktune_dialect.h",
        kernels::source_file("kernels/ktune_dialect.h"));
  for (const auto& file : model.spec->source_files)
    write(std::filesystem::path("include/ktune_tuned/kernels") / file.substr(file.find('/') + 1),
          kernels::source_file("kernels/" + file));
  for (std::size_t i = 0; i < model.configs.size(); ++i)
    write(std::filesystem::path("cuda") / fmt::format("{}_v{}.cu", k, i), cuda_unit(model, i));
  write(k + ".json", runtime::to_json(table).dump(2) + "\n");
  summary.entries = model.entries.size();
  summary.configurations = model.configs.size();
  summary.devices = model.devices.size();
  return summary;
}

}  // namespace ktune::package
