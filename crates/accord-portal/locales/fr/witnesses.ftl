witnesses-title = Témoins
witnesses-intro = Les témoins sont des serveurs exploités par des États membres. Chacun vérifie que chaque nouveau point de contrôle du registre prolonge ceux qu’il a vus auparavant, puis le cosigne. Un point de contrôle cosigné par assez de témoins est un point que le registre n’aurait pas pu montrer différemment à des lecteurs différents sans être découvert.
witnesses-policy-heading = La politique en vigueur
witnesses-quorum-none-registered = Aucun témoin n’est enregistré : aucune cosignature n’est donc exigée (`quorum none`), et un point de contrôle ne repose que sur la signature du registre.
witnesses-quorum-none = Aucun témoin enregistré ne compte pour le quorum : aucune cosignature n’est donc exigée (`quorum none`), et un point de contrôle ne repose que sur la signature du registre.
witnesses-quorum-intro = Un point de contrôle atteint le quorum lorsqu’il porte des cosignatures valides :
witnesses-quorum-counted = { $n ->
    [one] du seul témoin compté
   *[other] de { $k } des { $n } témoins comptés
}
witnesses-quorum-group = { $n ->
    [one] du seul témoin compté du groupe { $group }
   *[other] d’au moins { $k } des { $n } témoins comptés du groupe { $group }
}
witnesses-quorum-witness = du témoin de
witnesses-set-by = Ces règles sur les témoins ont été fixées par la décision sur la proposition
witnesses-set-by-genesis = Ces règles sur les témoins sont celles de la fondation : aucune décision ne les a modifiées.
witnesses-policy-text = La politique au format `C2SP tlog-policy`, en vigueur au point de contrôle { $size }
witnesses-policy-raw = La politique telle que servie aux vérificateurs :
witnesses-registered-heading = Témoins enregistrés
witnesses-none-registered = Aucun État membre n’a enregistré de témoin.
witnesses-legend = Signes des lignes de résultats :
witnesses-result-cosigned = cosigné
witnesses-result-bad = cosignature invalide
witnesses-result-refused = point de contrôle refusé
witnesses-result-unreachable = injoignable
witnesses-result-busy = encore occupé, non sollicité
witnesses-result-late = réponse trop tardive
witnesses-url = Adresse
witnesses-vkey = Clé de vérification
witnesses-counted = Compte pour le quorum
witnesses-counted-yes = Oui
witnesses-counted-no = Non
witnesses-since = Enregistré à l’entrée
witnesses-availability = Disponibilité récente
witnesses-availability-share = { $n ->
    [one] A cosigné { $k } sur le dernier point de contrôle ({ $percent } %).
   *[other] A cosigné { $k } des { $n } derniers points de contrôle ({ $percent } %).
}
witnesses-availability-none = Pas encore sollicité depuis le démarrage de ce nœud.
witnesses-last-cosigned = Dernière cosignature
witnesses-last-problem = Dernier problème
witnesses-row-label = { $n ->
    [one] Le dernier résultat
   *[other] Les { $n } derniers résultats, du plus ancien au plus récent
}
witnesses-row-item = Point de contrôle { $size } : { $result }
witnesses-recent-heading = Points de contrôle récents
witnesses-recent-caption = { $count ->
    [one] Le dernier point de contrôle publié par ce nœud
   *[other] Les { $count } derniers points de contrôle publiés par ce nœud, du plus récent au plus ancien
}
witnesses-col-size = Entrées (taille de l’arbre)
witnesses-col-published = Publié
witnesses-col-cosigned = Cosigné par
witnesses-col-quorum = Quorum
witnesses-cosigned-nobody = aucun témoin
witnesses-quorum-met = quorum atteint
witnesses-quorum-not-met = quorum non atteint
witnesses-quorum-not-required = aucune cosignature exigée
witnesses-line-cosigned = Cosignatures des témoins :
witnesses-line-link = Les témoins et leur politique
witnesses-line-none = Aucun témoin ne cosigne ce registre : sa politique n’exige aucune cosignature.
