#include "demo.hpp"

#include "app/local_time.hpp"
#include "engine/secrets.hpp"

namespace boardwalk::app {

using namespace domain;

Result<EventPlan> plan_demo_event() {
  const std::string tz = "America/Los_Angeles";
  std::vector<std::string> days;
  for (int i = 0; i < 4; ++i) {
    auto d = local_day(tz, i);
    if (!d) return d.error();
    days.push_back(*d);
  }
  EventPlan plan;
  plan.slug = "demo";
  const auto sys = Actor::system();
  auto& s = plan.steps;
  s.push_back({CreateEvent{"demo", "Demo Conference", tz, 5, {days[2], days[3]}}, sys});

  // A fresh board numbers everything from 1 in creation order, so the ids below are known.
  for (const char* room : {"Room 101", "Room 102", "Room 103", "Hallway Lounge"}) {
    s.push_back({AddRoom{room, RoomKind::open_space, 40}, sys});  // rooms 1-4
  }
  for (const char* table : {"Sprint Room A", "Sprint Room B", "Sprint Room C"}) {
    s.push_back({AddRoom{table, RoomKind::sprint, 12}, sys});  // rooms 5-7
  }
  for (int d = 0; d < 2; ++d) {
    for (int hour = 11; hour < 18; ++hour) {  // slots 1-7 today, 8-14 tomorrow
      char from[6], to[6];
      std::snprintf(from, sizeof from, "%02d:00", hour);
      std::snprintf(to, sizeof to, "%02d:00", hour + 1);
      auto start = local_to_utc(tz, days[static_cast<std::size_t>(d)], from);
      auto end = local_to_utc(tz, days[static_cast<std::size_t>(d)], to);
      if (!start || !end) return make_error("invalid_value", "cannot compute demo slots");
      s.push_back({AddSlot{days[static_cast<std::size_t>(d)], *start, *end}, sys});
    }
  }
  for (const char* name : {"Ada", "Guido", "Mariatta", "Brett", "Carol", "Łukasz"}) {
    Join join;
    join.name = name;
    join.secret_hash = engine::plain_hash(engine::new_secret());  // random: nobody holds these
    s.push_back({join, Actor::anonymous()});                      // participants 1-6
  }
  const auto by = [](Id p) { return Actor::of(p); };
  s.push_back({ProposeTopic{"Packaging in 2026: what hurts?", "Bring your pyproject.toml horror stories."}, by(1)});
  s.push_back({ProposeTopic{"Free-threaded Python in production", "Who runs 3.14t? What broke?"}, by(2)});
  s.push_back({ProposeTopic{"Mentoring first-time contributors", ""}, by(3)});
  s.push_back({ProposeTopic{"Typing: gradual or gradually painful?", ""}, by(4)});
  s.push_back({ProposeTopic{"Teaching Python to kids", "Share curricula and tools."}, by(5)});
  s.push_back({ProposeTopic{"Async web frameworks round table", ""}, by(6)});
  s.push_back({ScheduleTopic{1, 1, 2}, by(1)});
  s.push_back({ScheduleTopic{2, 2, 3}, by(2)});
  s.push_back({ScheduleTopic{3, 1, 9}, by(3)});
  const std::pair<Id, Id> votes[] = {{1, 2}, {1, 3}, {1, 4}, {2, 1}, {2, 5}, {4, 6},
                                     {4, 1}, {5, 2}, {6, 3}, {6, 4}, {6, 5}};
  for (const auto& [topic, voter] : votes) s.push_back({Vote{topic}, by(voter)});

  ProjectFields cpython;
  cpython.name = "CPython";
  cpython.repo_url = "https://github.com/python/cpython";
  cpython.description = "Docs fixes, test coverage and triage of easy issues.";
  cpython.skills = std::vector<std::string>{"C", "Python", "docs"};
  cpython.level = Level::intermediate;
  cpython.first_timers = true;
  s.push_back({CreateProject{cpython}, by(2)});
  ProjectFields pip;
  pip.name = "pip";
  pip.repo_url = "https://github.com/pypa/pip";
  pip.description = "Resolver error messages and documentation.";
  pip.skills = std::vector<std::string>{"Python", "packaging"};
  pip.level = Level::beginner;
  pip.first_timers = true;
  pip.capacity = std::optional<int>{8};
  s.push_back({CreateProject{pip}, by(4)});
  ProjectFields django;
  django.name = "Django";
  django.repo_url = "https://github.com/django/django";
  django.description = "Async ORM work and ticket triage.";
  django.skills = std::vector<std::string>{"Python", "SQL", "async"};
  django.level = Level::advanced;
  s.push_back({CreateProject{django}, by(5)});
  s.push_back({ClaimTable{1, days[2], 5}, by(2)});
  s.push_back({ClaimTable{2, days[2], 6}, by(4)});
  s.push_back({ClaimTable{3, days[3], 7}, by(5)});
  s.push_back({JoinProject{1}, by(1)});
  s.push_back({JoinProject{1}, by(3)});
  s.push_back({JoinProject{2}, by(6)});
  return plan;
}

}  // namespace boardwalk::app
