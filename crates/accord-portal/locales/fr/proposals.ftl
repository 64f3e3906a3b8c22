## La liste des propositions

proposals-title = Propositions et décisions
proposals-filter-label = Afficher
proposals-filter-all = Toutes les propositions
proposals-filter-open = Ouvertes (en circulation ou au vote)
proposals-filter-decided = Tranchées (adoptées, rejetées ou échouées)
proposals-filter-show = Appliquer
proposals-count = Propositions et amendements trouvés : { $count }
proposals-list-caption = Propositions et amendements, les plus récents d’abord
proposals-none-found = Aucune proposition ne correspond à ce choix.
proposals-beyond-end = Il n’y a pas de page { $page } : la liste compte { $pages } pages.
proposals-back-to-last = Aller à la dernière page
proposals-pages = Pages de la liste
proposals-previous = Page précédente
proposals-next = Page suivante
proposals-page-of = Page { $page } sur { $pages }
proposals-sponsor = Auteur
proposals-procedure = Procédure
proposals-deadline = Échéance
proposals-tally = Décompte
proposals-tally-short = Pour { $yes }, contre { $no }, abstentions { $abstain }
proposals-by-consensus = Pas de vote : consensus
proposals-no-count = Aucun décompte
proposals-silence-no-vote = Pas de vote sauf si le silence est rompu
proposals-amends = Amendement à :
proposals-bad-page = Le numéro de page doit être un nombre entier à partir de 1 (reçu `{ $got }`).
proposals-bad-status = Statut inconnu `{ $got }`. Choisissez parmi : `{ $allowed }`.
proposals-bad-query = Les paramètres de l’adresse sont illisibles : { $why }
proposals-procedure-vote = vote enregistré
proposals-procedure-silence = procédure d’approbation tacite

## Une proposition

proposals-bad-id = `{ $got }` n’est pas un identifiant de proposition : 1 à 64 caractères parmi a–z, 0–9 et « - », sans « - » au début.
proposals-unknown = Aucune proposition ni aucun amendement ne porte cet identifiant.
proposals-status = Statut :
proposals-adopted-by-vote = par vote enregistré
proposals-adopted-by-consensus = par consensus, selon la procédure d’approbation tacite
proposals-cosponsors = Coauteurs
proposals-none = aucun
proposals-question = Question
proposals-question-ordinary = question ordinaire
proposals-question-important = question importante
proposals-submitted = Déposée
proposals-closed-at = Tranchée à l’entrée
proposals-text = Texte
proposals-original-text = Le texte tel que déposé à l’origine
proposals-action = Mesure proposée
proposals-action-json = La mesure telle que signée (JSON)
proposals-action-unknown = Ce portail ne sait pas décrire cette mesure ; son JSON suit.
proposals-action-result = Ce qu’il en est advenu :
proposals-result-not-applied = Non appliqué :
proposals-result-admitted = { $member } a été admis.
proposals-result-suspended = { $member } a été suspendu.
proposals-result-reinstated = { $member } a été réintégré.
proposals-result-rules = Le règlement intérieur a été modifié.
proposals-result-version = La version { $n } de { $document } a été adoptée.
proposals-result-translated = L’article { $article } se lit désormais aussi en { $lang }.
proposals-action-admit = Admettre comme État membre :
proposals-action-key = Sa clé publique :
proposals-action-suspend = Suspendre du droit de vote :
proposals-action-reinstate = Rétablir le droit de vote de :
proposals-action-rules = Modifier ces règles de procédure :
proposals-action-establish = Établir un nouveau document du Code, comme sa version 1 :
proposals-action-articles = Articles de la version 1 : { $count }
proposals-action-amend = Établir une nouvelle version du document
proposals-action-base = en modifiant la version { $version } comme suit :
proposals-action-translate = Adopter la traduction d’un article du Code :
proposals-action-document = Document :
proposals-action-version = Version : { $version }
proposals-action-article = Article : `{ $article }`
proposals-action-language = Langue :
proposals-change-insert-after = Insérer l’article `{ $article }` après l’article `{ $after }`
proposals-change-insert-first = Insérer l’article `{ $article }` au début
proposals-change-replace = Remplacer l’article `{ $article }`
proposals-change-delete = Supprimer l’article `{ $article }`
proposals-change-reword = Reformuler l’article `{ $article }` dans la langue `{ $lang }`
proposals-change-proposed = Proposé
proposals-rule-ordinary-majority = Majorité pour les questions ordinaires
proposals-rule-important-majority = Majorité pour les questions importantes
proposals-rule-important-actions = Mesures qui font d’une question une question importante
proposals-rule-quorum = Quorum
proposals-rule-min-silence = Durée minimale de la procédure d’approbation tacite
proposals-rule-min-vote = Durée minimale d’un vote enregistré
proposals-rule-silence-vote = Durée du vote après une objection
proposals-rule-vote-change = Les membres peuvent modifier leur vote
proposals-seconds = { $n ->
    [one] { $n } seconde
   *[other] { $n } secondes
}
proposals-yes = oui
proposals-no = non
proposals-majority-simple = la majorité simple des suffrages exprimés (plus de voix pour que contre)
proposals-majority-two-thirds = les deux tiers des suffrages exprimés
proposals-quorum-none = aucun
proposals-quorum-one-third = au moins un tiers des membres ayant le droit de vote participent
proposals-quorum-majority = plus de la moitié des membres ayant le droit de vote participent
proposals-quorum-two-thirds = au moins deux tiers des membres ayant le droit de vote participent
proposals-amendments = Amendements
proposals-amendments-order = Les amendements sont mis aux voix dans cet ordre, avant la proposition elle-même.

## La procédure d’approbation tacite

proposals-silence = Procédure d’approbation tacite
proposals-silence-unbroken = Silence non rompu : sauf objection d’un membre avant l’échéance, la proposition est adoptée par consensus.
proposals-silence-until = Échéance :
proposals-silence-held = Le silence n’a pas été rompu : la proposition a été adoptée par consensus à l’échéance.
proposals-silence-not-broken = Le silence n’a pas été rompu.
proposals-silence-broken = Silence rompu par { $member } à l’entrée nº { $entry }.
proposals-silence-vote-until = La proposition a été mise aux voix ; le vote enregistré se clôt le :
proposals-objections = Objections
proposals-dissociations = Dissociations
proposals-dissociations-hint = Un membre qui se dissocie ne bloque pas le consensus mais fait consigner qu’il ne s’y joint pas.
proposals-no-dissociations = Aucun membre ne s’est dissocié.
proposals-member = Membre
proposals-reason = Motif
proposals-entry = Entrée du journal

## Le vote enregistré

proposals-recorded-vote = Vote enregistré
proposals-no-votes = Aucun vote n’a encore été exprimé.
proposals-votes-caption = Le vote de chaque membre
proposals-vote = Vote
proposals-explanation = Explication de vote
proposals-vote-yes = Pour
proposals-vote-no = Contre
proposals-vote-abstain = Abstention
proposals-not-voting = N’ont pas voté
proposals-tally-final = Le décompte définitif, établi à la clôture du scrutin à l’entrée
proposals-tally-live = Le décompte à ce stade ; le scrutin est ouvert jusqu’au
proposals-tally-not-final = Ce décompte n’est pas définitif : le scrutin a été clos sans décompte.
proposals-chart-title = Résultats du vote
proposals-chart-desc = Pour : { $yes }. Contre : { $no }. Abstentions : { $abstain }. N’ont pas voté : { $none }.
proposals-majority = Majorité et quorum
proposals-rules-now = Selon les règles de procédure en vigueur aujourd’hui :
proposals-majority-required = Majorité requise :
proposals-taking-part = Membres participants : { $n } sur { $of } ayant le droit de vote.
proposals-quorum-met = Le quorum a été atteint.
proposals-quorum-not-met = Le quorum n’a pas été atteint : la proposition a échoué.
proposals-majority-met = La majorité requise a été atteinte.
proposals-majority-not-met = La majorité requise n’a pas été atteinte.

## Entrées du journal

proposals-entries = Entrées du journal
proposals-entries-hint = Chaque acte relatif à cette proposition est une entrée signée du journal public. Ouvrez-en une pour la voir et vérifier sa preuve.
proposals-entry-submitted = déposée par { $member }
proposals-entry-cosponsor = coparrainée par { $member }
proposals-entry-objection = objection de { $member }
proposals-entry-dissociation = dissociation de { $member }
proposals-entry-amendment = amendement { $id } déposé
proposals-entry-vote = vote de { $member }
proposals-entry-closed = scrutin clos

## La zone racine (zone.change)
proposals-action-zone-add = Déléguer le domaine de premier niveau
proposals-action-zone-change = Modifier la délégation du domaine de premier niveau
proposals-action-zone-remove = Supprimer la délégation du domaine de premier niveau
proposals-action-zone-ns = Serveurs de noms :
proposals-action-zone-glue = Adresses de colle :
proposals-action-zone-ds = Enregistrements `DS` (`DNSSEC`) :
proposals-action-zone-no-ds = Aucun enregistrement `DS` : le domaine n’est pas signé.
proposals-action-zone-sponsor = Parrain :
proposals-action-zone-checks = Contrôles techniques réussis lors du dépôt :
proposals-result-zone = `{ $tld }` a été modifié dans la zone racine, numéro de série `{ $serial }`.
zone-check-ns-count = de deux à treize serveurs de noms
zone-check-ns-host-names = des noms d’hôte valides pour les serveurs de noms (`RFC 1123`)
zone-check-ns-reachable = chaque serveur de noms relève d’un domaine de premier niveau délégué
zone-check-ns-distinct-addresses = des adresses distinctes pour les serveurs de noms
zone-check-glue-present = une colle pour les serveurs de noms sous le domaine
zone-check-glue-consistent = une colle uniquement pour des hôtes du domaine qui servent
zone-check-addresses-global = aucune adresse privée, réservée ou non attribuée
zone-check-ds-algorithm = des algorithmes `DS` connus et admis
zone-check-ds-digest = des types d’empreinte `DS` connus, des empreintes de la bonne longueur
zone-check-referral-size = le renvoi tient en 1 232 octets avec `EDNS` et en 512 sans
zone-check-limits = dans les limites du registre
zone-check-not-in-use = rien d’autre ne dépend d’un domaine supprimé
