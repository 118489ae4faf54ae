// parviz-cli's flags on any command line: CLI11 parses the words as `parviz-cli run` (or
// `sweep`, when the first word says so) does, then parseWorkload() and ExportFlags::check()
// read the values, and a plan is checked. The input is the words, one per line. Besides not
// crashing or throwing past main(): every error names its flag, and once check() passed the
// picture size reads without a second check.

#include "flags.h"
#include "fuzzcheck.h"
#include "plan/runplan.h"
#include "run/planning.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace parviz;
using namespace parviz::cli;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    std::vector<std::string> words;
    for (std::size_t start = 0; start <= input.size();) {
        const std::size_t end = std::min(input.find('\n', start), input.size());
        words.emplace_back(input.substr(start, end - start));
        start = end + 1;
    }
    const bool sweep = !words.empty() && words.front() == "sweep";
    if (sweep)
        words.erase(words.begin());

    CLI::App app{"fuzz"};
    std::string strategy = "thread-pool";
    WorkloadFlags workload;
    ExportFlags exports;
    app.add_option("--strategy,-s", strategy);
    workload.addTo(app, !sweep);
    exports.addTo(app, !sweep, "the picture");
    std::reverse(words.begin(), words.end()); // CLI11 takes the words last to first
    try {
        app.parse(words);
    } catch (const CLI::ParseError &) {
        return 0; // main() prints it as a usage error
    }

    const auto parsed = parseWorkload(workload);
    if (!parsed) {
        FUZZ_CHECK(parsed.error().code.startsWith(QLatin1String("--")));
        FUZZ_CHECK(!parsed.error().message.isEmpty());
    } else {
        FUZZ_CHECK(parsed->options.chunkSize >= 1);
        const auto plan = checkRunPlan(
            QString::fromStdString(strategy), parsed->spec, parsed->workers, parsed->options, 4);
        if (!plan)
            FUZZ_CHECK(!plan.error().message.isEmpty());
    }

    if (const auto checked = exports.check(); checked) {
        FUZZ_CHECK(exports.width() >= 400 && exports.width() <= 8000);
        FUZZ_CHECK(exports.scale() >= 1.0 && exports.scale() <= 4.0);
    } else {
        FUZZ_CHECK(checked.error().code.startsWith(QLatin1String("--")));
    }
    return 0;
}
