#include "strategies/taskqueue.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace parviz;

class tst_TaskQueue : public QObject
{
    Q_OBJECT

private slots:
    void fifoOnOneConsumer();
    void closedEmptyQueueEndsAtOnce();
    void everyItemExactlyOnce_data();
    void everyItemExactlyOnce();
    void consumersWaitForLateItems();
    void stopWakesWaitingConsumers();
};

void tst_TaskQueue::fifoOnOneConsumer()
{
    TaskQueue queue(5);
    for (int i = 0; i < 5; ++i)
        queue.push(10 + i);
    queue.close();
    for (int i = 0; i < 5; ++i)
        QCOMPARE(queue.pop({}).value_or(-1), std::int64_t(10 + i));
    QVERIFY(!queue.pop({}).has_value());
    QCOMPARE(queue.pushedCount(), std::size_t(5));
}

void tst_TaskQueue::closedEmptyQueueEndsAtOnce()
{
    TaskQueue queue(0);
    queue.close();
    QVERIFY(!queue.pop({}).has_value());
}

void tst_TaskQueue::everyItemExactlyOnce_data()
{
    QTest::addColumn<int>("consumers");
    QTest::addColumn<int>("items");
    QTest::newRow("2 consumers, 100k items") << 2 << 100'000;
    QTest::newRow("8 consumers, 100k items") << 8 << 100'000;
    QTest::newRow("64 consumers, 5k items") << 64 << 5'000;
}

void tst_TaskQueue::everyItemExactlyOnce()
{
    QFETCH(int, consumers);
    QFETCH(int, items);
    TaskQueue queue{static_cast<std::size_t>(items)};
    std::vector<std::vector<std::int64_t>> taken(static_cast<std::size_t>(consumers));
    std::vector<std::thread> threads;
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&queue, &mine = taken[std::size_t(c)]] {
            while (const auto item = queue.pop({}))
                mine.push_back(*item);
        });
    }
    for (int i = 0; i < items; ++i)
        queue.push(i);
    queue.close();
    for (auto &thread : threads)
        thread.join();

    std::vector<std::int64_t> all;
    for (const auto &mine : taken) {
        // Each consumer sees items in FIFO order.
        QVERIFY(std::is_sorted(mine.begin(), mine.end()));
        all.insert(all.end(), mine.begin(), mine.end());
    }
    std::sort(all.begin(), all.end());
    QCOMPARE(int(all.size()), items);
    for (int i = 0; i < items; ++i)
        QCOMPARE(all[std::size_t(i)], std::int64_t(i));
}

void tst_TaskQueue::consumersWaitForLateItems()
{
    TaskQueue queue(3);
    std::atomic<int> received{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < 3; ++c) {
        threads.emplace_back([&] {
            while (queue.pop({}))
                ++received;
        });
    }
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10)); // consumers are asleep by now
        queue.push(i);
    }
    queue.close();
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(received.load(), 3);
}

void tst_TaskQueue::stopWakesWaitingConsumers()
{
    TaskQueue queue(10);
    std::stop_source stop;
    std::atomic<int> ended{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < 4; ++c) {
        threads.emplace_back([&] {
            while (queue.pop(stop.get_token())) { }
            ++ended;
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(ended.load(), 4);
    // Stopped consumers take nothing, even if items are there.
    queue.push(1);
    QVERIFY(!queue.pop(stop.get_token()).has_value());
}

QTEST_GUILESS_MAIN(tst_TaskQueue)
#include "tst_taskqueue.moc"
