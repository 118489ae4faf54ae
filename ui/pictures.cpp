#include "pictures.h"

#include "export/output.h"

#include <QPainter>
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
    // "-" is standard output, as for every export; a file is written whole or not at all.
    auto output = Output::open(target.path);
    if (!output)
        return output.error();
    QIODevice &device = output->device();
    bool written = true;
    if (target.format == PictureFormat::Png) {
        const QImage image = renderPicture(size, target.scale, background, paint);
        written = image.save(&device, "PNG");
    } else {
        QSvgGenerator svg;
        svg.setOutputDevice(&device);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QStringLiteral("ParViz"));
        svg.setDescription(QObject::tr("A chart made by ParViz"));
        QPainter painter(&svg);
        painter.fillRect(QRect(QPoint(0, 0), size), background);
        paint(painter, QRect(QPoint(0, 0), size));
        written = painter.end();
    }
    return output->commit(written);
}

} // namespace parviz
