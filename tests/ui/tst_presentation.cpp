#include "charts/speedupchart.h"
#include "mainwindow.h"
#include "runcontroller.h"
#include "theme.h"
#include "timeline/ganttview.h"

#include <QAction>
#include <QApplication>
#include <QImage>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace parviz;

// Presentation mode: one keystroke to full screen with larger text and a larger Gantt, the same
// keystroke back to exactly how it was.
class tst_Presentation : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void f11GoesInAndBack();
    void picturesKeepTheirEverydaySize();
    void themeChangeInPresentationKeepsTheFonts();
};

void tst_Presentation::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_presentation"));
}

void tst_Presentation::f11GoesInAndBack()
{
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QFont normal = QApplication::font();
    QAction *presentation = window.presentationAction();
    QCOMPARE(presentation->shortcut(), QKeySequence(Qt::Key_F11));
    QVERIFY(!window.isPresentationMode());

    presentation->trigger();
    QVERIFY(window.isPresentationMode());
    QVERIFY(presentation->isChecked());
    QVERIFY(window.windowState() & Qt::WindowFullScreen);
    QVERIFY(QApplication::font().pointSizeF() >= normal.pointSizeF() * 1.4);
    QVERIFY(window.gantt()->scale() >= 1.4);
    // The Gantt shows fewer of its own pixels: every row and bar is larger on screen.
    QVERIFY(window.gantt()->logicalRect().width() < window.gantt()->viewport()->width());

    presentation->trigger();
    QVERIFY(!window.isPresentationMode());
    QVERIFY(!presentation->isChecked());
    QVERIFY(!(window.windowState() & Qt::WindowFullScreen));
    QCOMPARE(QApplication::font(), normal);
    QCOMPARE(window.gantt()->scale(), 1.0);
    QCOMPARE(window.gantt()->logicalRect().size(), window.gantt()->viewport()->size());
}

void tst_Presentation::picturesKeepTheirEverydaySize()
{
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy finished(window.controller(), &RunController::runFinished);
    window.runAction()->trigger();
    QVERIFY(finished.wait(20000));
    const QSize everyday = window.ganttPicture().pictureSize();
    window.setPresentationMode(true);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("gantt.png"));
    QVERIFY(window.saveGanttPicture(path).ok());
    const QImage picture(path);
    QCOMPARE(picture.size(), everyday);
    window.setPresentationMode(false);
}

// A theme chosen while presenting: back from F11, the speedup chart's text is its everyday size.
void tst_Presentation::themeChangeInPresentationKeepsTheFonts()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const qreal title = window.speedupChart()->chart()->titleFont().pointSizeF();
    window.setPresentationMode(true);
    QVERIFY(window.speedupChart()->chart()->titleFont().pointSizeF() > title * 1.4);
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->data().toString() == themeKey(Theme::Dark)
            || action->data().toString() == themeKey(Theme::Light))
            action->trigger();
    }
    window.setPresentationMode(false);
    QCOMPARE(window.speedupChart()->chart()->titleFont().pointSizeF(), title);
    applyTheme(Theme::System);
}

QTEST_MAIN(tst_Presentation)
#include "tst_presentation.moc"
