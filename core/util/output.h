#pragma once

#include "util/result.h"

#include <QString>

#include <functional>
#include <memory>
#include <stop_token>

class QFileDevice;
class QIODevice;

namespace parviz {

// Where an export goes: "-" is standard output; a pipe or a device is written in place; a file
// is written whole or not at all (QSaveFile), so a failed or abandoned export never leaves half a
// file behind. Open it, write to device() for as long as it takes (a sweep streams its runs as they
// finish), then commit(). Destroyed without commit(), a file is never created. One thread.
class Output
{
public:
    // A named pipe (FIFO) is opened once a reader has it open: until then open() waits, and a
    // stop requested on `stop` ends the wait, failing.
    static Result<Output> open(const QString &path, std::stop_token stop = {});
    Output(Output &&) noexcept;
    Output &operator=(Output &&) noexcept;
    ~Output();

    const QString &path() const { return m_path; }
    bool isStdout() const;
    QIODevice &device();
    // Finishes the export; `written` false means the writer could not write everything.
    Result<void> commit(bool written = true);

private:
    class WholeWrites;
    Output(QString path, std::unique_ptr<QFileDevice> device);

    QString m_path;
    std::unique_ptr<QFileDevice> m_device;
    // What writers write to: m_device, with every write checked (destroyed before it).
    std::unique_ptr<WholeWrites> m_writes;
};

// Whether `path` can be written, found before a run that may take hours: opens it as an export
// would and abandons it, so nothing is left behind. Standard output always can.
Result<void> checkWritable(const QString &path);

// Opens `path` (see Output::open()), writes it in one go with `write`, and commits it.
Result<void> writeOutput(
    const QString &path, const std::function<bool(QIODevice &)> &write, std::stop_token stop = {});

} // namespace parviz
