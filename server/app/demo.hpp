// The demo event a newcomer sees on first start: open-space rooms and slots over two days
// (today and tomorrow in the event's zone, so "now" and "next" are real), two sprint days,
// sample topics with votes and sprint projects with tables.
#pragma once

#include "app/event_file.hpp"

namespace boardwalk::app {

Result<EventPlan> plan_demo_event();

}  // namespace boardwalk::app
