home-intro = A body of member states negotiating and applying an international code of conduct for information security. Every act of a member is a statement signed with that state's own key and appended to one public log that anyone can audit; decisions follow only the rules of procedure the members adopted.
home-members = { $count ->
    [one] { $count } member state
   *[other] { $count } member states
}
home-open-ballots = Open ballots
home-no-open-ballots = No ballot is open.
home-all-open = { $count ->
    [1] The one open ballot
   *[other] All { $count } open ballots
}
home-latest-decisions = Latest decisions
home-no-decisions = No decision yet.
home-log = The public log
home-log-size = Signed entries when this page was read: { $size }
home-log-root = Root hash:
home-log-verify = See the checkpoint and verify entries
home-witnesses = The witnesses who cosign its checkpoints
