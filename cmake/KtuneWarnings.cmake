# Warnings for ktune's own targets (never for third-party code), errors under KTUNE_WERROR,
# and the sanitizers chosen by KTUNE_SANITIZE.
add_library(ktune_warnings INTERFACE)
target_compile_options(ktune_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2
  $<$<BOOL:${KTUNE_WERROR}>:-Werror>)

add_library(ktune_sanitizers INTERFACE)
if(KTUNE_SANITIZE)
  target_compile_options(ktune_sanitizers INTERFACE -fsanitize=${KTUNE_SANITIZE} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  # Under -fsanitize GCC keeps every NEEDED library; --as-needed drops the CUDA driver stub
  # that CUDA::nvrtc would otherwise drag in (a binary needing libcuda.so.1 cannot start here).
  target_link_options(ktune_sanitizers INTERFACE -fsanitize=${KTUNE_SANITIZE} -Wl,--as-needed)
endif()

# Applies both to one of our targets.
function(ktune_target_defaults target)
  target_link_libraries(${target} PRIVATE ktune_warnings ktune_sanitizers)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
endfunction()
