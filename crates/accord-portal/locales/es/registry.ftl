# El registro de la zona raíz: /registry y /registry/{tld}.
nav-registry = Zona raíz
registry-title = Registro de la zona raíz
registry-intro = Las delegaciones de la zona raíz solo cambian por decisión de los miembros; cada cambio, y cada versión de la zona que resulta de él, es una entrada del registro.
registry-none = Todavía no hay registro: la secretaría no ha importado ninguna zona raíz.
registry-serial = Número de serie actual
registry-formed = Formada
registry-cause-import = Importación inicial de la zona raíz
registry-cause-change = Cambio aprobado por la propuesta
registry-cause-resign = Nueva firma semanal
registry-published = Publicada
registry-published-yes = Consignada en la entrada
registry-published-no = Sin consignar
registry-not-published-yet = Su publicación aún no consta.
registry-sha256 = `SHA-256`
registry-trust-anchor = Ancla de confianza (`DS` de la clave de firma de claves)
registry-no-trust-anchor = No se pudo leer la clave de firma de claves.
registry-zone-file = Archivo de zona firmado
registry-source = Archivo de zona importado
registry-versions = Versiones recientes de la zona
registry-col-serial = Número de serie
registry-col-time = Fecha
registry-col-cause = Motivo
registry-col-entry = Entrada
registry-col-published = Publicación
registry-tlds = Dominios de primer nivel
registry-tld-count = { $count ->
    [one] { $count } dominio de primer nivel está delegado.
   *[other] { $count } dominios de primer nivel están delegados.
}
registry-go-label = Ir a un dominio de primer nivel
registry-go = Mostrar
registry-find-hint = Para buscar en la lista, use la búsqueda de su navegador (`Ctrl+F`).
registry-col-tld = Dominio
registry-col-sponsor = Patrocinador
registry-col-ns = Servidores de nombres
registry-col-signed = Firmado
registry-signed = firmado
registry-unsigned = sin firmar
registry-unknown-tld = Ese dominio de primer nivel no figura en el registro: revise la ortografía o búsquelo en la lista de todos los dominios de primer nivel.
registry-ns = Servidores de nombres (`NS`)
registry-glue = Direcciones de pegamento
registry-no-glue = Ninguna (los servidores de nombres están fuera de este dominio)
registry-ds = Firmante de la delegación (`DS`)
registry-no-ds = Ningún registro `DS`: el dominio no está firmado.
registry-ds-count = { $count ->
    [0] ningún registro `DS`
    [one] { $count } registro `DS`
   *[other] { $count } registros `DS`
}
registry-became-removed = Retirado de la zona
registry-back = Todos los dominios de primer nivel
registry-tld-heading = Dominio de primer nivel
registry-current = Delegación actual
registry-since = Según la entrada
registry-not-delegated = Este dominio ya no está delegado.
registry-history = Historial de la delegación
registry-col-decision = Decisión
registry-col-became = Resultado
registry-decision-proposal = Propuesta
registry-decision-import = La importación inicial
