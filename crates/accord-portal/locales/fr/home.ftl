home-intro = Une instance d'États membres qui négocie et applique un code de conduite international pour la sécurité de l'information. Chaque acte d'un membre est une déclaration signée avec la clé propre de cet État et ajoutée à un journal public unique que chacun peut vérifier ; les décisions ne suivent que le règlement intérieur adopté par les membres.
home-members = { $count ->
    [one] { $count } État membre
   *[other] { $count } États membres
}
home-open-ballots = Scrutins ouverts
home-no-open-ballots = Aucun scrutin n'est ouvert.
home-all-open = { $count ->
    [1] Le seul scrutin ouvert
   *[other] Les { $count } scrutins ouverts
}
home-latest-decisions = Dernières décisions
home-no-decisions = Aucune décision pour l'instant.
home-log = Le journal public
home-log-size = Entrées signées quand cette page a été lue : { $size }
home-log-root = Hachage racine :
home-log-verify = Voir le point de contrôle et vérifier les entrées
home-witnesses = Les témoins qui cosignent ses points de contrôle
