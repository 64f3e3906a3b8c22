members-title = Miembros
members-count = { $count ->
    [one] { $count } Estado miembro
   *[other] { $count } Estados miembros
}
members-caption = Los Estados miembros, su admisión y sus claves vigentes
members-col-id = Código
members-col-name = Nombre
members-col-since = Admitido en la entrada
members-col-key = Identificador de la clave vigente
members-col-standing = Situación
members-suspended = suspendido del derecho de voto
members-in-good-standing = puede votar
members-secretariat-note = La secretaría opera el nodo y firma las marcas de reloj; no es un Estado miembro y no vota:
members-secretariat-name = Secretaría
members-joined = Admitido en la entrada
members-current-key = Clave pública vigente
members-key-since = vigente desde la entrada
members-statements-signed = Declaraciones firmadas
members-subscriptions = Adhesiones al Código
members-no-subscriptions = Este miembro no se adhiere a ninguna versión de ningún documento.
members-subscribes-to = { $document }, versión { $version }
members-since = desde la entrada
members-votes = Votos emitidos
members-no-votes = Ningún voto registrado.
members-col-vote = Voto
members-col-explanation = Explicación de voto
members-col-entry = Entrada del registro
members-vote-yes = sí
members-vote-no = no
members-vote-abstain = abstención
members-latest-votes-only = { $count ->
    [one] Solo se muestra el último voto.
   *[other] Se muestran los últimos { $count } votos.
}
members-statements = Declaraciones en el registro
members-no-statements = Aún no hay declaraciones.
members-col-type = Tipo
members-col-seq = Número de secuencia
members-statements-pages = Declaraciones anteriores
members-older = Declaraciones anteriores
