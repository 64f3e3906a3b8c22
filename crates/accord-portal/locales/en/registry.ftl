# The root zone registry: /registry and /registry/{tld}.
nav-registry = Root zone
registry-title = Root zone registry
registry-intro = The delegations of the root zone change only by a decision of the members; every change, and every version of the zone it forms, is an entry in the log.
registry-none = There is no registry yet: the secretariat has not imported a root zone.
registry-serial = Current serial
registry-formed = Formed
registry-cause-import = Initial import of the root zone
registry-cause-change = Change adopted by proposal
registry-cause-resign = Weekly re-signing
registry-published = Published
registry-published-yes = Recorded in entry
registry-published-no = Not recorded
registry-not-published-yet = Not yet recorded as published.
registry-sha256 = `SHA-256`
registry-trust-anchor = Trust anchor (`DS` of the key-signing key)
registry-no-trust-anchor = The key-signing key could not be read.
registry-zone-file = Signed zone file
registry-source = Imported zone file
registry-versions = Recent versions of the zone
registry-col-serial = Serial
registry-col-time = Time
registry-col-cause = Why
registry-col-entry = Entry
registry-col-published = Published
registry-tlds = Top-level domains
registry-tld-count = { $count ->
    [one] { $count } top-level domain is delegated.
   *[other] { $count } top-level domains are delegated.
}
registry-go-label = Go to a top-level domain
registry-go = Show
registry-find-hint = To search the list, use your browser's find (`Ctrl+F`).
registry-col-tld = Domain
registry-col-sponsor = Sponsor
registry-col-ns = Name servers
registry-col-signed = Signed
registry-signed = signed
registry-unsigned = not signed
registry-unknown-tld = No such top-level domain in the registry: check the spelling, or look it up in the list of all top-level domains.
registry-ns = Name servers (`NS`)
registry-glue = Glue addresses
registry-no-glue = None (the name servers lie outside this domain)
registry-ds = Delegation signer (`DS`)
registry-no-ds = No `DS` record: the domain is not signed.
registry-ds-count = { $count ->
    [0] no `DS` record
    [one] { $count } `DS` record
   *[other] { $count } `DS` records
}
registry-became-removed = Removed from the zone
registry-back = All top-level domains
registry-tld-heading = Top-level domain
registry-current = Current delegation
registry-since = As set by entry
registry-not-delegated = This domain is no longer delegated.
registry-history = Delegation history
registry-col-decision = Decision
registry-col-became = What it became
registry-decision-proposal = Proposal
registry-decision-import = The initial import
