members-title = Membres
members-count = { $count ->
    [one] { $count } État membre
   *[other] { $count } États membres
}
members-caption = Les États membres, leur admission et leurs clés en vigueur
members-col-id = Code
members-col-name = Nom
members-col-since = Admis à l'entrée
members-col-key = Identifiant de la clé en vigueur
members-col-standing = Situation
members-suspended = suspendu du droit de vote
members-in-good-standing = peut voter
members-secretariat-note = Le secrétariat exploite le nœud et signe les tops d'horloge ; ce n'est pas un État membre et il ne vote pas :
members-secretariat-name = Secrétariat
members-joined = Admis à l'entrée
members-current-key = Clé publique en vigueur
members-key-since = en vigueur depuis l'entrée
members-statements-signed = Déclarations signées
members-subscriptions = Adhésions au Code
members-no-subscriptions = Ce membre n'adhère à aucune version d'aucun document.
members-subscribes-to = { $document }, version { $version }
members-since = depuis l'entrée
members-votes = Votes exprimés
members-no-votes = Aucun vote enregistré.
members-col-vote = Vote
members-col-explanation = Explication de vote
members-col-entry = Entrée du journal
members-vote-yes = pour
members-vote-no = contre
members-vote-abstain = abstention
members-latest-votes-only = { $count ->
    [1] Seul le dernier vote est affiché.
   *[other] Les { $count } derniers votes sont affichés.
}
members-statements = Déclarations dans le journal
members-no-statements = Aucune déclaration pour l'instant.
members-col-type = Type
members-col-seq = Numéro de séquence
members-statements-pages = Déclarations plus anciennes
members-older = Déclarations plus anciennes
