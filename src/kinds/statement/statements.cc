#include "kinds/statement/statements.h"

#include <mutex>

#include "resources/states.h"

namespace eddy::kinds {

using resources::Resource;

Result<Resource> add_statement(controlplane::ResourceService& rs, const std::string& session,
                               const std::string& code, const std::string& kind) {
  static std::mutex numbering;
  std::lock_guard<std::mutex> l(numbering);
  EDDY_ASSIGN_OR_RETURN(Resource s, rs.get("Session", session));
  const auto state = resources::state_of(s, resources::SessionState::kStarting);
  if (resources::is_ended(state))
    return failed_precondition("Session '" + std::to_string(s.id) + "' is " +
                               resources::state_name(state) + ": statements cannot be run");
  const std::string session_kind = s.spec.value("kind", "eddy");
  const std::string st_kind = kind.empty() ? (session_kind == "pyspark" ? "pyspark" : session_kind)
                                           : kind;
  // A pyspark session runs Python and Spark SQL (through its `spark`); the others have no
  // Python interpreter.
  if (st_kind == "pyspark" && session_kind != "pyspark")
    return invalid_argument("kind: 'pyspark' statements need a pyspark session (session '" +
                            std::to_string(s.id) + "' is " + session_kind + ")");
  if (session_kind == "pyspark" && st_kind == "eddy")
    return invalid_argument("kind: 'eddy' statements need an eddy session (session '" +
                            std::to_string(s.id) + "' is pyspark: its statements are "
                            "pyspark or sql)");
  int64_t n = s.status.value("nextStatementId", int64_t{0});
  for (;; ++n) {
    Resource st;
    st.kind = "Statement";
    st.name = session + "-s" + std::to_string(n);
    st.labels[kSessionLabel] = session;
    st.spec = {{"session", session},
               {"id", n},
               {"code", code},
               {"kind", st_kind}};
    // Created before the session's counter moves: a refused statement leaves no gap.
    auto created = rs.create(std::move(st));
    if (!created.is_ok() && created.status().code() == StatusCode::kAlreadyExists)
      continue;  // a number taken before a crash: the next one
    if (!created.is_ok()) return created.status();
    (void)rs.mutate("Session", session, [&](Resource& cur) {
      if (cur.status.value("nextStatementId", int64_t{0}) > n) return false;
      cur.status["nextStatementId"] = n + 1;
      return true;
    });
    return created;
  }
}

Result<std::vector<Resource>> list_statements(controlplane::ResourceService& rs,
                                              const std::string& session) {
  resources::LabelSelector sel;
  sel.terms.push_back({kSessionLabel, resources::LabelSelector::Term::Op::kEquals, session});
  return rs.list("Statement", sel);
}

}  // namespace eddy::kinds
