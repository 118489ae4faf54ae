#pragma once

// The flags parviz-cli's commands share, read as text and checked here, so that every bad
// value gets one line that names the flag and what it accepts.

#include "plan/runplan.h"
#include "util/result.h"

#include <CLI/CLI.hpp>
#include <string>

namespace parviz::cli {

inline constexpr int ExitOk = 0;
inline constexpr int ExitFailed = 1; // a run failed, or an export could not be written
inline constexpr int ExitUsage = 2; // a bad flag or value: nothing ran
inline constexpr int MaxPicturePixels = 16000; // a PNG's width x scale
// Stopped by a signal: 128 + its number (130 for Ctrl+C, 143 for SIGTERM), as shells do;
// what finished is still reported and exported, marked as interrupted.

// A usage error: Error::code is the flag, Error::message what is wrong with its value.
Error usage(const QString &flag, const QString &message);
// "parviz-cli: --tasks: ..." on stderr, on one line.
void printError(const QString &message);
int report(const Error &usageError);

Result<long long> wholeNumber(
    const char *flag, const std::string &text, long long min, long long max);
Result<double> realNumber(const char *flag, const std::string &text, double min, double max);

// What to run: the workload, its workers and the strategies' knobs.
struct WorkloadFlags
{
    std::string tasks = "10";
    std::string duration = "100ms";
    std::string kind = "sleep";
    std::string ioShare = "0.5";
    std::string gil = "held";
    std::string workers;
    std::string fraction = "0.8";
    std::string seed = "1";
    std::string chunkSize = "1";
    std::string switchInterval = "5ms";
    std::string onWorkerDeath = "fail";
    std::string backend = "loky";
    std::string threadsPerWorker = "1";
    std::string daskScheduler; // empty: a LocalCluster for the run
    std::string startTimeout = "10s";
    std::string stallTimeout = "10s";
    bool noJoin = false;
    CLI::Option *tasksOption = nullptr;
    CLI::Option *workersOption = nullptr;

    // `workerFlags`: --workers and --fraction (a sweep has --max-workers instead).
    void addTo(CLI::App &command, bool workerFlags);
};

struct Workload
{
    WorkloadSpec spec;
    WorkerCount workers;
    StrategyOptions options;
};

Result<Workload> parseWorkload(const WorkloadFlags &flags);
// The flag a plan's error is about ("bad-tasks" is --tasks), so its message names it.
QString flagForPlanError(const QString &code);

// Where the results go.
struct ExportFlags
{
    std::string json;
    std::string csv;
    std::string trace;
    std::string png;
    std::string svg;
    std::string pdf;
    std::string pictureWidth = "1600"; // a slide's, as the desktop program's default
    std::string pictureScale = "1";
    bool darkPictures = false;

    // `withTrace`: the Chrome trace (runs, not sweeps); `pictureOf`: what --png, --svg and --pdf
    // draw.
    void addTo(CLI::App &command, bool withTrace, const char *pictureOf);
    // Usage: two exports to standard output, one file named twice, a bad picture size.
    Result<void> check() const;
    // Every file can be written: found before a run that may take hours (exit 1 if not).
    Result<void> checkWritable() const;
    bool toStdout() const;
    bool wantsPictures() const { return !png.empty() || !svg.empty() || !pdf.empty(); }
    int width() const;
    double scale() const;
};

// Pictures need a QApplication; on no display at all, the offscreen platform draws them.
class PictureApplication
{
public:
    PictureApplication(int &argc, char **argv);
    ~PictureApplication();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace parviz::cli
