# Le registre de la zone racine : /registry et /registry/{tld}.
nav-registry = Zone racine
registry-title = Registre de la zone racine
registry-intro = Les délégations de la zone racine ne changent que par une décision des membres ; chaque modification, et chaque version de la zone qui en résulte, est une entrée du journal.
registry-none = Il n’y a pas encore de registre : le secrétariat n’a importé aucune zone racine.
registry-serial = Numéro de série actuel
registry-formed = Formée
registry-cause-import = Importation initiale de la zone racine
registry-cause-change = Modification adoptée par la proposition
registry-cause-resign = Nouvelle signature hebdomadaire
registry-published = Publiée
registry-published-yes = Consignée à l’entrée
registry-published-no = Non consignée
registry-not-published-yet = Sa publication n’est pas encore consignée.
registry-sha256 = `SHA-256`
registry-trust-anchor = Ancre de confiance (`DS` de la clé de signature de clés)
registry-no-trust-anchor = La clé de signature de clés n’a pas pu être lue.
registry-zone-file = Fichier de zone signé
registry-source = Fichier de zone importé
registry-versions = Versions récentes de la zone
registry-col-serial = Numéro de série
registry-col-time = Date
registry-col-cause = Motif
registry-col-entry = Entrée
registry-col-published = Publication
registry-tlds = Domaines de premier niveau
registry-tld-count = { $count ->
    [one] { $count } domaine de premier niveau est délégué.
   *[other] { $count } domaines de premier niveau sont délégués.
}
registry-go-label = Aller à un domaine de premier niveau
registry-go = Afficher
registry-find-hint = Pour chercher dans la liste, utilisez la recherche de votre navigateur (`Ctrl+F`).
registry-col-tld = Domaine
registry-col-sponsor = Parrain
registry-col-ns = Serveurs de noms
registry-col-signed = Signé
registry-signed = signé
registry-unsigned = non signé
registry-unknown-tld = Ce domaine de premier niveau n’existe pas dans le registre : vérifiez l’orthographe ou cherchez-le dans la liste de tous les domaines de premier niveau.
registry-ns = Serveurs de noms (`NS`)
registry-glue = Adresses de colle
registry-no-glue = Aucune (les serveurs de noms sont hors de ce domaine)
registry-ds = Signataire de délégation (`DS`)
registry-no-ds = Aucun enregistrement `DS` : le domaine n’est pas signé.
registry-ds-count = { $count ->
    [0] aucun enregistrement `DS`
    [one] { $count } enregistrement `DS`
   *[other] { $count } enregistrements `DS`
}
registry-became-removed = Retiré de la zone
registry-back = Tous les domaines de premier niveau
registry-tld-heading = Domaine de premier niveau
registry-current = Délégation actuelle
registry-since = Telle que fixée par l’entrée
registry-not-delegated = Ce domaine n’est plus délégué.
registry-history = Historique de la délégation
registry-col-decision = Décision
registry-col-became = Résultat
registry-decision-proposal = Proposition
registry-decision-import = L’importation initiale
