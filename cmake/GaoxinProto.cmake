# gaoxin_proto_library(NAME <target> PROTOS <files relative to proto/> [GRPC] [DEPS <targets>])
#
# Compiles .proto files under ${PROJECT_SOURCE_DIR}/proto into a static library. With GRPC, also
# generates gRPC service stubs. Generated headers are included as "gaoxin/.../x.pb.h".
function(gaoxin_proto_library)
  cmake_parse_arguments(ARG "GRPC" "NAME" "PROTOS;DEPS" ${ARGN})
  set(proto_root "${PROJECT_SOURCE_DIR}/proto")
  set(out_dir "${PROJECT_BINARY_DIR}/gen")
  file(MAKE_DIRECTORY "${out_dir}")
  set(srcs)
  foreach(rel ${ARG_PROTOS})
    get_filename_component(dir "${rel}" DIRECTORY)
    get_filename_component(stem "${rel}" NAME_WE)
    set(base "${out_dir}/${dir}/${stem}")
    set(outs "${base}.pb.cc" "${base}.pb.h")
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outs "${base}.grpc.pb.cc" "${base}.grpc.pb.h")
      set(plugin_args "--grpc_out=${out_dir}"
                      "--plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>")
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc
      ARGS "--proto_path=${proto_root}" "--proto_path=${Protobuf_INCLUDE_DIRS}"
           "--cpp_out=${out_dir}" ${plugin_args} "${proto_root}/${rel}"
      DEPENDS "${proto_root}/${rel}" protobuf::protoc
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND srcs ${outs})
  endforeach()
  add_library(${ARG_NAME} STATIC ${srcs})
  target_include_directories(${ARG_NAME} PUBLIC "${out_dir}")
  target_link_libraries(${ARG_NAME} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${ARG_NAME} PUBLIC gRPC::grpc++)
  endif()
  # Generated code is not ours to warn about.
  target_compile_options(${ARG_NAME} PRIVATE -w)
endfunction()
