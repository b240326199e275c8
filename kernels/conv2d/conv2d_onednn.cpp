#include "kernels/conv2d/conv2d_baseline.hpp"

#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"

#if KTUNE_HAVE_DNNL
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace ktune::kernels {

#if KTUNE_HAVE_DNNL

bool have_onednn() {
  return true;
}

std::string onednn_version() {
  const auto* v = dnnl_version();
  return fmt::format("oneDNN {}.{}.{}", v->major, v->minor, v->patch);
}

BaselineResult time_onednn_conv(const ConvShape& sh, const Workload& inputs,
                                const BaselineOptions& options, std::vector<float>* output) {
  using dnnl::memory;
  using tag = memory::format_tag;
  const auto f32 = memory::data_type::f32;
  BaselineResult result;
  result.method = "onednn";
  result.library = onednn_version() + " (OpenMP)";
  result.threads = resolve_threads(options.threads);
  const int previous = omp_get_max_threads();
  omp_set_num_threads(result.threads);
  try {
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const memory::dims src_dims{sh.n, sh.c, sh.h, sh.w}, wei_dims{sh.k, sh.c, sh.r, sh.s},
        dst_dims{sh.n, sh.k, sh.p(), sh.q()}, strides{sh.stride, sh.stride},
        dilates{sh.dil - 1, sh.dil - 1}, padding{sh.pad, sh.pad};
    // The user's tensors, as the kernels see them.
    memory user_src({src_dims, f32, tag::nchw}, engine,
                    const_cast<float*>(inputs.buffers.at(0).data()));
    memory user_wei({wei_dims, f32, tag::oihw}, engine,
                    const_cast<float*>(inputs.buffers.at(1).data()));
    memory user_dst({dst_dims, f32, tag::nchw}, engine);

    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        memory::desc(src_dims, f32, tag::any), memory::desc(wei_dims, f32, tag::any),
        memory::desc(dst_dims, f32, tag::any), strides, dilates, padding, padding);
    const dnnl::convolution_forward::primitive_desc pd(desc, engine);
    const dnnl::convolution_forward conv(pd);

    memory src = user_src, wei = user_wei, dst = user_dst;
    const bool reorder_src = pd.src_desc() != user_src.get_desc();
    const bool reorder_dst = pd.dst_desc() != user_dst.get_desc();
    if (reorder_src) src = memory(pd.src_desc(), engine);
    if (reorder_dst) dst = memory(pd.dst_desc(), engine);
    if (pd.weights_desc() != user_wei.get_desc()) {
      wei = memory(pd.weights_desc(), engine);
      dnnl::reorder(user_wei, wei).execute(stream, user_wei, wei);
      stream.wait();
    }
    const dnnl::reorder to_src = reorder_src ? dnnl::reorder(user_src, src) : dnnl::reorder();
    const dnnl::reorder to_user = reorder_dst ? dnnl::reorder(dst, user_dst) : dnnl::reorder();
    result.library += fmt::format(", {}", pd.impl_info_str());

    result.samples_ms = time_cpu(
        [&] {
          if (reorder_src) to_src.execute(stream, user_src, src);
          conv.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
          if (reorder_dst) to_user.execute(stream, dst, user_dst);
          stream.wait();
        },
        options);
    if (output) {
      output->resize(static_cast<std::size_t>(sh.output_elements()));
      std::memcpy(output->data(), user_dst.get_data_handle(), output->size() * sizeof(float));
    }
  } catch (const dnnl::error& e) {
    omp_set_num_threads(previous);
    throw Error(fmt::format("oneDNN: {} (status {})", e.what(), static_cast<int>(e.status)));
  }
  omp_set_num_threads(previous);
  summarize_result(result, 2.0 * static_cast<double>(sh.output_elements()) *
                               static_cast<double>(sh.reduction()));
  return result;
}

#else

bool have_onednn() {
  return false;
}

std::string onednn_version() {
  return {};
}

BaselineResult time_onednn_conv(const ConvShape&, const Workload&, const BaselineOptions&,
                                std::vector<float>*) {
  throw Error("this ktune was built without oneDNN (install libdnnl-dev and rebuild)");
}

#endif

}  // namespace ktune::kernels
