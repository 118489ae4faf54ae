#include "util/regularfile.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace parviz {

namespace {

QString kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return QStringLiteral("a folder");
    if (S_ISCHR(mode))
        return QStringLiteral("a character device");
    if (S_ISBLK(mode))
        return QStringLiteral("a block device");
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    return QStringLiteral("of an unknown kind");
}

Error tooLarge(qint64 size, qint64 maxBytes, const char *what)
{
    return {QStringLiteral("too-large"),
        QStringLiteral("%1 bytes, larger than any %2 ParViz writes (at most %3 bytes)")
            .arg(size)
            .arg(QLatin1String(what))
            .arg(maxBytes)};
}

// The first `size` bytes of an open file, fewer if it ends before.
Result<QByteArray> readAtMost(QFile &file, qint64 size)
{
    QByteArray data(static_cast<qsizetype>(size), Qt::Uninitialized);
    qint64 filled = 0;
    while (filled < size) {
        const qint64 read = file.read(data.data() + filled, size - filled);
        if (read < 0)
            return Error{QStringLiteral("cannot-read"),
                QStringLiteral("cannot read: %1").arg(file.errorString())};
        if (read == 0)
            break;
        filled += read;
    }
    data.truncate(static_cast<qsizetype>(filled));
    return data;
}

} // namespace

Result<QByteArray> readRegularFile(const QString &path, qint64 maxBytes, const char *what)
{
    if (QFileInfo(path).isNativePath())
        return readRegularFile(QFile::encodeName(path), maxBytes, what);
    // A resource built into ParViz: in memory already, and of ParViz's own making.
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot-open"),
            QStringLiteral("cannot open: %1").arg(file.errorString())};
    if (file.size() > maxBytes)
        return tooLarge(file.size(), maxBytes, what);
    return readAtMost(file, file.size());
}

Result<QByteArray> readRegularFile(const QByteArray &nativePath, qint64 maxBytes, const char *what)
{
    // Without O_NONBLOCK, opening a FIFO for reading waits until something opens it to write.
    const int fd = ::open(nativePath.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return Error{QStringLiteral("cannot-open"),
            QStringLiteral("cannot open: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))};
    // What was opened, not what the name meant a moment before: the name may have changed.
    struct stat status = {};
    const bool known = ::fstat(fd, &status) == 0;
    const int statError = errno;
    QFile file;
    if (!file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return Error{QStringLiteral("cannot-open"),
            QStringLiteral("cannot open: %1").arg(file.errorString())};
    }
    if (!known)
        return Error{QStringLiteral("cannot-read"),
            QStringLiteral("cannot read: %1")
                .arg(QString::fromLocal8Bit(std::strerror(statError)))};
    if (!S_ISREG(status.st_mode))
        return Error{QStringLiteral("not-a-file"),
            QStringLiteral("not a regular file (it is %1)").arg(kindOf(status.st_mode))};
    if (status.st_size > maxBytes)
        return tooLarge(status.st_size, maxBytes, what);
    return readAtMost(file, status.st_size);
}

} // namespace parviz
