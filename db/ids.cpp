#include "db/ids.hpp"

#include <unistd.h>

#include <climits>
#include <random>

#include <fmt/format.h>

#include "db/store.hpp"

namespace ktune::db {

std::string random_uid() {
  std::random_device device;
  std::string uid;
  for (int i = 0; i < 4; ++i)
    uid += fmt::format("{:08x}", static_cast<std::uint32_t>(device()));
  return uid;
}

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

std::string hash_text(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace ktune::db
