#include "skon/core/ordered_pool.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using skon::engine::OrderedPool;

namespace {
struct Item {
  int index = 0;
  int result = 0;
};
}  // namespace

TEST_CASE("OrderedPool consumes in submission order whatever order the workers finish in") {
  std::vector<int> consumed;
  std::thread::id consumer_thread;
  OrderedPool<Item> pool(
      2, 3,
      [](std::size_t, Item& item) {
        // Early items take longest, so later ones are ready first.
        if (item.index % 7 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        item.result = item.index * item.index;
      },
      [&](Item& item) {
        consumer_thread = std::this_thread::get_id();
        consumed.push_back(item.result);
      });
  for (int i = 0; i < 200; ++i) pool.submit(Item{i, 0});
  pool.finish();
  REQUIRE(consumed.size() == 200);
  for (int i = 0; i < 200; ++i) CHECK(consumed[static_cast<std::size_t>(i)] == i * i);
  CHECK(consumer_thread != std::this_thread::get_id());
}

TEST_CASE("OrderedPool rethrows a worker's failure and stops consuming") {
  std::size_t consumed = 0;
  auto run = [&] {
    OrderedPool<Item> pool(
        2, 4,
        [](std::size_t, Item& item) {
          if (item.index == 50) throw std::runtime_error("worker failed");
        },
        [&](Item&) { ++consumed; });
    for (int i = 0; i < 1000; ++i) pool.submit(Item{i, 0});
    pool.finish();
  };
  CHECK_THROWS_WITH_AS(run(), "worker failed", std::runtime_error);
  CHECK(consumed <= 50);
}

TEST_CASE("OrderedPool rethrows a consumer's failure") {
  auto run = [] {
    OrderedPool<Item> pool(
        2, 2, [](std::size_t, Item&) {},
        [](Item& item) {
          if (item.index == 10) throw std::runtime_error("disk full");
        });
    for (int i = 0; i < 100; ++i) pool.submit(Item{i, 0});
    pool.finish();
  };
  CHECK_THROWS_WITH_AS(run(), "disk full", std::runtime_error);
}

TEST_CASE("OrderedPool with nothing submitted finishes at once") {
  int calls = 0;
  OrderedPool<Item> pool(
      2, 2, [&](std::size_t, Item&) { ++calls; }, [&](Item&) { ++calls; });
  pool.finish();
  CHECK(calls == 0);
}
