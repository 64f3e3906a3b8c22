## The list of proposals

proposals-title = Proposals and decisions
proposals-filter-label = Show
proposals-filter-all = All proposals
proposals-filter-open = Open (circulating or being voted)
proposals-filter-decided = Decided (adopted, rejected or failed)
proposals-filter-show = Apply
proposals-count = Proposals and amendments found: { $count }
proposals-list-caption = Proposals and amendments, newest first
proposals-none-found = No proposal matches this choice.
proposals-beyond-end = There is no page { $page }: the list has { $pages } pages.
proposals-back-to-last = Go to the last page
proposals-pages = Pages of the list
proposals-previous = Previous page
proposals-next = Next page
proposals-page-of = Page { $page } of { $pages }
proposals-sponsor = Sponsor
proposals-procedure = Procedure
proposals-deadline = Deadline
proposals-tally = Tally
proposals-tally-short = Yes { $yes }, no { $no }, abstaining { $abstain }
proposals-by-consensus = No vote: consensus
proposals-no-count = No count
proposals-silence-no-vote = No vote unless silence is broken
proposals-amends = Amendment to:
proposals-bad-page = The page number must be a whole number from 1 upwards (got `{ $got }`).
proposals-bad-status = Unknown status `{ $got }`. Choose one of: `{ $allowed }`.
proposals-bad-query = The address’s query cannot be read: { $why }
proposals-procedure-vote = recorded vote
proposals-procedure-silence = silence procedure

## One proposal

proposals-bad-id = `{ $got }` is not a proposal id: ids are 1 to 64 characters of a–z, 0–9 and “-”, not starting with “-”.
proposals-unknown = There is no proposal or amendment with this id.
proposals-status = Status:
proposals-adopted-by-vote = by recorded vote
proposals-adopted-by-consensus = by consensus under the silence procedure
proposals-cosponsors = Co-sponsors
proposals-none = none
proposals-question = Question
proposals-question-ordinary = ordinary question
proposals-question-important = important question
proposals-submitted = Submitted
proposals-closed-at = Decided at entry
proposals-text = Text
proposals-original-text = The text as first submitted
proposals-action = Proposed action
proposals-action-json = The action as signed (JSON)
proposals-action-unknown = This action is not one this portal can describe; its JSON follows.
proposals-action-result = What became of it:
proposals-result-not-applied = Not applied:
proposals-result-admitted = { $member } was admitted.
proposals-result-suspended = { $member } was suspended.
proposals-result-reinstated = { $member } was reinstated.
proposals-result-rules = The rules of procedure were changed.
proposals-result-version = { $document } version { $n } was adopted.
proposals-result-translated = Article { $article } now reads in { $lang } too.
proposals-action-admit = Admit as a member state:
proposals-action-key = Its public key:
proposals-action-suspend = Suspend from voting:
proposals-action-reinstate = Restore the right to vote of:
proposals-action-rules = Change these rules of procedure:
proposals-action-establish = Establish a new document of the Code, as its version 1:
proposals-action-articles = Articles in version 1: { $count }
proposals-action-amend = Make a new version of the document
proposals-action-base = changing version { $version } as follows:
proposals-action-translate = Adopt a translation of one article of the Code:
proposals-action-document = Document:
proposals-action-version = Version: { $version }
proposals-action-article = Article: `{ $article }`
proposals-action-language = Language:
proposals-change-insert-after = Insert article `{ $article }` after article `{ $after }`
proposals-change-insert-first = Insert article `{ $article }` at the beginning
proposals-change-replace = Replace article `{ $article }`
proposals-change-delete = Delete article `{ $article }`
proposals-change-reword = Reword article `{ $article }` in the language `{ $lang }`
proposals-change-proposed = Proposed
proposals-rule-ordinary-majority = Majority for ordinary questions
proposals-rule-important-majority = Majority for important questions
proposals-rule-important-actions = Actions that make a question important
proposals-rule-quorum = Quorum
proposals-rule-min-silence = Shortest silence procedure
proposals-rule-min-vote = Shortest recorded vote
proposals-rule-silence-vote = Length of the vote once silence is broken
proposals-rule-vote-change = Members may change their vote
proposals-seconds = { $n ->
    [one] { $n } second
   *[other] { $n } seconds
}
proposals-yes = yes
proposals-no = no
proposals-majority-simple = a simple majority of the votes cast (more yes than no)
proposals-majority-two-thirds = two thirds of the votes cast
proposals-quorum-none = none
proposals-quorum-one-third = at least one third of the members entitled to vote take part
proposals-quorum-majority = more than half of the members entitled to vote take part
proposals-quorum-two-thirds = at least two thirds of the members entitled to vote take part
proposals-amendments = Amendments
proposals-amendments-order = Amendments are voted in this order, before the proposal itself.

## The silence procedure

proposals-silence = Silence procedure
proposals-silence-unbroken = Silence unbroken: unless a member objects before the deadline, the proposal is adopted by consensus.
proposals-silence-until = Deadline:
proposals-silence-held = Silence was not broken: the proposal was adopted by consensus at the deadline.
proposals-silence-not-broken = Silence was not broken.
proposals-silence-broken = Silence broken by { $member } at entry #{ $entry }.
proposals-silence-vote-until = The proposal went to a recorded vote, which closes at:
proposals-objections = Objections
proposals-dissociations = Dissociations
proposals-dissociations-hint = A member that dissociates itself does not block consensus but records that it does not join it.
proposals-no-dissociations = No member has dissociated itself.
proposals-member = Member
proposals-reason = Reason
proposals-entry = Log entry

## The recorded vote

proposals-recorded-vote = Recorded vote
proposals-no-votes = No vote has been cast yet.
proposals-votes-caption = How each member voted
proposals-vote = Vote
proposals-explanation = Explanation of vote
proposals-vote-yes = Yes
proposals-vote-no = No
proposals-vote-abstain = Abstain
proposals-not-voting = Not voting
proposals-tally-final = The final count, made when the ballot closed at entry
proposals-tally-live = The count so far; the ballot is open until
proposals-tally-not-final = This count is not final: the ballot closed without one.
proposals-chart-title = Results of the vote
proposals-chart-desc = Yes: { $yes }. No: { $no }. Abstain: { $abstain }. Not voting: { $none }.
proposals-majority = Majority and quorum
proposals-rules-now = Under the rules of procedure in force now:
proposals-majority-required = Majority required:
proposals-taking-part = Members taking part: { $n } of { $of } entitled to vote.
proposals-quorum-met = Quorum was met.
proposals-quorum-not-met = Quorum was not met: the proposal failed.
proposals-majority-met = The required majority was reached.
proposals-majority-not-met = The required majority was not reached.

## Log entries

proposals-entries = Log entries
proposals-entries-hint = Every act about this proposal is a signed entry of the public log. Open one to see it and check its proof.
proposals-entry-submitted = submitted by { $member }
proposals-entry-cosponsor = co-sponsored by { $member }
proposals-entry-objection = objection by { $member }
proposals-entry-dissociation = dissociation by { $member }
proposals-entry-amendment = amendment { $id } tabled
proposals-entry-vote = vote of { $member }
proposals-entry-closed = ballot closed

## The root zone (zone.change)
proposals-action-zone-add = Delegate the top-level domain
proposals-action-zone-change = Change the delegation of the top-level domain
proposals-action-zone-remove = Remove the delegation of the top-level domain
proposals-action-zone-ns = Name servers:
proposals-action-zone-glue = Glue addresses:
proposals-action-zone-ds = `DS` records (`DNSSEC`):
proposals-action-zone-no-ds = No `DS` record: the domain is not signed.
proposals-action-zone-sponsor = Sponsor:
proposals-action-zone-checks = Technical checks passed when it was tabled:
proposals-result-zone = `{ $tld }` was changed in the root zone, serial `{ $serial }`.
zone-check-ns-count = two to thirteen name servers
zone-check-ns-host-names = name servers have valid host names (`RFC 1123`)
zone-check-ns-reachable = every name server lies under a delegated TLD
zone-check-ns-distinct-addresses = name servers have distinct addresses
zone-check-glue-present = name servers under the TLD have glue
zone-check-glue-consistent = glue only for hosts under the TLD that are used
zone-check-addresses-global = no private, reserved or bogon addresses
zone-check-ds-algorithm = `DS` algorithms known and allowed
zone-check-ds-digest = `DS` digest types known, digests of the right length
zone-check-referral-size = the referral fits in 1,232 octets with `EDNS` and 512 without
zone-check-limits = within the registry's limits
zone-check-not-in-use = nothing else depends on a removed TLD
