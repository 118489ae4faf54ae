#include "export/output.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>

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

} // namespace

Output::Output(QString path, std::unique_ptr<QFileDevice> device)
    : m_path(std::move(path))
    , m_device(std::move(device))
{ }

Output::Output(Output &&) noexcept = default;
Output &Output::operator=(Output &&) noexcept = default;

Output::~Output()
{
    if (auto *file = dynamic_cast<QSaveFile *>(m_device.get()); file && file->isOpen())
        file->cancelWriting();
}

Result<Output> Output::open(const QString &path)
{
    if (path == QLatin1String("-")) {
        auto out = std::make_unique<QFile>();
        if (!out->open(stdout, QIODevice::WriteOnly, QFileDevice::DontCloseHandle))
            return writeFailed(
                QStringLiteral("cannot write to standard output: %1").arg(out->errorString()));
        return Output(path, std::move(out));
    }
    // A pipe, a device or /dev/fd/N is written in place: a save file would be renamed over it.
    if (const QFileInfo info(path); info.exists() && !info.isFile()) {
        auto special = std::make_unique<QFile>(path);
        if (!special->open(QIODevice::WriteOnly))
            return writeFailed(
                QStringLiteral("cannot write '%1': %2").arg(path, special->errorString()));
        return Output(path, std::move(special));
    }
    auto file = std::make_unique<QSaveFile>(path);
    if (!file->open(QIODevice::WriteOnly))
        return writeFailed(QStringLiteral("cannot write '%1': %2").arg(path, file->errorString()));
    return Output(path, std::move(file));
}

bool Output::isStdout() const
{
    return m_path == QLatin1String("-");
}

QIODevice &Output::device()
{
    return *m_device;
}

Result<void> Output::commit(bool written)
{
    auto *file = dynamic_cast<QSaveFile *>(m_device.get());
    if (!written || !m_device->flush()) {
        const QString why = m_device->errorString();
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

Result<void> writeOutput(const QString &path, const std::function<bool(QIODevice &)> &write)
{
    auto output = Output::open(path);
    if (!output)
        return output.error();
    const bool written = write(output->device());
    return output->commit(written);
}

} // namespace parviz
