#include "util/output.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace parviz {

namespace {

Error writeFailed(const QString &message)
{
    return Error{QStringLiteral("write-failed"), message};
}

QString describe(const QString &path)
{
    return path == QLatin1String("-") ? QStringLiteral("standard output")
                                      : QStringLiteral("'%1'").arg(path);
}

constexpr qint64 BufferBytes = 64 * 1024;
// How often a writer waiting for a pipe's reader tries again.
constexpr std::chrono::milliseconds PipeRetry{20};

bool isPipe(const QString &path)
{
    struct stat status;
    return ::stat(QFile::encodeName(path).constData(), &status) == 0 && S_ISFIFO(status.st_mode);
}

// Opens a named pipe for writing once it has a reader. A plain open() would wait for one in the
// kernel, where nothing can end the wait (Ctrl+C is taken by another thread); without blocking
// it fails with ENXIO instead, and is tried again until a reader comes or `stop` is requested.
Result<int> openPipe(const QString &path, std::stop_token stop)
{
    const QByteArray name = QFile::encodeName(path);
    std::mutex mutex;
    std::condition_variable_any retry; // never notified: waits end by time or by stop
    for (;;) {
        const int fd = ::open(name.constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
            // Writes wait for the reader, as to any pipe.
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            return fd;
        }
        if (errno == EINTR)
            continue;
        if (errno != ENXIO)
            return writeFailed(QStringLiteral("cannot write '%1': %2")
                                   .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
        std::unique_lock lock(mutex);
        if (retry.wait_for(lock, stop, PipeRetry, [] { return false; }) || stop.stop_requested())
            return writeFailed(
                QStringLiteral("cannot write '%1': stopped while waiting for the pipe's reader")
                    .arg(path));
    }
}

} // namespace

// Stands between the writers and the file, so that no write can fail unnoticed. A file opened
// unbuffered returns a short count, without a reason, when a full disk (or a file size limit)
// cuts a write short; writers that stream text (QTextStream under QSvgGenerator) ignore a short
// count, and QSaveFile would then commit the truncated file. Here every write is whole or is a
// failure, with its reason (the next write after a short one gets it from the system), and
// commit() refuses a file once any write failed. Buffers, as the file itself no longer does.
class Output::WholeWrites : public QIODevice
{
public:
    explicit WholeWrites(QFileDevice &file)
        : m_file(file)
    {
        m_buffer.reserve(BufferBytes);
        open(QIODevice::WriteOnly | QIODevice::Unbuffered);
    }

    bool isSequential() const override { return true; }
    bool failed() const { return m_failed; }
    QString reason() const { return m_reason; }

    // Writes out what is buffered; false if any write so far failed.
    bool writeBuffer()
    {
        if (!m_failed && !m_buffer.isEmpty())
            writeThrough(m_buffer.constData(), m_buffer.size());
        m_buffer.clear();
        return !m_failed;
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        if (m_failed)
            return -1;
        if (m_buffer.size() + size > BufferBytes && !writeBuffer())
            return -1;
        if (size >= BufferBytes)
            return writeThrough(data, size) ? size : -1;
        m_buffer.append(data, size);
        return size;
    }

private:
    bool writeThrough(const char *data, qint64 size)
    {
        qint64 done = 0;
        while (done < size) {
            const qint64 written = m_file.write(data + done, size - done);
            if (written <= 0) {
                m_failed = true;
                m_reason = m_file.error() == QFileDevice::NoError
                    ? QStringLiteral("not everything could be written")
                    : m_file.errorString();
                setErrorString(m_reason);
                return false;
            }
            done += written;
        }
        return true;
    }

    QFileDevice &m_file;
    QByteArray m_buffer;
    bool m_failed = false;
    QString m_reason;
};

Output::Output(QString path, std::unique_ptr<QFileDevice> device)
    : m_path(std::move(path))
    , m_device(std::move(device))
    , m_writes(std::make_unique<WholeWrites>(*m_device))
{ }

Output::Output(Output &&) noexcept = default;
Output &Output::operator=(Output &&) noexcept = default;

Output::~Output()
{
    m_writes.reset(); // before the file it writes to
    if (auto *file = dynamic_cast<QSaveFile *>(m_device.get()); file && file->isOpen())
        file->cancelWriting();
}

Result<Output> Output::open(const QString &path, std::stop_token stop)
{
    if (path == QLatin1String("-")) {
        auto out = std::make_unique<QFile>();
        if (!out->open(
                stdout, QIODevice::WriteOnly | QIODevice::Unbuffered, QFileDevice::DontCloseHandle))
            return writeFailed(
                QStringLiteral("cannot write to standard output: %1").arg(out->errorString()));
        return Output(path, std::move(out));
    }
    // A pipe, a device or /dev/fd/N is written in place: a save file would be renamed over it.
    if (const QFileInfo info(path); info.exists() && !info.isFile()) {
        auto special = std::make_unique<QFile>(path);
        if (isPipe(path)) {
            const auto fd = openPipe(path, stop);
            if (!fd)
                return fd.error();
            if (!special->open(*fd,
                    QIODevice::WriteOnly | QIODevice::Unbuffered,
                    QFileDevice::AutoCloseHandle)) {
                ::close(*fd);
                return writeFailed(
                    QStringLiteral("cannot write '%1': %2").arg(path, special->errorString()));
            }
        } else if (!special->open(QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            return writeFailed(
                QStringLiteral("cannot write '%1': %2").arg(path, special->errorString()));
        }
        return Output(path, std::move(special));
    }
    auto file = std::make_unique<QSaveFile>(path);
    if (!file->open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return writeFailed(QStringLiteral("cannot write '%1': %2").arg(path, file->errorString()));
    return Output(path, std::move(file));
}

bool Output::isStdout() const
{
    return m_path == QLatin1String("-");
}

QIODevice &Output::device()
{
    return *m_writes;
}

Result<void> Output::commit(bool written)
{
    auto *file = dynamic_cast<QSaveFile *>(m_device.get());
    const bool whole = m_writes->writeBuffer() && m_device->flush();
    if (!written || !whole) {
        QString why = m_writes->failed() ? m_writes->reason() : m_device->errorString();
        if (m_device->error() == QFileDevice::NoError && !m_writes->failed())
            why = QStringLiteral("the export could not be made");
        if (file)
            file->cancelWriting();
        return writeFailed(QStringLiteral("writing %1 failed: %2").arg(describe(m_path), why));
    }
    if (file && !file->commit())
        return writeFailed(QStringLiteral("cannot finish writing %1: %2")
                               .arg(describe(m_path), file->errorString()));
    return {};
}

Result<void> checkWritable(const QString &path)
{
    if (path == QLatin1String("-"))
        return {};
    // Opening a pipe to check it would wait for its reader.
    if (const QFileInfo info(path); info.exists() && !info.isFile()) {
        if (!info.isWritable())
            return writeFailed(QStringLiteral("cannot write '%1': permission denied").arg(path));
        return {};
    }
    auto output = Output::open(path);
    if (!output)
        return output.error();
    return {}; // abandoned: QSaveFile removes its temporary file
}

Result<void> writeOutput(
    const QString &path, const std::function<bool(QIODevice &)> &write, std::stop_token stop)
{
    auto output = Output::open(path, std::move(stop));
    if (!output)
        return output.error();
    const bool written = write(output->device());
    return output->commit(written);
}

} // namespace parviz
