#include "theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QImage>
#include <QRadioButton>
#include <QTest>

using namespace parviz;

// The dark theme: an unselected radio button or check box must show its ring as clearly as on
// the light theme, not a ring darker than the dark window around it.
class tst_Theme : public QObject
{
    Q_OBJECT

private slots:
    void cleanupTestCase() { applyTheme(Theme::System); }
    void unselectedIndicatorsStandOut_data();
    void unselectedIndicatorsStandOut();
};

void tst_Theme::unselectedIndicatorsStandOut_data()
{
    QTest::addColumn<bool>("radio");
    QTest::newRow("radio button") << true;
    QTest::newRow("check box") << false;
}

void tst_Theme::unselectedIndicatorsStandOut()
{
    QFETCH(bool, radio);
    applyTheme(Theme::Dark);
    QWidget window;
    QAbstractButton *button =
        radio ? static_cast<QAbstractButton *>(new QRadioButton(&window)) : new QCheckBox(&window);
    button->setChecked(false);
    button->resize(40, 30); // no text: every light pixel is the indicator's
    window.resize(40, 30);
    const QImage image = window.grab().toImage();
    const int background = QApplication::palette().color(QPalette::Window).lightness();
    int ring = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            ring += image.pixelColor(x, y).lightness() > background + 60;
    }
    QVERIFY2(ring >= 12, qPrintable(QString::number(ring)));
}

QTEST_MAIN(tst_Theme)
#include "tst_theme.moc"
