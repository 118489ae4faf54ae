#pragma once

#include <QWidget>

#include <vector>

namespace parviz {

// How busy each worker was: a thin bar per worker, full height for 100% of the makespan.
// Many workers (a thread per task) squeeze into one pixel each.
// GUI thread.
class UtilisationBars : public QWidget
{
    Q_OBJECT

public:
    explicit UtilisationBars(QWidget *parent = nullptr);

    void setUtilisation(std::vector<double> shares);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    std::vector<double> m_shares;
};

} // namespace parviz
