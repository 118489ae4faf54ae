# Installs the build in BUILD_DIR into a temporary prefix, as `cmake --install build/release
# --prefix ~/.local` would, and checks what a desktop needs to find ParViz there: the three
# programs in BINDIR, the menu entry and its icon, the MIME type of run files and the AppStream
# metainfo in DATADIR. Then the installed parviz-cli runs
# the process pool, whose workers it must find beside itself, not in the build tree. The prefix is
# removed afterwards, whatever happened.
#
#   cmake -DBUILD_DIR=... -DBINDIR=bin -DDATADIR=share -P check_install.cmake
cmake_minimum_required(VERSION 3.21)

foreach(variable BUILD_DIR BINDIR DATADIR)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "check_install.cmake: -D${variable}=... is required")
    endif()
endforeach()

string(RANDOM LENGTH 8 suffix)
set(prefix "${BUILD_DIR}/install-check-${suffix}")
set(bin "${prefix}/${BINDIR}")
set(failures "")

execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}"
    RESULT_VARIABLE status
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
if(NOT status EQUAL 0)
    list(APPEND failures "cmake --install failed (${status}):\n${output}")
else()
    foreach(file
            "${BINDIR}/parviz"
            "${BINDIR}/parviz-cli"
            "${BINDIR}/parviz-worker"
            "${DATADIR}/applications/parviz.desktop"
            "${DATADIR}/icons/hicolor/scalable/apps/parviz.svg"
            "${DATADIR}/mime/packages/parviz.xml"
            "${DATADIR}/metainfo/io.github.parviz.parviz.metainfo.xml")
        if(NOT EXISTS "${prefix}/${file}")
            list(APPEND failures "not installed: ${file}")
        endif()
    endforeach()

    # The menu entry starts the installed program, with the files a file manager gives it, and
    # shows the installed icon. It opens the MIME type the installed package defines, which
    # the metainfo names and whose entry it launches.
    file(READ "${prefix}/${DATADIR}/applications/parviz.desktop" entry)
    if(NOT entry MATCHES "\nExec=parviz %F\n" OR NOT entry MATCHES "\nIcon=parviz\n")
        list(APPEND failures "parviz.desktop does not name Exec=parviz %F and Icon=parviz")
    endif()
    set(type "application/x-parviz-run+json")
    file(READ "${prefix}/${DATADIR}/mime/packages/parviz.xml" mime)
    file(READ "${prefix}/${DATADIR}/metainfo/io.github.parviz.parviz.metainfo.xml" metainfo)
    foreach(expected
            "entry|\nMimeType=${type}"
            "mime|<mime-type type=\"${type}\">"
            "metainfo|<launchable type=\"desktop-id\">parviz.desktop</launchable>"
            "metainfo|<mediatype>${type}</mediatype>")
        string(FIND "${expected}" "|" bar)
        string(SUBSTRING "${expected}" 0 ${bar} where)
        math(EXPR bar "${bar} + 1")
        string(SUBSTRING "${expected}" ${bar} -1 text)
        string(FIND "${${where}}" "${text}" found)
        if(found EQUAL -1)
            list(APPEND failures "the installed ${where} file lacks: ${text}")
        endif()
    endforeach()
    find_program(DESKTOP_FILE_VALIDATE desktop-file-validate)
    if(DESKTOP_FILE_VALIDATE)
        execute_process(
            COMMAND "${DESKTOP_FILE_VALIDATE}" "${prefix}/${DATADIR}/applications/parviz.desktop"
            RESULT_VARIABLE status
            OUTPUT_VARIABLE output
            ERROR_VARIABLE output)
        if(NOT status EQUAL 0)
            list(APPEND failures "desktop-file-validate: ${output}")
        endif()
    endif()

    # The installed command line runs real worker processes: the ones installed beside it.
    set(run "${CMAKE_COMMAND}" -E env --unset=PARVIZ_WORKER
        "${bin}/parviz-cli" run --strategy process-pool -n 4 -d 10ms -w 2)
    execute_process(COMMAND ${run}
        RESULT_VARIABLE status
        OUTPUT_VARIABLE output
        ERROR_VARIABLE error
        TIMEOUT 60)
    if(NOT status EQUAL 0 OR NOT output MATCHES "4 completed")
        list(APPEND failures "the installed parviz-cli failed (${status}):\n${output}${error}")
    endif()
    # Without its worker, it says where it looked: beside itself.
    file(REMOVE "${bin}/parviz-worker")
    execute_process(COMMAND ${run}
        RESULT_VARIABLE status
        OUTPUT_VARIABLE output
        ERROR_VARIABLE error
        TIMEOUT 60)
    string(FIND "${error}" "${bin}/parviz-worker" named)
    if(NOT status EQUAL 1 OR named EQUAL -1)
        list(APPEND failures
            "without its worker, the installed parviz-cli did not look for it in ${bin} (${status}):\n${error}")
    endif()
endif()

file(REMOVE_RECURSE "${prefix}")
if(failures)
    list(JOIN failures "\n" message)
    message(FATAL_ERROR "${message}")
endif()
message(STATUS "installed and ran from ${prefix}")
