// An NVTX tool for tests: loaded by NVTX through NVTX_INJECTION64_PATH, it appends one line per
// domain, category, range push and pop to the file named by KTUNE_NVTX_RECORD:
//   domain <name>
//   category <domain> <id> <name>
//   push <domain> <category> <payload> <message>
//   pop <domain>
#include <nvtx3/nvToolsExt.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace {

std::mutex g_mutex;

void record(const std::string& line) {
  const char* path = std::getenv("KTUNE_NVTX_RECORD");
  if (!path) return;
  std::lock_guard lock(g_mutex);
  if (FILE* f = std::fopen(path, "a")) {
    std::fprintf(f, "%s\n", line.c_str());
    std::fclose(f);
  }
}

struct Domain {
  std::string name;
};

std::string name_of(nvtxDomainHandle_t domain) {
  return domain ? reinterpret_cast<Domain*>(domain)->name : std::string("<default>");
}

nvtxDomainHandle_t NVTX_API create_domain(const char* name) {
  record(std::string("domain ") + name);
  return reinterpret_cast<nvtxDomainHandle_t>(new Domain{name});
}

void NVTX_API name_category(nvtxDomainHandle_t domain, uint32_t id, const char* name) {
  record("category " + name_of(domain) + " " + std::to_string(id) + " " + name);
}

int NVTX_API push(nvtxDomainHandle_t domain, const nvtxEventAttributes_t* a) {
  const std::string message =
      a->messageType == NVTX_MESSAGE_TYPE_ASCII && a->message.ascii ? a->message.ascii : "";
  const std::string payload = a->payloadType == NVTX_PAYLOAD_TYPE_UNSIGNED_INT64
                                  ? std::to_string(a->payload.ullValue)
                                  : std::string("-");
  record("push " + name_of(domain) + " " + std::to_string(a->category) + " " + payload + " " +
         message);
  return 0;
}

int NVTX_API pop(nvtxDomainHandle_t domain) {
  record("pop " + name_of(domain));
  return 0;
}

template <typename F>
NvtxFunctionPointer generic(F f) {
  return reinterpret_cast<NvtxFunctionPointer>(f);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(
    NvtxGetExportTableFunc_t get_export_table) {
  const auto* callbacks =
      static_cast<const NvtxExportTableCallbacks*>(get_export_table(NVTX_ETID_CALLBACKS));
  if (!callbacks) return 0;
  NvtxFunctionTable table = nullptr;
  unsigned int size = 0;
  if (!callbacks->GetModuleFunctionTable(NVTX_CB_MODULE_CORE2, &table, &size) || !table) return 0;
  *table[NVTX_CBID_CORE2_DomainCreateA] = generic(&create_domain);
  *table[NVTX_CBID_CORE2_DomainNameCategoryA] = generic(&name_category);
  *table[NVTX_CBID_CORE2_DomainRangePushEx] = generic(&push);
  *table[NVTX_CBID_CORE2_DomainRangePop] = generic(&pop);
  record("injected");
  return 1;
}
