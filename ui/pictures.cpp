#include "pictures.h"

#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace parviz {

QString pictureFilters()
{
    return QObject::tr(
        "PNG image (*.png);;PNG image at 2x, for slides and print (*.png);;SVG drawing (*.svg)");
}

PictureTarget pictureTarget(const QString &path, const QString &selectedFilter)
{
    PictureTarget target;
    target.path = path;
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)
        || (!path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)
            && selectedFilter.contains(QLatin1String("SVG")))) {
        target.format = PictureFormat::Svg;
        if (!path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
            target.path += QStringLiteral(".svg");
    } else {
        target.format = PictureFormat::Png;
        target.scale = selectedFilter.contains(QLatin1String("2x")) ? 2.0 : 1.0;
        if (!path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
            target.path += QStringLiteral(".png");
    }
    return target;
}

QImage renderPicture(
    const QSize &size, qreal scale, const QColor &background, const PaintFunction &paint)
{
    QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(background);
    QPainter painter(&image);
    paint(painter, QRect(QPoint(0, 0), size));
    painter.end();
    return image;
}

Result<void> savePicture(const PictureTarget &target,
    const QSize &size,
    const QColor &background,
    const PaintFunction &paint)
{
    auto failure = [&](const QString &why) {
        return Error{QStringLiteral("write-failed"),
            QObject::tr("Could not save '%1': %2").arg(target.path, why)};
    };
    QSaveFile file(target.path);
    if (!file.open(QIODevice::WriteOnly))
        return failure(file.errorString());
    if (target.format == PictureFormat::Png) {
        const QImage image = renderPicture(size, target.scale, background, paint);
        if (!image.save(&file, "PNG")) {
            file.cancelWriting();
            return failure(file.errorString().isEmpty()
                    ? QObject::tr("the image could not be written")
                    : file.errorString());
        }
    } else {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QStringLiteral("ParViz"));
        svg.setDescription(QObject::tr("A chart made by ParViz"));
        QPainter painter(&svg);
        painter.fillRect(QRect(QPoint(0, 0), size), background);
        paint(painter, QRect(QPoint(0, 0), size));
        painter.end();
        if (file.error() != QFileDevice::NoError) {
            file.cancelWriting();
            return failure(file.errorString());
        }
    }
    if (!file.commit())
        return failure(file.errorString());
    return {};
}

} // namespace parviz
