## La lista de propuestas

proposals-title = Propuestas y decisiones
proposals-filter-label = Mostrar
proposals-filter-all = Todas las propuestas
proposals-filter-open = Abiertas (en circulación o en votación)
proposals-filter-decided = Resueltas (aprobadas, rechazadas o fallidas)
proposals-filter-show = Aplicar
proposals-count = Propuestas y enmiendas encontradas: { $count }
proposals-list-caption = Propuestas y enmiendas, las más recientes primero
proposals-none-found = Ninguna propuesta corresponde a esta selección.
proposals-beyond-end = No existe la página { $page }: la lista tiene { $pages } páginas.
proposals-back-to-last = Ir a la última página
proposals-pages = Páginas de la lista
proposals-previous = Página anterior
proposals-next = Página siguiente
proposals-page-of = Página { $page } de { $pages }
proposals-sponsor = Patrocinador
proposals-procedure = Procedimiento
proposals-deadline = Plazo
proposals-tally = Recuento
proposals-tally-short = A favor { $yes }, en contra { $no }, abstenciones { $abstain }
proposals-by-consensus = Sin votación: consenso
proposals-no-count = Sin recuento
proposals-silence-no-vote = Sin votación salvo que se interrumpa el silencio
proposals-amends = Enmienda a:
proposals-bad-page = El número de página debe ser un número entero a partir de 1 (se recibió `{ $got }`).
proposals-bad-status = Estado desconocido `{ $got }`. Elija uno de: `{ $allowed }`.
proposals-bad-query = No se pueden leer los parámetros de la dirección: { $why }
proposals-procedure-vote = votación registrada
proposals-procedure-silence = procedimiento de acuerdo tácito

## Una propuesta

proposals-bad-id = `{ $got }` no es un identificador de propuesta: de 1 a 64 caracteres entre a–z, 0–9 y «-», sin «-» al principio.
proposals-unknown = No hay ninguna propuesta ni enmienda con este identificador.
proposals-status = Estado:
proposals-adopted-by-vote = por votación registrada
proposals-adopted-by-consensus = por consenso, mediante el procedimiento de acuerdo tácito
proposals-cosponsors = Copatrocinadores
proposals-none = ninguno
proposals-question = Cuestión
proposals-question-ordinary = cuestión ordinaria
proposals-question-important = cuestión importante
proposals-submitted = Presentada
proposals-closed-at = Resuelta en la entrada
proposals-text = Texto
proposals-original-text = El texto tal como se presentó originalmente
proposals-action = Medida propuesta
proposals-action-json = La medida tal como se firmó (JSON)
proposals-action-unknown = Este portal no sabe describir esta medida; a continuación figura su JSON.
proposals-action-result = Qué fue de ella:
proposals-result-not-applied = No aplicado:
proposals-result-admitted = { $member } fue admitido.
proposals-result-suspended = { $member } fue suspendido.
proposals-result-reinstated = { $member } fue reintegrado.
proposals-result-rules = Se modificó el reglamento.
proposals-result-version = Se aprobó la versión { $n } de { $document }.
proposals-result-translated = El artículo { $article } se lee ahora también en { $lang }.
proposals-action-admit = Admitir como Estado miembro:
proposals-action-key = Su clave pública:
proposals-action-suspend = Suspender el derecho de voto de:
proposals-action-reinstate = Restablecer el derecho de voto de:
proposals-action-rules = Modificar estas reglas de procedimiento:
proposals-action-establish = Establecer un nuevo documento del Código, como su versión 1:
proposals-action-articles = Artículos de la versión 1: { $count }
proposals-action-amend = Crear una nueva versión del documento
proposals-action-base = modificando la versión { $version } como sigue:
proposals-action-translate = Aprobar la traducción de un artículo del Código:
proposals-action-document = Documento:
proposals-action-version = Versión: { $version }
proposals-action-article = Artículo: `{ $article }`
proposals-action-language = Idioma:
proposals-change-insert-after = Insertar el artículo `{ $article }` después del artículo `{ $after }`
proposals-change-insert-first = Insertar el artículo `{ $article }` al principio
proposals-change-replace = Sustituir el artículo `{ $article }`
proposals-change-delete = Suprimir el artículo `{ $article }`
proposals-change-reword = Redactar de nuevo el artículo `{ $article }` en el idioma `{ $lang }`
proposals-change-proposed = Propuesto
proposals-rule-ordinary-majority = Mayoría para las cuestiones ordinarias
proposals-rule-important-majority = Mayoría para las cuestiones importantes
proposals-rule-important-actions = Medidas que hacen de una cuestión una cuestión importante
proposals-rule-quorum = Quórum
proposals-rule-min-silence = Duración mínima del procedimiento de acuerdo tácito
proposals-rule-min-vote = Duración mínima de una votación registrada
proposals-rule-silence-vote = Duración de la votación tras una objeción
proposals-rule-vote-change = Los miembros pueden cambiar su voto
proposals-seconds = { $n ->
    [one] { $n } segundo
   *[other] { $n } segundos
}
proposals-yes = sí
proposals-no = no
proposals-majority-simple = la mayoría simple de los votos emitidos (más votos a favor que en contra)
proposals-majority-two-thirds = dos tercios de los votos emitidos
proposals-quorum-none = ninguno
proposals-quorum-one-third = participa al menos un tercio de los miembros con derecho de voto
proposals-quorum-majority = participa más de la mitad de los miembros con derecho de voto
proposals-quorum-two-thirds = participan al menos dos tercios de los miembros con derecho de voto
proposals-amendments = Enmiendas
proposals-amendments-order = Las enmiendas se votan en este orden, antes que la propia propuesta.

## El procedimiento de acuerdo tácito

proposals-silence = Procedimiento de acuerdo tácito
proposals-silence-unbroken = Silencio no interrumpido: salvo que un miembro objete antes del plazo, la propuesta queda aprobada por consenso.
proposals-silence-until = Plazo:
proposals-silence-held = El silencio no se interrumpió: la propuesta se aprobó por consenso al vencer el plazo.
proposals-silence-not-broken = El silencio no se interrumpió.
proposals-silence-broken = Silencio interrumpido por { $member } en la entrada n.º { $entry }.
proposals-silence-vote-until = La propuesta pasó a votación registrada, que se cierra el:
proposals-objections = Objeciones
proposals-dissociations = Disociaciones
proposals-dissociations-hint = Un miembro que se disocia no bloquea el consenso, pero deja constancia de que no se suma a él.
proposals-no-dissociations = Ningún miembro se ha disociado.
proposals-member = Miembro
proposals-reason = Motivo
proposals-entry = Entrada del registro

## La votación registrada

proposals-recorded-vote = Votación registrada
proposals-no-votes = Todavía no se ha emitido ningún voto.
proposals-votes-caption = Cómo votó cada miembro
proposals-vote = Voto
proposals-explanation = Explicación de voto
proposals-vote-yes = A favor
proposals-vote-no = En contra
proposals-vote-abstain = Abstención
proposals-not-voting = No votaron
proposals-tally-final = El recuento definitivo, hecho al cerrarse la votación en la entrada
proposals-tally-live = El recuento hasta ahora; la votación está abierta hasta el
proposals-tally-not-final = Este recuento no es definitivo: la votación se cerró sin recuento.
proposals-chart-title = Resultados de la votación
proposals-chart-desc = A favor: { $yes }. En contra: { $no }. Abstenciones: { $abstain }. No votaron: { $none }.
proposals-majority = Mayoría y quórum
proposals-rules-now = Según las reglas de procedimiento vigentes hoy:
proposals-majority-required = Mayoría requerida:
proposals-taking-part = Miembros participantes: { $n } de { $of } con derecho de voto.
proposals-quorum-met = Se alcanzó el quórum.
proposals-quorum-not-met = No se alcanzó el quórum: la propuesta fracasó.
proposals-majority-met = Se alcanzó la mayoría requerida.
proposals-majority-not-met = No se alcanzó la mayoría requerida.

## Entradas del registro

proposals-entries = Entradas del registro
proposals-entries-hint = Cada acto relativo a esta propuesta es una entrada firmada del registro público. Abra una para verla y comprobar su prueba.
proposals-entry-submitted = presentada por { $member }
proposals-entry-cosponsor = copatrocinada por { $member }
proposals-entry-objection = objeción de { $member }
proposals-entry-dissociation = disociación de { $member }
proposals-entry-amendment = enmienda { $id } presentada
proposals-entry-vote = voto de { $member }
proposals-entry-closed = votación cerrada

## La zona raíz (zone.change)
proposals-action-zone-add = Delegar el dominio de nivel superior
proposals-action-zone-change = Modificar la delegación del dominio de nivel superior
proposals-action-zone-remove = Suprimir la delegación del dominio de nivel superior
proposals-action-zone-ns = Servidores de nombres:
proposals-action-zone-glue = Direcciones de pegamento:
proposals-action-zone-ds = Registros `DS` (`DNSSEC`):
proposals-action-zone-no-ds = Ningún registro `DS`: el dominio no está firmado.
proposals-action-zone-sponsor = Patrocinador:
proposals-action-zone-checks = Comprobaciones técnicas superadas al presentarse:
proposals-result-zone = `{ $tld }` se modificó en la zona raíz, número de serie `{ $serial }`.
zone-check-ns-count = de dos a trece servidores de nombres
zone-check-ns-host-names = nombres de host válidos para los servidores de nombres (`RFC 1123`)
zone-check-ns-reachable = cada servidor de nombres está bajo un dominio de nivel superior delegado
zone-check-ns-distinct-addresses = direcciones distintas para los servidores de nombres
zone-check-glue-present = pegamento para los servidores de nombres bajo el dominio
zone-check-glue-consistent = pegamento solo para hosts del dominio que se usan
zone-check-addresses-global = ninguna dirección privada, reservada o no asignada
zone-check-ds-algorithm = algoritmos `DS` conocidos y admitidos
zone-check-ds-digest = tipos de resumen `DS` conocidos, resúmenes de la longitud correcta
zone-check-referral-size = la remisión cabe en 1232 octetos con `EDNS` y en 512 sin él
zone-check-limits = dentro de los límites del registro
zone-check-not-in-use = nada más depende de un dominio suprimido
