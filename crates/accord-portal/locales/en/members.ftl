members-title = Members
members-count = { $count ->
    [one] { $count } member state
   *[other] { $count } member states
}
members-caption = Member states, their admission and current keys
members-col-id = Code
members-col-name = Name
members-col-since = Admitted at entry
members-col-key = Current key id
members-col-standing = Standing
members-suspended = suspended from voting
members-in-good-standing = may vote
members-secretariat-note = The secretariat operates the node and signs clock ticks; it is not a member state and does not vote:
members-secretariat-name = Secretariat
members-joined = Admitted at entry
members-current-key = Current public key
members-key-since = in force since entry
members-statements-signed = Statements signed
members-subscriptions = Subscriptions to the Code
members-no-subscriptions = This member subscribes to no version of any document.
members-subscribes-to = { $document }, version { $version }
members-since = since entry
members-votes = Votes cast
members-no-votes = No recorded vote.
members-col-vote = Vote
members-col-explanation = Explanation of vote
members-col-entry = Log entry
members-vote-yes = yes
members-vote-no = no
members-vote-abstain = abstain
members-latest-votes-only = { $count ->
    [one] Only the latest vote is shown.
   *[other] The latest { $count } votes are shown.
}
members-statements = Statements in the log
members-no-statements = No statement yet.
members-col-type = Type
members-col-seq = Sequence number
members-statements-pages = Older statements
members-older = Older statements
