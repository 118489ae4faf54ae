# Builds the Debian package of the build in BUILD_DIR with `cpack -G DEB` into a temporary folder
# of the build tree, as `cpack -G DEB` run in a build folder would, and checks what `apt install
# ./parviz_*.deb` would install: Debian's file name; the package's name, the version of
# project() (VERSION) and dpkg's architecture; Depends naming the Qt 6 libraries that
# dpkg-shlibdeps found and python3, each satisfied by a package installed here, where the
# programs were built and run; and exactly the files of `cmake --install` under /usr, owned by
# root with their modes: the three programs in BINDIR, the menu entry, the icon, the MIME type
# and the AppStream metainfo in DATADIR, and no test program or file of the build tree. The
# packaged programs then run. Without dpkg-deb (not a Debian system) the test is skipped
# (ctest's SKIP_REGULAR_EXPRESSION matches "SKIP:"). The folder is removed afterwards, whatever
# happened.
#
#   cmake -DBUILD_DIR=... -DVERSION=0.1.0 -DBINDIR=bin -DDATADIR=share -P check_deb.cmake
cmake_minimum_required(VERSION 3.21)

foreach(variable BUILD_DIR VERSION BINDIR DATADIR)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "check_deb.cmake: -D${variable}=... is required")
    endif()
endforeach()

find_program(DPKG_DEB dpkg-deb)
if(NOT DPKG_DEB)
    message("SKIP: dpkg-deb is not installed (not a Debian system), so no Debian package is built")
    return()
endif()
# Without them CPack would leave the libraries out of Depends, or refuse to package.
foreach(tool "dpkg-shlibdeps|dpkg-dev" "file|file")
    string(REPLACE "|" ";" tool "${tool}")
    list(GET tool 0 program)
    list(GET tool 1 package)
    find_program(tool_path_${program} "${program}")
    if(NOT tool_path_${program})
        message(FATAL_ERROR "${program} is missing: CPack needs it to find the programs' "
            "library packages (Debian: apt-get install ${package}, as .ci/install-deps does)")
    endif()
endforeach()

string(RANDOM LENGTH 8 suffix)
set(work "${BUILD_DIR}/deb-check-${suffix}")
set(failures "")

# Runs dpkg-deb with the arguments given and puts its standard output, stripped, in `out`.
function(dpkg_deb out)
    execute_process(COMMAND "${DPKG_DEB}" ${ARGN}
        RESULT_VARIABLE status
        OUTPUT_VARIABLE output
        ERROR_VARIABLE error
        OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT status EQUAL 0)
        list(APPEND failures "dpkg-deb ${ARGN} failed (${status}): ${error}")
        set(failures "${failures}" PARENT_SCOPE)
    endif()
    set(${out} "${output}" PARENT_SCOPE)
endfunction()

# Runs a packaged program under `cmake -E env` with the arguments given (variables to set or
# unset, the program, its arguments); its standard output must match `expected`.
function(run_packaged expected)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E env ${ARGN}
        RESULT_VARIABLE status
        OUTPUT_VARIABLE output
        ERROR_VARIABLE error
        TIMEOUT 60)
    if(NOT status EQUAL 0 OR NOT output MATCHES "${expected}")
        list(JOIN ARGN " " command)
        list(APPEND failures "the packaged ${command} failed (${status}):\n${output}${error}")
        set(failures "${failures}" PARENT_SCOPE)
    endif()
endfunction()

file(MAKE_DIRECTORY "${work}")
execute_process(
    COMMAND "${CMAKE_CPACK_COMMAND}" -G DEB --config "${BUILD_DIR}/CPackConfig.cmake" -B "${work}"
    WORKING_DIRECTORY "${work}"
    RESULT_VARIABLE status
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
file(GLOB packages "${work}/*.deb")
list(LENGTH packages count)
if(NOT status EQUAL 0 OR NOT count EQUAL 1)
    list(APPEND failures "cpack -G DEB did not write one package (${status}, ${count}):\n${output}")
else()
    set(package "${packages}")
    get_filename_component(name "${package}" NAME)
    execute_process(COMMAND dpkg --print-architecture
        OUTPUT_VARIABLE architecture
        OUTPUT_STRIP_TRAILING_WHITESPACE)

    foreach(field Package Version Architecture Maintainer Section Depends Recommends)
        dpkg_deb(${field} --field "${package}" ${field})
    endforeach()
    string(REPLACE "." "\\." version_pattern "${VERSION}")
    if(NOT Package STREQUAL "parviz"
            OR NOT Version MATCHES "^${version_pattern}(-[0-9A-Za-z.+~]+)?$"
            OR NOT Architecture STREQUAL architecture)
        set(found "${Package} ${Version} ${Architecture}")
        list(APPEND failures "the package is ${found}, not parviz ${VERSION} ${architecture}")
    endif()
    # Debian's form, which apt and dpkg-scanpackages expect.
    if(NOT name STREQUAL "parviz_${Version}_${Architecture}.deb")
        list(APPEND failures
            "the package's file is ${name}, not parviz_${Version}_${Architecture}.deb")
    endif()
    foreach(field Maintainer Section)
        if(${field} STREQUAL "")
            list(APPEND failures "the package has no ${field}")
        endif()
    endforeach()

    # Depends, one group of alternatives per comma: the Qt 6 libraries, C's and C++'s, found by
    # dpkg-shlibdeps; python3 and a font, named by hand.
    string(REGEX REPLACE " *, *" ";" groups "${Depends}")
    set(names "")
    foreach(group IN LISTS groups)
        string(REGEX REPLACE "\\([^)]*\\)|:any| " "" group "${group}")
        string(REPLACE "|" ";" alternatives "${group}")
        list(APPEND names ${alternatives})
    endforeach()
    foreach(expected libqt6core6 libqt6gui6 libqt6widgets6 libqt6charts6 libqt6svg6 libc6 python3
            fonts-dejavu-core)
        if(NOT expected IN_LIST names)
            list(APPEND failures "Depends lacks ${expected}: ${Depends}")
        endif()
    endforeach()
    if(NOT Recommends MATCHES "(^|, )python3-joblib(,|$)")
        list(APPEND failures "Recommends lacks python3-joblib: ${Recommends}")
    endif()
    # The programs were built and run here, so each group names a package installed here:
    # `apt install ./${name}` would find what it needs.
    list(REMOVE_DUPLICATES names)
    execute_process(
        COMMAND dpkg-query --show --showformat=\${Package}|\${db:Status-Status}\\n ${names}
        OUTPUT_VARIABLE installed
        ERROR_QUIET)
    string(REGEX MATCHALL "[^\n|]+\\|installed" installed "${installed}")
    list(TRANSFORM installed REPLACE "\\|installed$" "")
    foreach(group IN LISTS groups)
        string(REGEX REPLACE "\\([^)]*\\)|:any| " "" alternatives "${group}")
        string(REPLACE "|" ";" alternatives "${alternatives}")
        set(satisfied FALSE)
        foreach(alternative IN LISTS alternatives)
            if(alternative IN_LIST installed)
                set(satisfied TRUE)
            endif()
        endforeach()
        if(NOT satisfied)
            list(APPEND failures "Depends names ${group}, which is not installed here")
        endif()
    endforeach()

    # Exactly what `cmake --install` installs, under /usr, owned by root: programs executable,
    # the rest readable. Directories are not listed: dpkg makes them.
    set(program_mode "-rwxr-xr-x root/root")
    set(data_mode "-rw-r--r-- root/root")
    set(expected_files
        "${program_mode} ./usr/${BINDIR}/parviz"
        "${program_mode} ./usr/${BINDIR}/parviz-cli"
        "${program_mode} ./usr/${BINDIR}/parviz-worker"
        "${data_mode} ./usr/${DATADIR}/applications/parviz.desktop"
        "${data_mode} ./usr/${DATADIR}/icons/hicolor/scalable/apps/parviz.svg"
        "${data_mode} ./usr/${DATADIR}/metainfo/io.github.parviz.parviz.metainfo.xml"
        "${data_mode} ./usr/${DATADIR}/mime/packages/parviz.xml")
    dpkg_deb(contents --contents "${package}")
    string(REPLACE "\n" ";" lines "${contents}")
    set(files "")
    foreach(line IN LISTS lines)
        # mode owner/group size date time path
        if(NOT line MATCHES "^d")
            string(REGEX REPLACE "^([^ ]+ [^ ]+) +[0-9]+ [^ ]+ [^ ]+ (.*)$" "\\1 \\2"
                file "${line}")
            list(APPEND files "${file}")
        endif()
    endforeach()
    list(SORT files)
    list(SORT expected_files)
    if(NOT files STREQUAL expected_files)
        list(JOIN files "\n  " listed)
        list(JOIN expected_files "\n  " wanted)
        list(APPEND failures "the package holds\n  ${listed}\nnot\n  ${wanted}")
    endif()

    # The packaged programs run from where they are unpacked, parviz-cli with the worker
    # processes packaged beside it, and name no folder of the build: they find nothing of it
    # after `apt install`.
    set(root "${work}/root")
    set(bin "${root}/usr/${BINDIR}")
    dpkg_deb(unused --extract "${package}" "${root}")
    run_packaged("ParViz ${version_pattern}" QT_QPA_PLATFORM=offscreen "${bin}/parviz" --version)
    run_packaged("4 completed"
        --unset=PARVIZ_WORKER "${bin}/parviz-cli" run --strategy process-pool -n 4 -d 10ms -w 2)
    string(REGEX REPLACE "[][\\^$.|?*+(){}]" "\\\\\\0" build_pattern "${BUILD_DIR}")
    file(GLOB_RECURSE unpacked "${root}/*")
    foreach(file IN LISTS unpacked)
        file(STRINGS "${file}" named LIMIT_COUNT 1 REGEX "${build_pattern}")
        if(named)
            file(RELATIVE_PATH where "${root}" "${file}")
            string(SUBSTRING "${named}" 0 200 named)
            list(APPEND failures "${where} names the build folder, ${BUILD_DIR}: ${named}")
        endif()
    endforeach()
endif()

file(REMOVE_RECURSE "${work}")
if(failures)
    list(JOIN failures "\n" message)
    message(FATAL_ERROR "${message}")
endif()
message(STATUS "${name}: ${Package} ${Version} ${Architecture}\n"
    "Depends: ${Depends}\nRecommends: ${Recommends}")
