# The CUDA backend is optional (KTUNE_CUDA=AUTO|ON|OFF). ktune never enables the CUDA language:
# kernels are compiled at run time by NVRTC, so the build needs the toolkit's libraries only.
# Rules from docs/ARCHITECTURE.md: link cudart statically (it dlopens the driver at run time),
# never link libcuda (the stub makes a binary that cannot start on a machine without a driver).
set(KTUNE_HAVE_CUDA OFF)
set(KTUNE_CUDA_STATUS "disabled (KTUNE_CUDA=OFF)")
string(TOUPPER "${KTUNE_CUDA}" _ktune_cuda)
if(NOT _ktune_cuda MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "KTUNE_CUDA must be AUTO, ON or OFF (got '${KTUNE_CUDA}')")
endif()

if(NOT _ktune_cuda STREQUAL "OFF")
  find_package(CUDAToolkit 12.6 QUIET)
  set(_missing "")
  if(NOT CUDAToolkit_FOUND)
    set(_missing "the CUDA toolkit (>= 12.6)")
  else()
    find_library(KTUNE_NVRTC_LIBRARY nvrtc HINTS ${CUDAToolkit_LIBRARY_DIR} NO_DEFAULT_PATH)
    find_library(KTUNE_CUPTI_LIBRARY cupti HINTS ${CUDAToolkit_LIBRARY_DIR}
                 ${CUDAToolkit_LIBRARY_ROOT}/extras/CUPTI/lib64 NO_DEFAULT_PATH)
    find_path(KTUNE_CUPTI_INCLUDE cupti_range_profiler.h HINTS ${CUDAToolkit_INCLUDE_DIRS}
              ${CUDAToolkit_LIBRARY_ROOT}/extras/CUPTI/include NO_DEFAULT_PATH)
    find_path(KTUNE_NVTX3_INCLUDE nvtx3/nvToolsExt.h HINTS ${CUDAToolkit_INCLUDE_DIRS} NO_DEFAULT_PATH)
    foreach(_part KTUNE_NVRTC_LIBRARY KTUNE_CUPTI_LIBRARY KTUNE_CUPTI_INCLUDE KTUNE_NVTX3_INCLUDE)
      if(NOT ${_part})
        list(APPEND _missing ${_part})
      endif()
    endforeach()
  endif()

  if(_missing STREQUAL "")
    set(KTUNE_HAVE_CUDA ON)
    set(KTUNE_CUDA_STATUS "enabled (CUDA ${CUDAToolkit_VERSION}, libraries in ${CUDAToolkit_LIBRARY_DIR})")
    # NVRTC by path: CUDA::nvrtc drags in the driver stub (see the warnings module).
    add_library(ktune_cuda_libs INTERFACE)
    target_include_directories(ktune_cuda_libs SYSTEM INTERFACE ${CUDAToolkit_INCLUDE_DIRS}
                               ${KTUNE_CUPTI_INCLUDE} ${KTUNE_NVTX3_INCLUDE})
    target_link_libraries(ktune_cuda_libs INTERFACE CUDA::cudart_static ${KTUNE_NVRTC_LIBRARY}
                          ${KTUNE_CUPTI_LIBRARY} ${CMAKE_DL_LIBS})
  elseif(_ktune_cuda STREQUAL "ON")
    message(FATAL_ERROR "KTUNE_CUDA=ON but not found: ${_missing}")
  else()
    set(KTUNE_CUDA_STATUS "disabled (not found: ${_missing})")
  endif()
endif()

# Architectures NVRTC targets by default and that tests compile for: an explicit list, never
# "native" (there is no GPU on build machines).
set(KTUNE_CUDA_ARCHITECTURES "70;75;80;86;87;89;90;100;120" CACHE STRING
    "CUDA architectures ktune knows and analyses")
