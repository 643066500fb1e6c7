// Sprint projects: create, edit, withdraw, maintainers, tables, attendees, capacity, hide.
#include "board_fixture.hpp"

namespace boardwalk::test {
namespace {

constexpr const char* kDay1 = "2026-05-18";
constexpr const char* kDay2 = "2026-05-19";

class ProjectsTest : public EventTest {
 protected:
  static ProjectFields fields(const std::string& name = "CPython") {
    ProjectFields f;
    f.name = name;
    f.repo_url = "https://github.com/python/cpython";
    return f;
  }
  static ProjectFields only_days(std::vector<std::string> days) {
    ProjectFields f;
    f.days = std::move(days);
    return f;
  }
};

TEST_F(ProjectsTest, CreateProjectDefaults) {
  const auto c = run_as<ProjectCreated>(CreateProject{fields()}, Actor::of(ada));
  const Project& p = project(c.project.id);
  EXPECT_EQ(p.id, 1);
  EXPECT_EQ(p.name, "CPython");
  EXPECT_EQ(p.repo_url, "https://github.com/python/cpython");
  EXPECT_EQ(p.description, "");
  EXPECT_EQ(p.maintainers, std::vector<Id>{ada});
  EXPECT_TRUE(p.skills.empty());
  EXPECT_EQ(p.level, Level::any);
  EXPECT_FALSE(p.first_timers);
  EXPECT_EQ(p.days, (std::vector<std::string>{kDay1, kDay2}));  // every sprint day
  EXPECT_TRUE(p.tables.empty());
  EXPECT_TRUE(p.attendees.empty());
  EXPECT_FALSE(p.capacity);
  EXPECT_EQ(p.state, ProjectState::active);
  EXPECT_EQ(role_of(ada), Role::maintainer);  // an attendee creator becomes a maintainer
}

TEST_F(ProjectsTest, CreateProjectWithEveryField) {
  ProjectFields f = fields(" Django ");
  f.repo_url = "http://example.org/django";
  f.description = "web\nframework";
  f.skills = std::vector<std::string>{"python", " sql ", "python"};
  f.level = Level::beginner;
  f.first_timers = true;
  f.days = std::vector<std::string>{kDay2, kDay2};
  f.capacity = std::optional<int>(12);
  const Id id = run_as<ProjectCreated>(CreateProject{f}, Actor::of(org)).project.id;
  const Project& p = project(id);
  EXPECT_EQ(p.name, "Django");
  EXPECT_EQ(p.repo_url, "http://example.org/django");
  EXPECT_EQ(p.description, "web\nframework");
  EXPECT_EQ(p.skills, (std::vector<std::string>{"python", "sql"}));
  EXPECT_EQ(p.level, Level::beginner);
  EXPECT_TRUE(p.first_timers);
  EXPECT_EQ(p.days, std::vector<std::string>{kDay2});
  EXPECT_EQ(p.capacity, std::optional<int>(12));
  EXPECT_EQ(role_of(org), Role::organizer);  // organizers stay organizers
}

TEST_F(ProjectsTest, ServerCreatedProjectHasNoMaintainer) {
  const Id id = run_as<ProjectCreated>(CreateProject{fields()}).project.id;
  EXPECT_TRUE(project(id).maintainers.empty());
}

TEST_F(ProjectsTest, CreateProjectRejections) {
  const auto with = [](auto change) {
    ProjectFields f = fields();
    change(f);
    return CreateProject{f};
  };
  EXPECT_TRUE(rejects(CreateProject{fields()}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.name.reset(); }), Actor::of(ada), "bad_request", "name"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.repo_url.reset(); }), Actor::of(ada), "bad_request", "repo_url"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.name = " "; }), Actor::of(ada), "invalid_value", "name"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.name = std::string(121, 'n'); }), Actor::of(ada), "too_long", "name"));
  for (const char* url : {"ftp://x.org/r", "github.com/x", "https://", "https:///path", "https://a b.org",
                          "https://user@host/x", "javascript:alert(1)"}) {
    EXPECT_TRUE(rejects(with([&](ProjectFields& f) { f.repo_url = url; }), Actor::of(ada), "invalid_value",
                        "repo_url"))
        << url;
  }
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.repo_url = "https://x.org/" + std::string(290, 'a'); }),
                      Actor::of(ada), "too_long", "repo_url"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.description = std::string(2001, 'd'); }), Actor::of(ada),
                      "too_long", "description"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.skills = std::vector<std::string>(11, "s"); }),
                      Actor::of(ada), "invalid_value", "skills"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.skills = std::vector<std::string>{"ok", std::string(31, 's')}; }),
                      Actor::of(ada), "too_long", "skills"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.skills = std::vector<std::string>{" "}; }),
                      Actor::of(ada), "invalid_value", "skills"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.days = std::vector<std::string>{"2026-05-20"}; }),
                      Actor::of(ada), "invalid_value", "days"));
  EXPECT_TRUE(rejects(with([](ProjectFields& f) { f.days = std::vector<std::string>{"18.05.2026"}; }),
                      Actor::of(ada), "invalid_value", "days"));
  for (int cap : {0, -1, 1001}) {
    EXPECT_TRUE(rejects(with([&](ProjectFields& f) { f.capacity = std::optional<int>(cap); }), Actor::of(ada),
                        "invalid_value", "capacity"))
        << cap;
  }
  EXPECT_EQ(role_of(ada), Role::attendee);
}

TEST_F(ProjectsTest, ProposalsLockBlocksCreateProjectExceptForOrganizers) {
  run(SetLocks{true, std::nullopt}, Actor::of(org));
  EXPECT_TRUE(rejects(CreateProject{fields()}, Actor::of(ada), "locked"));
  run(CreateProject{fields()}, Actor::of(org));
}

TEST_F(ProjectsTest, EditProject) {
  const Id p = create_project(ada);
  ProjectFields f;
  f.description = "new";
  f.level = Level::advanced;
  f.capacity = std::optional<int>(5);
  const auto e = run_as<ProjectEdited>(EditProject{p, f}, Actor::of(ada));
  EXPECT_EQ(e.project.description, "new");
  EXPECT_EQ(project(p).name, "CPython");  // untouched fields stay
  EXPECT_EQ(project(p).level, Level::advanced);
  EXPECT_EQ(project(p).capacity, std::optional<int>(5));
  EXPECT_EQ(project(p).maintainers, std::vector<Id>{ada});
  ProjectFields unlimited;
  unlimited.capacity = std::optional<int>();
  run(EditProject{p, unlimited}, Actor::of(org));  // organizers may edit too
  EXPECT_FALSE(project(p).capacity);
}

TEST_F(ProjectsTest, EditProjectRejections) {
  const Id p = create_project(ada);
  ProjectFields f;
  f.name = "x";
  EXPECT_TRUE(rejects(EditProject{p, f}, Actor::of(bob), "forbidden", "project_id"));
  EXPECT_TRUE(rejects(EditProject{p, f}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(EditProject{99, f}, Actor::of(ada), "not_found", "project_id"));
  ProjectFields bad;
  bad.repo_url = "mailto:x@y";
  EXPECT_TRUE(rejects(EditProject{p, bad}, Actor::of(ada), "invalid_value", "repo_url"));
}

TEST_F(ProjectsTest, DroppingADayReleasesItsTable) {
  const Id p = create_project(ada);
  const Id q = create_project(bob, "Django");
  run(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada));
  run(ClaimTable{p, kDay2, sprint_a}, Actor::of(ada));
  run(EditProject{p, only_days({kDay2})}, Actor::of(ada));
  EXPECT_EQ(project(p).tables, (std::map<std::string, Id>{{kDay2, sprint_a}}));
  EXPECT_EQ(board.table_holder(kDay1, sprint_a), std::nullopt);
  EXPECT_EQ(board.table_holder(kDay2, sprint_a), std::optional<Id>(p));
  run(ClaimTable{q, kDay1, sprint_a}, Actor::of(bob));
  EXPECT_TRUE(rejects(ClaimTable{p, kDay1, sprint_b}, Actor::of(ada), "invalid_value", "day"));
}

TEST_F(ProjectsTest, WithdrawProjectFreesItsTables) {
  const Id p = create_project(ada);
  const Id q = create_project(bob, "Django");
  run(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada));
  EXPECT_TRUE(rejects(WithdrawProject{p}, Actor::of(bob), "forbidden", "project_id"));
  EXPECT_TRUE(rejects(WithdrawProject{99}, Actor::of(ada), "not_found", "project_id"));
  run_as<ProjectWithdrawn>(WithdrawProject{p}, Actor::of(ada));
  EXPECT_EQ(project(p).state, ProjectState::withdrawn);
  EXPECT_TRUE(project(p).tables.empty());
  EXPECT_EQ(board.table_holder(kDay1, sprint_a), std::nullopt);
  run(ClaimTable{q, kDay1, sprint_a}, Actor::of(bob));
  run(WithdrawProject{q}, Actor::of(org));
}

TEST_F(ProjectsTest, AWithdrawnProjectAcceptsNothing) {
  const Id p = create_project(ada);
  run(JoinProject{p}, Actor::of(cy));
  run(WithdrawProject{p}, Actor::of(ada));
  ProjectFields f;
  f.name = "x";
  for (const Actor& a : {Actor::of(ada), Actor::of(org)}) {
    EXPECT_TRUE(rejects(EditProject{p, f}, a, "invalid_state", "project_id"));
    EXPECT_TRUE(rejects(WithdrawProject{p}, a, "invalid_state", "project_id"));
    EXPECT_TRUE(rejects(AddMaintainer{p, bob}, a, "invalid_state", "project_id"));
    EXPECT_TRUE(rejects(ClaimTable{p, kDay1, sprint_a}, a, "invalid_state", "project_id"));
    EXPECT_TRUE(rejects(ReleaseTable{p, kDay1}, a, "invalid_state", "project_id"));
  }
  EXPECT_TRUE(rejects(JoinProject{p}, Actor::of(bob), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(LeaveProject{p}, Actor::of(cy), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(HideProject{p}, Actor::of(org), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(UnhideProject{p}, Actor::of(org), "invalid_state", "project_id"));
}

TEST_F(ProjectsTest, AddMaintainer) {
  const Id p = create_project(ada);
  const auto m = run_as<MaintainerAdded>(AddMaintainer{p, bob}, Actor::of(ada));
  EXPECT_EQ(m.participant_id, bob);
  EXPECT_EQ(project(p).maintainers, (std::vector<Id>{ada, bob}));
  EXPECT_EQ(role_of(bob), Role::maintainer);
  ProjectFields f;
  f.description = "bob edits";
  run(EditProject{p, f}, Actor::of(bob));  // the new maintainer has the rights at once
  run(AddMaintainer{p, org}, Actor::of(org));
  EXPECT_EQ(role_of(org), Role::organizer);  // not demoted
}

TEST_F(ProjectsTest, AddMaintainerRejections) {
  const Id p = create_project(ada);
  EXPECT_TRUE(rejects(AddMaintainer{p, cy}, Actor::of(bob), "forbidden", "project_id"));
  EXPECT_TRUE(rejects(AddMaintainer{p, cy}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(AddMaintainer{99, cy}, Actor::of(ada), "not_found", "project_id"));
  EXPECT_TRUE(rejects(AddMaintainer{p, 99}, Actor::of(ada), "not_found", "participant_id"));
  EXPECT_TRUE(rejects(AddMaintainer{p, ada}, Actor::of(ada), "conflict", "participant_id"));
}

TEST_F(ProjectsTest, ClaimTable) {
  const Id p = create_project(ada);
  const auto c = run_as<TableClaimed>(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada));
  EXPECT_EQ(c.room_id, sprint_a);
  EXPECT_EQ(project(p).tables, (std::map<std::string, Id>{{kDay1, sprint_a}}));
  EXPECT_EQ(board.table_holder(kDay1, sprint_a), std::optional<Id>(p));
  run(ClaimTable{p, kDay2, sprint_a}, Actor::of(org));  // same table, another day
  EXPECT_EQ(project(p).tables.size(), 2u);
}

TEST_F(ProjectsTest, ReclaimingOnTheSameDayMovesTheTable) {
  const Id p = create_project(ada);
  const Id q = create_project(bob, "Django");
  run(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada));
  run(ClaimTable{p, kDay1, sprint_b}, Actor::of(ada));
  EXPECT_EQ(project(p).tables, (std::map<std::string, Id>{{kDay1, sprint_b}}));  // one per day
  EXPECT_EQ(board.table_holder(kDay1, sprint_a), std::nullopt);
  EXPECT_EQ(board.table_holder(kDay1, sprint_b), std::optional<Id>(p));
  run(ClaimTable{q, kDay1, sprint_a}, Actor::of(bob));
}

TEST_F(ProjectsTest, OneProjectPerTablePerDay) {
  const Id p = create_project(ada);
  const Id q = create_project(bob, "Django");
  run(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada));
  EXPECT_TRUE(rejects(ClaimTable{q, kDay1, sprint_a}, Actor::of(bob), "table_taken", "room_id"));
  EXPECT_TRUE(rejects(ClaimTable{q, kDay1, sprint_a}, Actor::of(org), "table_taken", "room_id"));
  EXPECT_TRUE(rejects(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada), "conflict", "room_id"));
  run(ClaimTable{q, kDay2, sprint_a}, Actor::of(bob));
}

TEST_F(ProjectsTest, ClaimTableRejections) {
  const Id p = create_project(ada);
  run(EditProject{p, only_days({kDay1})}, Actor::of(ada));
  EXPECT_TRUE(rejects(ClaimTable{p, kDay1, sprint_a}, Actor::of(bob), "forbidden", "project_id"));
  EXPECT_TRUE(rejects(ClaimTable{p, kDay1, sprint_a}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(ClaimTable{99, kDay1, sprint_a}, Actor::of(ada), "not_found", "project_id"));
  EXPECT_TRUE(rejects(ClaimTable{p, "tomorrow", sprint_a}, Actor::of(ada), "invalid_value", "day"));
  EXPECT_TRUE(rejects(ClaimTable{p, kDay2, sprint_a}, Actor::of(ada), "invalid_value", "day"));
  EXPECT_TRUE(rejects(ClaimTable{p, "2026-05-15", sprint_a}, Actor::of(ada), "invalid_value", "day"));
  EXPECT_TRUE(rejects(ClaimTable{p, kDay1, 99}, Actor::of(ada), "not_found", "room_id"));
  EXPECT_TRUE(rejects(ClaimTable{p, kDay1, r1}, Actor::of(ada), "invalid_value", "room_id"));
}

TEST_F(ProjectsTest, ReleaseTable) {
  const Id p = create_project(ada);
  EXPECT_TRUE(rejects(ReleaseTable{p, kDay1}, Actor::of(ada), "not_found", "day"));
  run(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada));
  EXPECT_TRUE(rejects(ReleaseTable{p, kDay1}, Actor::of(bob), "forbidden", "project_id"));
  EXPECT_TRUE(rejects(ReleaseTable{99, kDay1}, Actor::of(ada), "not_found", "project_id"));
  EXPECT_TRUE(rejects(ReleaseTable{p, kDay2}, Actor::of(ada), "not_found", "day"));
  const auto r = run_as<TableReleased>(ReleaseTable{p, kDay1}, Actor::of(ada));
  EXPECT_EQ(r.day, kDay1);
  EXPECT_TRUE(project(p).tables.empty());
  EXPECT_EQ(board.table_holder(kDay1, sprint_a), std::nullopt);
}

TEST_F(ProjectsTest, JoinAndLeaveProject) {
  const Id p = create_project(ada);
  const auto j = run_as<ProjectJoined>(JoinProject{p}, Actor::of(bob));
  EXPECT_EQ(j.participant_id, bob);
  run(JoinProject{p}, Actor::of(ada));  // maintainers may join as attendees too
  EXPECT_EQ(project(p).attendees, (std::vector<Id>{bob, ada}));
  EXPECT_TRUE(rejects(JoinProject{p}, Actor::of(bob), "already_joined", "project_id"));
  run_as<ProjectLeft>(LeaveProject{p}, Actor::of(bob));
  EXPECT_EQ(project(p).attendees, std::vector<Id>{ada});
  EXPECT_TRUE(rejects(LeaveProject{p}, Actor::of(bob), "not_joined_project", "project_id"));
  EXPECT_TRUE(rejects(LeaveProject{p}, Actor::of(cy), "not_joined_project", "project_id"));
  run(JoinProject{p}, Actor::of(bob));
}

TEST_F(ProjectsTest, JoinProjectRejections) {
  const Id p = create_project(ada);
  EXPECT_TRUE(rejects(JoinProject{p}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(LeaveProject{p}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(JoinProject{99}, Actor::of(bob), "not_found", "project_id"));
  EXPECT_TRUE(rejects(LeaveProject{99}, Actor::of(bob), "not_found", "project_id"));
  EXPECT_TRUE(rejects(JoinProject{p}, Actor::system(), "forbidden"));
  EXPECT_TRUE(rejects(LeaveProject{p}, Actor::system(), "not_joined_project", "project_id"));
}

TEST_F(ProjectsTest, CapacityIsRespected) {
  const Id p = create_project(ada, "CPython", std::optional<int>(2));
  run(JoinProject{p}, Actor::of(bob));
  run(JoinProject{p}, Actor::of(cy));
  EXPECT_TRUE(rejects(JoinProject{p}, Actor::of(org), "project_full", "project_id"));
  run(LeaveProject{p}, Actor::of(cy));
  run(JoinProject{p}, Actor::of(org));
  EXPECT_TRUE(rejects(JoinProject{p}, Actor::of(cy), "project_full", "project_id"));
  ProjectFields f;
  f.capacity = std::optional<int>();  // unlimited
  run(EditProject{p, f}, Actor::of(ada));
  run(JoinProject{p}, Actor::of(cy));
  EXPECT_EQ(project(p).attendees.size(), 3u);
}

TEST_F(ProjectsTest, HideAndUnhideProject) {
  const Id p = create_project(ada);
  run(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada));
  run(JoinProject{p}, Actor::of(bob));
  EXPECT_TRUE(rejects(HideProject{p}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(HideProject{p}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(HideProject{99}, Actor::of(org), "not_found", "project_id"));
  EXPECT_TRUE(rejects(UnhideProject{p}, Actor::of(org), "invalid_state", "project_id"));
  run_as<ProjectHidden>(HideProject{p}, Actor::of(org));
  EXPECT_EQ(project(p).state, ProjectState::hidden);
  EXPECT_TRUE(project(p).tables.empty());
  EXPECT_EQ(board.table_holder(kDay1, sprint_a), std::nullopt);
  EXPECT_EQ(project(p).attendees, std::vector<Id>{bob});
  ProjectFields f;
  f.name = "x";
  EXPECT_TRUE(rejects(EditProject{p, f}, Actor::of(ada), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(JoinProject{p}, Actor::of(cy), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(LeaveProject{p}, Actor::of(bob), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(AddMaintainer{p, cy}, Actor::of(ada), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(WithdrawProject{p}, Actor::of(ada), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(HideProject{p}, Actor::of(org), "invalid_state", "project_id"));
  EXPECT_TRUE(rejects(UnhideProject{p}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(UnhideProject{99}, Actor::of(org), "not_found", "project_id"));
  run_as<ProjectUnhidden>(UnhideProject{p}, Actor::of(org));
  EXPECT_EQ(project(p).state, ProjectState::active);
  run(ClaimTable{p, kDay1, sprint_a}, Actor::of(ada));
}

}  // namespace
}  // namespace boardwalk::test
