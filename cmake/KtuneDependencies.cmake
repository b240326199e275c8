# Third-party libraries, all from Debian 12 (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(SQLite3 REQUIRED)
find_package(OpenCL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)

# OpenBLAS: the CPU baseline for matmul (and for conv2d via im2col).
find_package(PkgConfig REQUIRED)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)

# oneDNN: optional CPU baseline for conv2d.
find_package(dnnl QUIET CONFIG)
if(NOT dnnl_FOUND)
  find_library(KTUNE_DNNL_LIBRARY dnnl)
  find_path(KTUNE_DNNL_INCLUDE dnnl.hpp)
  if(KTUNE_DNNL_LIBRARY AND KTUNE_DNNL_INCLUDE)
    add_library(DNNL::dnnl UNKNOWN IMPORTED)
    set_target_properties(DNNL::dnnl PROPERTIES IMPORTED_LOCATION ${KTUNE_DNNL_LIBRARY}
                                                INTERFACE_INCLUDE_DIRECTORIES ${KTUNE_DNNL_INCLUDE})
    set(dnnl_FOUND TRUE)
  endif()
endif()

if(KTUNE_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
