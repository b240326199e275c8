# ktune_embed_files(<target> <namespace> <file>...): compiles the files' text into <target> as
# std::string_view constants, so the binary carries its kernel sources and SQL and runs from
# anywhere. The files stay ordinary files that compile (or run) on their own.
function(ktune_embed_files target namespace)
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cpp)
  set(_inputs "")
  foreach(_file ${ARGN})
    get_filename_component(_abs ${_file} ABSOLUTE)
    list(APPEND _inputs ${_abs})
  endforeach()
  string(REPLACE ";" "|" _joined "${_inputs}")
  add_custom_command(
    OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${_out} -DNAMESPACE=${namespace} -DROOT=${PROJECT_SOURCE_DIR}
            "-DINPUTS=${_joined}" -P ${PROJECT_SOURCE_DIR}/cmake/KtuneEmbedScript.cmake
    DEPENDS ${_inputs} ${PROJECT_SOURCE_DIR}/cmake/KtuneEmbedScript.cmake
    COMMENT "Embedding ${namespace} files into ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE ${_out})
endfunction()
