#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>

#include <memory>

namespace parviz {

namespace {

struct SystemLook
{
    QString style;
    QPalette palette;
};

// The look the program started with: what "System" goes back to.
const SystemLook &systemLook()
{
    static const SystemLook look{QApplication::style()->name(), QApplication::palette()};
    return look;
}

QPalette darkPalette()
{
    QPalette palette;
    const QColor window(0x2B, 0x2B, 0x2E);
    const QColor base(0x1E, 0x1E, 0x20);
    const QColor text(0xE8, 0xE8, 0xE8);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(0x27, 0x27, 0x2A));
    palette.setColor(QPalette::ToolTipBase, window);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::Mid, QColor(0x60, 0x60, 0x66));
    palette.setColor(QPalette::Link, QColor(0x56, 0xB4, 0xE9));
    palette.setColor(QPalette::Highlight, QColor(0x00, 0x72, 0xB2));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, QColor(0x80, 0x80, 0x80));
    return palette;
}

// Fusion draws the ring of a radio button and the frame of a check box in its window colour
// made darker: on a dark window, a ring darker than the window, which no one sees. Here they
// are drawn as if on a light grey window, so that an unselected one stands out as much as on
// the light theme.
class DarkFusionStyle : public QProxyStyle
{
public:
    DarkFusionStyle()
        : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion")))
    { }

    void drawPrimitive(PrimitiveElement element,
        const QStyleOption *option,
        QPainter *painter,
        const QWidget *widget) const override
    {
        if (element == PE_IndicatorRadioButton || element == PE_IndicatorCheckBox) {
            if (const auto *button = qstyleoption_cast<const QStyleOptionButton *>(option)) {
                QStyleOptionButton ringed(*button);
                ringed.palette.setColor(QPalette::Window, IndicatorRing);
                QProxyStyle::drawPrimitive(element, &ringed, painter, widget);
                return;
            }
        }
        QProxyStyle::drawPrimitive(element, option, painter, widget);
    }

    // Made darker by Fusion (by 140 to 150%): a mid grey on the dark window.
    static inline const QColor IndicatorRing{0xB8, 0xB8, 0xBE};
};

} // namespace

void applyTheme(Theme theme)
{
    systemLook(); // remember it before the first change
    switch (theme) {
    case Theme::System:
        QApplication::setStyle(QStyleFactory::create(systemLook().style));
        QApplication::setPalette(systemLook().palette);
        return;
    case Theme::Light:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    case Theme::Dark:
        QApplication::setStyle(new DarkFusionStyle);
        QApplication::setPalette(darkPalette());
        return;
    }
}

QPalette themePalette(bool dark)
{
    if (dark)
        return darkPalette();
    // Fusion's light palette, as View > Theme > Light shows it.
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    return fusion ? fusion->standardPalette() : QApplication::style()->standardPalette();
}

bool isDarkTheme()
{
    const QPalette palette = QApplication::palette();
    return palette.color(QPalette::Window).lightness()
        < palette.color(QPalette::WindowText).lightness();
}

QString themeKey(Theme theme)
{
    switch (theme) {
    case Theme::System:
        return QStringLiteral("system");
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    }
    return {};
}

Theme themeFromKey(const QString &key)
{
    if (key == QLatin1String("light"))
        return Theme::Light;
    if (key == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

} // namespace parviz
