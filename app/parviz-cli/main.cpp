// parviz-cli: the ParViz engine without a window, for scripts, grading and figures.

#include "commands.h"
#include "flags.h"
#include "stoponsignal.h"
#include "util/format.h"

#include <QRegularExpression>
#include <QString>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <stop_token>

using namespace parviz::cli;

namespace {

void addQuiet(CLI::App &command, bool &quiet)
{
    command.add_flag("--quiet,-q", quiet, "Print nothing but errors: no summary, no progress");
}

// CLI11's words for a few mistakes, said as ParViz says the rest.
QString explain(const CLI::ParseError &error, const std::string &command)
{
    const QString what = QString::fromStdString(error.what());
    static const QRegularExpression missing(QStringLiteral("^(\\S+): \\d+ required \\S+ missing$"));
    if (const auto match = missing.match(what); match.hasMatch())
        return QStringLiteral("%1: needs a value").arg(match.captured(1));
    if (dynamic_cast<const CLI::ExtrasError *>(&error)) {
        const QString extras = what.section(QLatin1Char(':'), 1).trimmed();
        return QStringLiteral("unknown option or argument: %1 (see 'parviz-cli %2--help')")
            .arg(parviz::excerpt(extras),
                command.empty() ? QString()
                                : parviz::excerpt(QString::fromStdString(command)) + u' ');
    }
    return what;
}

// The summary and tables go to standard output through stdio: one that could not be written
// (a full disk, `> /dev/full`) fails the command as an export that could not be written does.
int finishStandardOutput(int status)
{
    errno = 0;
    if (std::fflush(stdout) == 0 && !std::ferror(stdout))
        return status;
    // An export to standard output ("-") that failed has said so already.
    if (status == ExitFailed || status == ExitUsage)
        return status;
    const int error = errno;
    printError(QStringLiteral("writing standard output failed: %1")
                   .arg(error != 0 ? QString::fromLocal8Bit(std::strerror(error))
                                   : QStringLiteral("an error occurred")));
    return status == ExitOk ? ExitFailed : status;
}

} // namespace

int main(int argc, char **argv)
{
    CLI::App app{"ParViz on the command line: runs workloads on real threads and processes with "
                 "ParViz's parallel strategies, measures them, and exports what happened."};
    app.name("parviz-cli");
    app.require_subcommand(1);
    app.set_version_flag("--version", "parviz-cli " PARVIZ_VERSION, "Print the version and exit");
    app.footer("Run 'parviz-cli COMMAND --help' for a command's options and examples.\n"
               "Exit status: 0 done, 1 a run failed or an export could not be written, 2 bad "
               "usage, or no Python that can run a Python program (truth, and Dask runs: nothing "
               "ran), 128 + N "
               "stopped by signal N (130 for Ctrl+C).");

    auto *list =
        app.add_subcommand("list", "List the strategies, with the Python each one mirrors");
    list->footer("Example:\n  parviz-cli list");

    RunFlags runFlags;
    auto *run = app.add_subcommand("run", "Run one workload with one strategy and print a summary");
    run->add_option("--strategy,-s", runFlags.strategy, "Strategy id, from 'parviz-cli list'")
        ->type_name("ID")
        ->capture_default_str();
    runFlags.workload.addTo(*run, true);
    runFlags.exports.addTo(*run, true, "the Gantt");
    addQuiet(*run, runFlags.quiet);
    run->footer(
        "FILE '-' is standard output (the summary then goes to stderr). Files are written whole "
        "or not at all.\n"
        "Examples:\n"
        "  parviz-cli run --strategy thread-pool --tasks 300 --duration 10ms --kind sleep "
        "--workers 8\n"
        "  parviz-cli run -s thread-pool -n 8 -d 50ms -k cpu -w 4 --png gil.png\n"
        "  parviz-cli run -s thread-pool -n 8 -d 50ms -k cpu -w 4 --gil released\n"
        "  parviz-cli run -s sequential -d list:0.1s,1s,0.3s --json run.json\n"
        "  parviz-cli run -s process-pool -n 300 -d 10ms -w 8 --chunksize 10 --trace "
        "run.trace.json\n"
        "  parviz-cli run -s thread-pool -n 1000 -d exp:5ms --csv - | head\n"
        "  parviz-cli run -s dask -n 200 -d 5ms -w 2 --threads-per-worker 2\n"
        "dask, and batched with --backend dask, run in CPython ($PARVIZ_PYTHON, else python3 "
        "on PATH or /usr/bin/python3) with Dask's distributed (Debian: python3-distributed).\n"
        "Exit status: 0 done, 1 the run failed or an export could not be written, 2 bad usage "
        "or no Python that can run a Dask run (nothing ran), 128 + N stopped by signal N (130 "
        "for Ctrl+C).");

    SweepFlags sweepFlags;
    auto *sweep = app.add_subcommand("sweep",
        "Run a workload on 1..W workers (and once sequentially as the baseline) and print the "
        "speedup curve");
    sweep->add_option("--strategy,-s", sweepFlags.strategy, "Strategy id, from 'parviz-cli list'")
        ->type_name("ID")
        ->capture_default_str();
    sweep
        ->add_option("--max-workers,-W",
            sweepFlags.maxWorkers,
            "Sweep 1 to W workers, W from 1 to 1024 (default: the logical CPUs)")
        ->type_name("W");
    sweep
        ->add_option("--repeat,-r",
            sweepFlags.repeat,
            "Runs per point, 1 to 100; each point is their median")
        ->type_name("R")
        ->capture_default_str();
    sweepFlags.workload.addTo(*sweep, false);
    sweepFlags.exports.addTo(*sweep, false, "the speedup chart");
    addQuiet(*sweep, sweepFlags.quiet);
    sweep->footer(
        "Prints a line per point on stderr while it runs, then the table on stdout.\n"
        "Examples:\n"
        "  parviz-cli sweep -s thread-pool -n 16 -d 100ms -k cpu --max-workers 4\n"
        "  parviz-cli sweep -s process-pool -n 48 -d 20ms -k cpu -W 8 --repeat 3 --png "
        "speedup.png --pdf speedup.pdf\n"
        "  parviz-cli sweep -s thread-pool -n 8 -d 50ms -k cpu -W 4 --json sweep.json --csv "
        "sweep.csv\n"
        "Exit status: 0 done, 1 a run failed or an export could not be written, 2 bad usage "
        "or no Python that can run a Dask run (nothing ran), 128 + N stopped by signal N (130 "
        "for Ctrl+C).");

    CompareFlags compareFlags;
    auto *compare = app.add_subcommand(
        "compare", "Run the same workload under several strategies and rank them by makespan");
    compare
        ->add_option("--strategies,-S",
            compareFlags.strategies,
            "Strategy ids, comma-separated, from 'parviz-cli list'")
        ->type_name("A,B,...")
        ->required();
    compareFlags.workload.addTo(*compare, true);
    compareFlags.exports.addTo(*compare, true, "the Gantts, one above the other");
    addQuiet(*compare, compareFlags.quiet);
    compare->footer(
        "With sequential among them, every speedup is against its run; otherwise against the "
        "work itself.\n"
        "Examples:\n"
        "  parviz-cli compare -S sequential,thread-pool,process-pool -n 12 -d 200ms -k cpu -w 2\n"
        "  parviz-cli compare -S thread-pool,process-pool -n 12 -d 200ms -k cpu -w 2 --gil "
        "released\n"
        "  parviz-cli compare -S thread-pool,pool-map,batched -n 1000 -d 1ms -w 4 --png "
        "compare.png --trace compare.trace.json\n"
        "Exit status: 0 done, 1 a run failed or an export could not be written, 2 bad usage "
        "or no Python that can run a Dask run (nothing ran), 128 + N stopped by signal N (130 "
        "for Ctrl+C).");

    TruthFlags truthFlags;
    auto *truth = app.add_subcommand("truth",
        "Run a workload with ParViz, then in real CPython (the strategy's own Python program), "
        "and print both side by side");
    truth->add_option("--strategy,-s", truthFlags.strategy, "Strategy id, from 'parviz-cli list'")
        ->type_name("ID")
        ->capture_default_str();
    truthFlags.workload.addTo(*truth, true);
    truth
        ->add_option("--python",
            truthFlags.python,
            "The Python 3 interpreter (default: $PARVIZ_PYTHON, else python3 on PATH or "
            "/usr/bin/python3, one with joblib first)")
        ->type_name("PATH");
    truthFlags.exports.addTo(*truth, true, "both Gantts, one above the other");
    addQuiet(*truth, truthFlags.quiet);
    truth->footer(
        "The Python program is the one the desktop program's Python panel shows, with a tracer "
        "around each task; CPU tasks compute for their duration of the thread's CPU time, in "
        "that interpreter. The runs go one after the other. batched needs joblib (Debian: "
        "python3-joblib), dask Dask's distributed (Debian: python3-distributed).\n"
        "Examples:\n"
        "  parviz-cli truth --strategy thread-pool --tasks 8 --duration 40ms --kind cpu "
        "--workers 4\n"
        "  parviz-cli truth -s process-pool -n 300 -d 10ms -w 8 --png truth.png --json "
        "truth.json\n"
        "  parviz-cli truth -s batched -n 100 -d 5ms -w 2 --python /usr/bin/python3\n"
        "Exit status: 0 both ran, 1 a run failed (a Python traceback follows the message) or an "
        "export could not be written, 2 bad usage or no interpreter that can run the program "
        "(nothing ran), 128 + N stopped by signal N (130 for Ctrl+C; nothing of Python is left "
        "running).");

    TraceFlags traceFlags;
    auto *trace = app.add_subcommand("trace",
        "Run a Python program of your own, unmodified, in CPython with ParViz's tracer, and "
        "draw every unit of parallel work it does");
    trace
        ->add_option("--python",
            traceFlags.python,
            "The Python 3 interpreter (default: $PARVIZ_PYTHON, else python3 on PATH or "
            "/usr/bin/python3, one with joblib first)")
        ->type_name("PATH");
    traceFlags.exports.addTo(*trace, true, "the Gantt");
    addQuiet(*trace, traceFlags.quiet);
    trace->add_option("program", traceFlags.program, "The program and its arguments, after --")
        ->type_name("PROGRAM.py [ARGS...]");
    trace->footer(
        "Traced: concurrent.futures' executors, threading.Thread, multiprocessing's Process and "
        "Pool, and joblib.Parallel, under every start method and nested; each call a row's "
        "run, the main thread's submits and waits its main row. The program's standard input, "
        "output and error are this command's; the summary and what was written go to stderr "
        "once it has ended. Ctrl+C stops it and every process it started.\n"
        "Examples:\n"
        "  parviz-cli trace -- my_program.py --its-own-flag\n"
        "  parviz-cli trace --json run.json --png run.png -- my_program.py\n"
        "  parviz-cli trace --python /usr/bin/python3 --trace run.trace.json -- my_program.py\n"
        "Exit status: 0 the program ran and exited with 0, 1 it failed (its exit code in the "
        "message; its traceback is above, on stderr) or an export could not be written, 2 bad "
        "usage or no Python that runs (nothing ran), 128 + N stopped by signal N (130 for "
        "Ctrl+C; nothing of the program is left running).");

    // CLI11 would only say that a command is required; name the word it did not know.
    const std::vector<CLI::App *> commands{list, run, sweep, compare, truth, trace};
    if (argc > 1 && argv[1][0] != '-'
        && std::none_of(commands.begin(), commands.end(), [&](CLI::App *command) {
               return command->get_name() == argv[1];
           })) {
        printError(
            QStringLiteral("unknown command '%1' (use run, sweep, compare, truth, trace or list; "
                           "see "
                           "--help)")
                .arg(parviz::excerpt(QString::fromLocal8Bit(argv[1]))));
        return ExitUsage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &error) {
        if (error.get_exit_code() == 0)
            return app.exit(error);
        const std::string command = argc > 1 && argv[1][0] != '-' ? argv[1] : "";
        printError(explain(error, command));
        return ExitUsage;
    }
    if (list->parsed())
        return finishStandardOutput(listStrategies());

    // Ctrl+C and SIGTERM stop the run in progress; what finished is still reported.
    std::stop_source stop;
    StopOnSignal stopOnSignal([&stop] { stop.request_stop(); });
    const ExportFlags &exports = run->parsed() ? runFlags.exports
        : sweep->parsed()                      ? sweepFlags.exports
        : truth->parsed()                      ? truthFlags.exports
        : trace->parsed()                      ? traceFlags.exports
                                               : compareFlags.exports;
    std::unique_ptr<PictureApplication> pictures;
    if (exports.wantsPictures())
        pictures = std::make_unique<PictureApplication>(argc, argv);

    int status = ExitOk;
    try {
        if (run->parsed())
            status = runCommand(runFlags, stop.get_token());
        else if (sweep->parsed())
            status = sweepCommand(sweepFlags, stop.get_token());
        else if (truth->parsed())
            status = truthCommand(truthFlags, stop.get_token());
        else if (trace->parsed())
            status = traceCommand(traceFlags, stop.get_token());
        else
            status = compareCommand(compareFlags, stop.get_token());
    } catch (const std::bad_alloc &) {
        // A run that runs out of memory fails as a run; this is memory that ran out around it
        // (its exports, its summary). No allocation here: there may be none to be had.
        std::fputs("parviz-cli: out of memory\n", stderr);
        return ExitFailed;
    }
    if (status == ExitOk && stopOnSignal.signalled())
        status = 128 + stopOnSignal.signalNumber();
    return finishStandardOutput(status);
}
