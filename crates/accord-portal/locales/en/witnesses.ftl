witnesses-title = Witnesses
witnesses-intro = Witnesses are servers run by member states. Each one checks that every new checkpoint of the log extends the ones it saw before, and then cosigns it. A checkpoint that enough witnesses cosigned is one the log could not have shown differently to different readers without being caught.
witnesses-policy-heading = The policy in force
witnesses-quorum-none-registered = No witness is registered, so no cosignature is required (`quorum none`): a checkpoint rests on the log's signature alone.
witnesses-quorum-none = No registered witness counts toward a quorum, so no cosignature is required (`quorum none`): a checkpoint rests on the log's signature alone.
witnesses-quorum-intro = A checkpoint meets the quorum when it carries valid cosignatures from:
witnesses-quorum-counted = { $n ->
    [one] the one counted witness
   *[other] { $k } of the { $n } counted witnesses
}
witnesses-quorum-group = { $n ->
    [one] the one counted witness of group { $group }
   *[other] at least { $k } of the { $n } counted witnesses of group { $group }
}
witnesses-quorum-witness = the witness of
witnesses-set-by = These witness rules were set by the decision on proposal
witnesses-set-by-genesis = These witness rules are the rules of genesis: no decision has changed them.
witnesses-policy-text = The policy as `C2SP tlog-policy`, in force at checkpoint { $size }
witnesses-policy-raw = The policy as served to verifiers:
witnesses-registered-heading = Registered witnesses
witnesses-none-registered = No member state has registered a witness.
witnesses-legend = Marks in the rows of results:
witnesses-result-cosigned = cosigned
witnesses-result-bad = invalid cosignature
witnesses-result-refused = refused the checkpoint
witnesses-result-unreachable = unreachable
witnesses-result-busy = still busy, not asked
witnesses-result-late = answered too late
witnesses-url = Address
witnesses-vkey = Verifier key
witnesses-counted = Counts toward the quorum
witnesses-counted-yes = Yes
witnesses-counted-no = No
witnesses-since = Registered at entry
witnesses-availability = Recent availability
witnesses-availability-share = { $n ->
    [one] Cosigned { $k } of the last checkpoint ({ $percent }%).
   *[other] Cosigned { $k } of the last { $n } checkpoints ({ $percent }%).
}
witnesses-availability-none = Not asked yet since this node started.
witnesses-last-cosigned = Last cosignature
witnesses-last-problem = Last problem
witnesses-row-label = { $n ->
    [one] The last result
   *[other] The last { $n } results, oldest first
}
witnesses-row-item = Checkpoint { $size }: { $result }
witnesses-recent-heading = Recent checkpoints
witnesses-recent-caption = { $count ->
    [one] The latest checkpoint this node published
   *[other] The latest { $count } checkpoints this node published, newest first
}
witnesses-col-size = Entries (tree size)
witnesses-col-published = Published
witnesses-col-cosigned = Cosigned by
witnesses-col-quorum = Quorum
witnesses-cosigned-nobody = no witness
witnesses-quorum-met = quorum met
witnesses-quorum-not-met = quorum not met
witnesses-quorum-not-required = no cosignature required
witnesses-line-cosigned = Witnesses' cosignatures:
witnesses-line-link = The witnesses and their policy
witnesses-line-none = No witness cosigns this log: its policy requires no cosignature.
