# Validates one of the files that describe ParViz to a desktop (the menu entry, the AppStream
# metainfo, the MIME type) with the tool distributions check it with. Without the tool the test
# is skipped (ctest's SKIP_REGULAR_EXPRESSION matches "SKIP:"), saying what to install.
#
#   cmake -DTOOL=appstreamcli -DPACKAGE=appstream -DFILE=... -DWORK_DIR=... -P validate_desktop_file.cmake
#
# TOOL is desktop-file-validate, appstreamcli or update-mime-database; WORK_DIR is a folder of
# the build the MIME check may write in (update-mime-database checks a whole database).
cmake_minimum_required(VERSION 3.21)

foreach(variable TOOL PACKAGE FILE WORK_DIR)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "validate_desktop_file.cmake: -D${variable}=... is required")
    endif()
endforeach()

find_program(tool_path "${TOOL}")
if(NOT tool_path)
    message("SKIP: ${TOOL} is not installed (Debian: apt-get install ${PACKAGE}), so ${FILE} is not validated")
    return()
endif()

if(TOOL STREQUAL "update-mime-database")
    # It never fails: it reports a broken package on standard error and leaves its type out.
    string(RANDOM LENGTH 8 suffix)
    set(data "${WORK_DIR}/mime-check-${suffix}")
    file(MAKE_DIRECTORY "${data}/mime/packages")
    file(COPY "${FILE}" DESTINATION "${data}/mime/packages")
    execute_process(COMMAND "${CMAKE_COMMAND}" -E env "XDG_DATA_DIRS=${data}" "XDG_DATA_HOME=${data}"
            "${tool_path}" "${data}/mime"
        RESULT_VARIABLE status
        OUTPUT_VARIABLE output
        ERROR_VARIABLE output)
    file(GLOB types RELATIVE "${data}/mime" "${data}/mime/application/*.xml")
    file(REMOVE_RECURSE "${data}")
    if(NOT status EQUAL 0 OR output MATCHES "[Ee]rror|[Ff]ailed" OR NOT types)
        message(FATAL_ERROR "update-mime-database refused ${FILE} (${status}):\n${output}")
    endif()
    message(STATUS "${FILE}: the MIME database has ${types}")
    return()
endif()

if(TOOL STREQUAL "appstreamcli")
    # --strict: warnings and infos fail too, only pedantic hints pass.
    set(command "${tool_path}" validate --no-net --strict "${FILE}")
else()
    set(command "${tool_path}" "${FILE}")
endif()
execute_process(COMMAND ${command}
    RESULT_VARIABLE status
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${TOOL} refused ${FILE} (${status}):\n${output}")
endif()
message(STATUS "${TOOL}: ${FILE} is valid\n${output}")
