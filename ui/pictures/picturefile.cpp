#include "pictures/picturefile.h"

#include "util/output.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QSvgGenerator>

namespace parviz {

namespace {

struct FormatInfo
{
    PictureFormat format;
    QLatin1String suffix;
    QLatin1String filterWord; // how the dialog's filter names it
};

const FormatInfo Formats[] = {
    {PictureFormat::Png, QLatin1String(".png"), QLatin1String("PNG")},
    {PictureFormat::Svg, QLatin1String(".svg"), QLatin1String("SVG")},
    {PictureFormat::Pdf, QLatin1String(".pdf"), QLatin1String("PDF")},
};

// The chart at the top, the caption in the band under it. The painter's device is already
// filled with the background.
void paintWithCaption(
    QPainter &painter, const QSize &size, const PaintFunction &paint, const PictureCaption &caption)
{
    painter.save();
    paint(painter, QRect(QPoint(0, 0), size));
    painter.restore();
    caption.paint(painter, QRect(0, size.height(), size.width(), caption.height()));
}

} // namespace

QString pictureBaseName(
    const QString &strategy, const WorkloadSpec &workload, const QString &workers)
{
    QString name = QStringLiteral("%1-%2x%3")
                       .arg(strategy)
                       .arg(workload.taskCount)
                       .arg(workload.duration.toString());
    if (workload.kind != TaskKind::Sleep)
        name += QLatin1Char('-') + taskKindName(workload.kind);
    if (!workers.isEmpty())
        name += QStringLiteral("-%1w").arg(workers);
    // "uniform:50ms..150ms", "list:0.1s,1s": what a file name may hold in any file system.
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+|\\.\\.+"));
    static const QRegularExpression dashes(QStringLiteral("-{2,}"));
    name.replace(unsafe, QStringLiteral("-"));
    name.replace(dashes, QStringLiteral("-"));
    while (name.startsWith(QLatin1Char('-')) || name.startsWith(QLatin1Char('.')))
        name.remove(0, 1);
    return name.isEmpty() ? QStringLiteral("parviz") : name;
}

QString proposedPicturePath(const QString &baseName)
{
    QString folder = QSettings().value(QStringLiteral("pictures/folder")).toString();
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QDir::homePath();
    return QDir(folder).filePath(baseName + QLatin1String(".png"));
}

void rememberPictureFolder(const QString &path)
{
    QSettings().setValue(QStringLiteral("pictures/folder"), QFileInfo(path).absolutePath());
}

QString askWhereToSavePicture(
    QWidget *parent, const QString &title, const QString &baseName, QString *filter)
{
    const QString path = QFileDialog::getSaveFileName(
        parent, title, proposedPicturePath(baseName), pictureFilters(), filter);
    if (!path.isEmpty())
        rememberPictureFolder(path);
    return path;
}

QString pictureFilters()
{
    return QObject::tr("PNG image (*.png);;PNG image at 2x, for slides and print (*.png);;SVG "
                       "drawing (*.svg);;PDF document (*.pdf)");
}

PictureTarget pictureTarget(const QString &path, const QString &selectedFilter)
{
    // The name's own suffix decides; without one, the filter chosen in the dialog; else PNG.
    const FormatInfo *chosen = nullptr;
    for (const FormatInfo &info : Formats)
        if (path.endsWith(info.suffix, Qt::CaseInsensitive))
            chosen = &info;
    const bool named = chosen != nullptr;
    for (const FormatInfo &info : Formats)
        if (!chosen && selectedFilter.contains(info.filterWord))
            chosen = &info;
    if (!chosen)
        chosen = &Formats[0];

    PictureTarget target;
    target.path = named ? path : path + chosen->suffix;
    target.format = chosen->format;
    if (target.format == PictureFormat::Png)
        target.scale = selectedFilter.contains(QLatin1String("2x")) ? 2.0 : 1.0;
    return target;
}

QSize pictureSize(const QSize &size, const PictureCaption &caption)
{
    return size + QSize(0, caption.height());
}

QImage renderPicture(const QSize &size,
    qreal scale,
    const QColor &background,
    const PaintFunction &paint,
    const PictureCaption &caption)
{
    QImage image(pictureSize(size, caption) * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(background);
    QPainter painter(&image);
    paintWithCaption(painter, size, paint, caption);
    painter.end();
    return image;
}

Result<void> savePicture(const PictureTarget &target,
    const QSize &size,
    const QColor &background,
    const PaintFunction &paint,
    const PictureCaption &caption)
{
    // "-" is standard output, as for every export; a file is written whole or not at all.
    auto output = Output::open(target.path, target.stop);
    if (!output)
        return output.error();
    QIODevice &device = output->device();
    const QSize whole = pictureSize(size, caption);
    const QString description =
        caption.text.isEmpty() ? QObject::tr("A chart made by ParViz") : caption.text;
    bool written = true;
    switch (target.format) {
    case PictureFormat::Png: {
        const QImage image = renderPicture(size, target.scale, background, paint, caption);
        written = image.save(&device, "PNG");
        break;
    }
    case PictureFormat::Svg: {
        QSvgGenerator svg;
        svg.setOutputDevice(&device);
        svg.setSize(whole);
        svg.setViewBox(QRect(QPoint(0, 0), whole));
        svg.setTitle(QStringLiteral("ParViz"));
        svg.setDescription(description);
        QPainter painter(&svg);
        painter.fillRect(QRect(QPoint(0, 0), whole), background);
        paintWithCaption(painter, size, paint, caption);
        written = painter.end();
        break;
    }
    case PictureFormat::Pdf: {
        QPdfWriter pdf(&device);
        pdf.setCreator(QStringLiteral("ParViz"));
        pdf.setTitle(description);
        // One unit a point and a page the picture's size, as an SVG's is: the chart is drawn
        // at the size it was laid out for, and stays vector.
        pdf.setResolution(72);
        const QPageSize page(QSizeF(whole), QPageSize::Point, QString(), QPageSize::ExactMatch);
        written = pdf.setPageLayout(QPageLayout(page, QPageLayout::Portrait, QMarginsF()));
        QPainter painter;
        if (written && painter.begin(&pdf)) {
            painter.fillRect(QRect(QPoint(0, 0), whole), background);
            paintWithCaption(painter, size, paint, caption);
            written = painter.end();
        } else {
            written = false;
        }
        break;
    }
    }
    return output->commit(written);
}

} // namespace parviz
